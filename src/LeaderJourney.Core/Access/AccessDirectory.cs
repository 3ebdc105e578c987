using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Core.Access;

public sealed class DuplicateException(string message) : Exception(message);

/// <summary>Affiliates, users, passwords and tokens. Passwords are hashed with ASP.NET Core Identity's PasswordHasher; tokens (API and page sessions alike) are stored as SHA-256 hashes with an expiry.</summary>
public sealed partial class AccessDirectory(NpgsqlDataSource dataSource, string schema, TimeProvider clock, RequestHashes hashes, SignInLimits limits, UserEmails? emails = null)
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(8);
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);
    public const int MinPasswordLength = 10;

    private static readonly PasswordHasher<CurrentUser> Hasher = new();
    // Verified when the user name is unknown, so a wrong name costs as long as a wrong password.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-real-password-" + Guid.NewGuid());

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{1,15}$")]
    private static partial Regex AffiliateCodePattern();

    [GeneratedRegex("^[A-Za-z0-9._@-]{3,64}$")]
    private static partial Regex UsernamePattern();

    /// <returns>The code and the name as kept (the code in capitals, the name's spaces one).</returns>
    /// <param name="by">Who adds it, for the trail (<see cref="AccountChangesAsync"/>); null: the command line or the demo's loader.</param>
    public async Task<AffiliateBody> CreateAffiliateAsync(string code, string name, CancellationToken ct = default, CurrentUser? by = null)
    {
        if (string.IsNullOrWhiteSpace(code) || !AffiliateCodePattern().IsMatch(code.Trim()))
            throw new RequestValidationException("code", "An affiliate code has 2 to 16 letters, digits or '-', starting with a letter or digit (e.g. 'OH' or 'NEA-NY').");
        // Kept in capitals, as codes are written ("oh" typed is OH): one affiliate's code in any case names it anyway.
        code = code.Trim().ToUpperInvariant();
        name = AffiliateName(name);
        // A code that differs only in case ("nv" beside "NV"), or a name taken already, is a second affiliate
        // made by mistake: an affiliate's code is never changed nor the affiliate removed, so it is refused, saying which exists.
        // The database's indexes refuse one added at the same moment by someone else, which this statement's
        // look cannot see yet; the look is then made again, to name it.
        for (var look = 0; look < 2; look++)
        {
            await using var command = dataSource.CreateCommand($"""
                with existing as (select code, name from {schema}.affiliates where lower(code) = lower($1) or lower(name) = lower($2) order by lower(code) = lower($1) desc limit 1),
                     added as (insert into {schema}.affiliates (code, name, created_at) select $1, $2, $3 where not exists (select 1 from existing)
                               on conflict do nothing returning code),
                     trail as ({AffiliateTrail("added", Changes.AffiliateAdded)})
                select (select code from added), (select code from existing), (select name from existing)
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
            command.Parameters.Add(ActorOf(by));
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (!reader.IsDBNull(0)) return new AffiliateBody(code, name);
            if (reader.IsDBNull(1)) continue;
            if (string.Equals(reader.GetString(1), code, StringComparison.OrdinalIgnoreCase))
                throw new DuplicateException($"Affiliate '{reader.GetString(1)}' already exists.");
            throw new DuplicateException($"An affiliate named '{reader.GetString(2)}' already exists: {reader.GetString(1)}.");
        }
        throw new DuplicateException($"An affiliate with the code '{code}' or the name '{name}' (in any case) already exists.");
    }

    // Spaces inside a name taken as one ("Ohio  Education" is "Ohio Education"), so a name typed with two is no second affiliate.
    private static string AffiliateName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200 || name.Any(char.IsControl)
            ? throw new RequestValidationException("name", "An affiliate name has 1 to 200 characters of plain text.")
            : SpaceRuns().Replace(name.Trim(), " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex SpaceRuns();

    /// <summary>
    /// A new name for an affiliate (a name mistyped when it was added, or the affiliate's own new name):
    /// its code stays, as it is the affiliate in every stream and report. A name another affiliate has
    /// (in any case) is refused, naming it; the database's index refuses one taken at the same moment.
    /// </summary>
    public async Task<AffiliateBody> RenameAffiliateAsync(string? code, string? name, CancellationToken ct = default, CurrentUser? by = null)
    {
        var stored = string.IsNullOrWhiteSpace(code) ? null : await StoredAffiliateCodeAsync(code, ct);
        if (stored is null) throw new NotFoundException($"There is no affiliate '{code}'.");
        name = AffiliateName(name);
        await using var command = dataSource.CreateCommand($"""
            with other as (select code from {schema}.affiliates where lower(name) = lower($2) and code <> $1 limit 1),
                 renamed as (update {schema}.affiliates set name = $2 where code = $1 and name <> $2 and not exists (select 1 from other) returning code),
                 trail as ({AffiliateTrail("renamed", Changes.AffiliateRenamed)})
            select (select code from other), exists (select 1 from renamed) or exists (select 1 from {schema}.affiliates where code = $1 and name = $2)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stored });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(ActorOf(by));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (!reader.IsDBNull(0)) throw new DuplicateException($"An affiliate named '{name}' already exists: {reader.GetString(0)}.");
            if (!reader.GetBoolean(1)) throw new NotFoundException($"There is no affiliate '{code}'.");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateException($"An affiliate named '{name}' already exists.");
        }
        return new AffiliateBody(stored, name);
    }

    /// <summary>
    /// Removes an affiliate added by mistake (a code mistyped): only one with no sign-in and nothing recorded in it (no
    /// leader, position or report). Its entries in the trail stay, with the removal's. A sign-in added at the same moment
    /// is held off by the users' foreign key; a leader or position a national admin records in it at that very moment is
    /// not (an affiliate with no sign-in has no staff of its own to write to it).
    /// </summary>
    public async Task<AffiliateBody> RemoveAffiliateAsync(string? code, CancellationToken ct = default, CurrentUser? by = null)
    {
        var stored = string.IsNullOrWhiteSpace(code) ? null : await StoredAffiliateCodeAsync(code, ct);
        if (stored is null) throw new NotFoundException($"There is no affiliate '{code}'.");
        await using var command = dataSource.CreateCommand($"""
            with target as (select code, name from {schema}.affiliates where code = $1 for update),
                 used as (select (select count(*) from {schema}.users where affiliate = $1) as users,
                                 exists (select 1 from {schema}.mt_streams where tenant_id = $1) as recorded),
                 removed as (delete from {schema}.affiliates a using target t, used u where a.code = t.code and u.users = 0 and not u.recorded returning a.code, a.name),
                 trail as (insert into {schema}.account_changes (at, actor, user_id, affiliate, change, detail) select $2, $3, null, code, '{Changes.AffiliateRemoved}', name from removed)
            select (select name from target), (select users from used), (select recorded from used), exists (select 1 from removed)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stored });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(ActorOf(by));
        string SignIns(long count) => count == 1
            ? $"{stored} has a sign-in, so it stays: only an affiliate added by mistake, with no sign-in and nothing recorded, is removed."
            : $"{stored} has {count} sign-ins, so it stays: only an affiliate added by mistake, with no sign-in and nothing recorded, is removed.";
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (reader.IsDBNull(0)) throw new NotFoundException($"There is no affiliate '{code}'.");
            if (reader.GetInt64(1) is > 0 and var users) throw new Domain.DomainRuleException(SignIns(users));
            if (reader.GetBoolean(2))
                throw new Domain.DomainRuleException($"{stored} has leaders, positions or reports recorded, so it stays: only an affiliate added by mistake, with nothing recorded, is removed.");
            return new AffiliateBody(stored, reader.GetString(0));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A sign-in added while the removal was looking.
            throw new Domain.DomainRuleException(SignIns(1));
        }
    }

    /// <summary>An affiliate and how many users it has.</summary>
    public sealed record AffiliateSummary(string Code, string Name, int Users);

    /// <summary>Every affiliate with its number of users, for national admins.</summary>
    public async Task<IReadOnlyList<AffiliateSummary>> ListAffiliatesAsync(CurrentUser caller, CancellationToken ct = default)
    {
        if (!caller.IsNationalAdmin) throw new ForbiddenException("Only national admins list affiliates.");
        await using var command = dataSource.CreateCommand($"""
            select a.code, a.name, (select count(*)::int from {schema}.users u where u.affiliate = a.code) from {schema}.affiliates a order by a.code
            """);
        var list = new List<AffiliateSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(new AffiliateSummary(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        return list;
    }

    /// <summary>
    /// The affiliate a read asks for (<c>affiliate=</c>, else the caller's own), as stored. A code in another
    /// case names the same affiliate (codes are one affiliate's in any case); a national admin's code that
    /// names none is missing (404), not an empty answer; anyone else's other code is refused with
    /// <paramref name="refusal"/> whether or not it exists.
    /// </summary>
    public async Task<string> AffiliateAskedAsync(CurrentUser caller, string? affiliate, string refusal, CancellationToken ct = default)
    {
        var asked = affiliate ?? caller.Affiliate ?? throw new RequestValidationException("affiliate", "Give the affiliate's code (affiliate=...).");
        if (!caller.IsNationalAdmin)
            return string.Equals(asked, caller.Affiliate, StringComparison.OrdinalIgnoreCase) ? caller.Affiliate! : throw new ForbiddenException(refusal);
        return await StoredAffiliateCodeAsync(asked, ct) ?? throw new NotFoundException($"There is no affiliate '{asked}'.");
    }

    /// <summary>The affiliate's code as stored, for a code in any case; null when none has it.</summary>
    public async Task<string?> StoredAffiliateCodeAsync(string code, CancellationToken ct = default)
    {
        // What cannot be a code names none (and a NUL would not even reach the database as text).
        if (!AffiliateCodePattern().IsMatch(code.Trim())) return null;
        await using var command = dataSource.CreateCommand($"select code from {schema}.affiliates where lower(code) = lower($1)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code.Trim() });
        return (string?)await command.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// An affiliate code sent to the API as stored ("oh" is OH), or as sent when no affiliate has it (the
    /// command refuses it then): codes name one affiliate in any case, as on the pages.
    /// </summary>
    public async Task<string?> AffiliateAsStoredAsync(string? code, CancellationToken ct = default) =>
        string.IsNullOrWhiteSpace(code) ? code : await StoredAffiliateCodeAsync(code, ct) ?? code;

    public async Task<bool> AffiliateExistsAsync(string code, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select exists (select 1 from {schema}.affiliates where code = $1)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Creates a user after checking every field; <paramref name="creator"/> null means the command line (trusted, as the first national admin is made there).</summary>
    /// <param name="affiliateOfLeader">
    /// The affiliate of a leader who exists and is not erased, else null: a leader's sign-in is only made
    /// for such a leader of the user's own affiliate, and for one without a sign-in yet, so no admin can
    /// make a sign-in that reads someone else's record. Null skips that check (generated test data).
    /// </param>
    /// <param name="email">
    /// The user's address: kept as a keyed hash, to find the account by when the affiliate signs in with
    /// single sign-on (docs/security.md), and sealed (<see cref="UserEmails"/>), to mail them notices.
    /// </param>
    public async Task<Guid> CreateUserAsync(string username, string password, string role, string? affiliate, Guid? leaderId, CurrentUser? creator, CancellationToken ct = default,
        Func<Guid, CancellationToken, Task<string?>>? affiliateOfLeader = null, string? email = null, string? name = null)
    {
        // Who may act is settled before what they sent is judged: a non-admin learns nothing from validation.
        if (creator is { IsAdmin: false }) throw new ForbiddenException("Only admins create users.");
        if (string.IsNullOrEmpty(username) || !UsernamePattern().IsMatch(username))
            throw new RequestValidationException("username", "A user name has 3 to 64 characters: letters a to z without accents, digits, or '.', '_', '@', '-'.");
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength || password.Length > 200)
            throw new RequestValidationException("password", $"A password has {MinPasswordLength} to 200 characters.");
        if (!Roles.All.Contains(role))
            throw new RequestValidationException("role", $"Role '{role}' is not one of: {string.Join(", ", Roles.All)}.");
        if (role == Roles.NationalAdmin && affiliate is not null)
            throw new RequestValidationException("affiliate", "A national admin belongs to no affiliate; leave affiliate out.");
        if (role != Roles.NationalAdmin && string.IsNullOrWhiteSpace(affiliate))
            throw new RequestValidationException("affiliate", $"A {role} belongs to one affiliate; give its code.");
        if (affiliate is not null && !AffiliateCodePattern().IsMatch(affiliate))
            throw new RequestValidationException("affiliate", $"'{affiliate}' is not an affiliate code.");
        if (role == Roles.Leader && leaderId is null)
            throw new RequestValidationException("leaderId", "A leader's user names the leader it is (leaderId).");
        if (role != Roles.Leader && leaderId is not null)
            throw new RequestValidationException("leaderId", "Only a leader's user names a leader.");
        if (creator is { IsNationalAdmin: false } && (role == Roles.NationalAdmin || !string.Equals(affiliate, creator.Affiliate, StringComparison.OrdinalIgnoreCase)))
            throw new ForbiddenException("An affiliate admin creates users of their own affiliate only, and no national admins.");
        if (email is not null) email = Leaders.LeaderInput.Email(email);
        name = PersonName(name);
        // A code in another case names the affiliate as stored ("demo" is DEMO).
        if (affiliate is not null)
            affiliate = await StoredAffiliateCodeAsync(affiliate, ct) ?? throw new RequestValidationException("affiliate", $"There is no affiliate '{affiliate}'; add the affiliate first.");
        if (leaderId is { } leader && affiliateOfLeader is not null)
        {
            // A leader of another affiliate answers exactly as one that does not exist.
            if (await affiliateOfLeader(leader, ct) != affiliate)
                throw new RequestValidationException("leaderId", $"There is no leader {leader} in affiliate {affiliate}.");
            await using var existing = dataSource.CreateCommand($"select exists (select 1 from {schema}.users where leader_id = $1)");
            existing.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leader });
            if ((bool)(await existing.ExecuteScalarAsync(ct))!) throw new DuplicateException("This leader already has a sign-in.");
        }

        var id = Guid.CreateVersion7();
        // The account and its line in the trail of changes (AccountChanges) in one statement.
        await using var command = dataSource.CreateCommand($"""
            with added as (
                insert into {schema}.users (id, username, password_hash, role, affiliate, leader_id, created_at, email_hash, email_sealed, name_sealed)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing returning id, affiliate, role)
            insert into {schema}.account_changes (at, actor, user_id, affiliate, change, detail) select $7, $11, id, affiliate, '{Changes.Added}', role from added
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hasher.HashPassword(null!, password) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = affiliate, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leaderId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = email is null ? null : EmailHash(email), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = email is null ? null : emails?.Seal(id, email), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = name is null ? null : emails?.SealName(id, name), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = creator is null or { IsOperator: true } ? null : creator.UserId, NpgsqlDbType = NpgsqlDbType.Uuid });
        // Two requests for one leader's sign-in at once both pass the check above; the unique index takes one.
        if (await command.ExecuteNonQueryAsync(ct) == 0) throw await WhichIsTakenAsync(username, affiliate, email, leaderId, ct);
        return id;
    }

    /// <summary>Which of a new user's unique values another user has, said alone: a list of guesses sent staff after the wrong one.</summary>
    private async Task<DuplicateException> WhichIsTakenAsync(string username, string? affiliate, string? email, Guid? leaderId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select exists (select 1 from {schema}.users where lower(username) = lower($1)),
                   exists (select 1 from {schema}.users where email_hash = $2 and affiliate is not distinct from $3),
                   exists (select 1 from {schema}.users where leader_id = $4)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = email is null ? null : EmailHash(email), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = affiliate, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leaderId, NpgsqlDbType = NpgsqlDbType.Uuid });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        // User names are one list for the whole installation: a name taken in another affiliate is taken here too.
        return reader.GetBoolean(0) ? new DuplicateException($"The user name '{username}' is taken: choose another.")
            : reader.GetBoolean(1) ? new DuplicateException($"Another user of {affiliate ?? "the installation"} has that e-mail address.")
            : reader.GetBoolean(2) ? new DuplicateException("This leader already has a sign-in.")
            : new DuplicateException($"The user name '{username}' is taken: choose another.");
    }

    /// <summary>A user written in bulk with an id chosen by the caller (generated data names its users' ids in its events).</summary>
    public sealed record ImportedUser(Guid Id, string Username, string Role, string? Affiliate, Guid? LeaderId, string? Email = null, string? Name = null);

    /// <summary>
    /// Writes many users at once with binary COPY, all with one password hashed once: hashing is slow on
    /// purpose, and thousands of generated mentors would otherwise take minutes. Sharing one hash (and so
    /// one salt) says only what is known anyway, that these users share a password. For generated data
    /// only: nothing is validated beyond what the table enforces.
    /// </summary>
    public async Task ImportUsersAsync(IReadOnlyList<ImportedUser> users, string sharedPassword, CancellationToken ct = default)
    {
        var hash = Hasher.HashPassword(null!, sharedPassword);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {schema}.users (id, username, password_hash, role, affiliate, leader_id, created_at, email_hash, email_sealed, name_sealed) from stdin (format binary)", ct);
        foreach (var user in users)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(user.Id, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(user.Username, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(hash, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(user.Role, NpgsqlDbType.Text, ct);
            if (user.Affiliate is null) await importer.WriteNullAsync(ct);
            else await importer.WriteAsync(user.Affiliate, NpgsqlDbType.Text, ct);
            if (user.LeaderId is null) await importer.WriteNullAsync(ct);
            else await importer.WriteAsync(user.LeaderId.Value, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(clock.GetUtcNow(), NpgsqlDbType.TimestampTz, ct);
            if (user.Email is null) await importer.WriteNullAsync(ct);
            else await importer.WriteAsync(EmailHash(user.Email), NpgsqlDbType.Text, ct);
            if (user.Email is null || emails is null) await importer.WriteNullAsync(ct);
            else await importer.WriteAsync(emails.Seal(user.Id, user.Email), NpgsqlDbType.Bytea, ct);
            if (user.Name is null || emails is null) await importer.WriteNullAsync(ct);
            else await importer.WriteAsync(emails.SealName(user.Id, user.Name), NpgsqlDbType.Bytea, ct);
        }
        await importer.CompleteAsync(ct);
    }

    public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

    /// <summary>
    /// The user's id when the name and password match an enabled account, else null. Tries are counted per
    /// user name and client address, for names that exist and names that do not alike (a lock-out says
    /// nothing of which names exist): after <see cref="MaxFailedSignIns"/> failures in a row that
    /// address is locked out of that name for <see cref="LockOut"/> (<see cref="LockedOutException"/>),
    /// while the owner, from their own address, can still sign in. Across all addresses a name gets
    /// <see cref="SignInLimits.PerAccount"/> tries a window (<see cref="SignInLimits"/>). The same check
    /// serves bearer tokens, page sign-in and a password change.
    /// </summary>
    /// <param name="address">Where the try comes from (the client's address behind any trusted proxy).</param>
    public async Task<Guid?> CheckPasswordAsync(string username, string password, string address, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var name = (username ?? "").ToLowerInvariant();
        // At most a few of one address's tries are checked at once, the rest waiting their turn: the
        // budgets below are looked at before the slow hash and spent after it, so tries sent together
        // could otherwise all pass the look before any is spent.
        using var addressTurn = await limits.WaitForAddressTurnAsync(address, ct);
        if (!addressTurn.IsAcquired)
            throw new LockedOutException(now + TimeSpan.FromSeconds(5), "Too many wrong sign-in tries from this address; wait a minute and try again.");
        // The address's and the account's budgets are looked at here and spent only by a password actually
        // checked and wrong (below): tries the lock-out refuses cost nothing, so one address cannot keep an
        // account's budget spent, and right passwords cost nothing, so a room signing in together is not refused.
        using (var lease = limits.PeekAddress(address))
            if (!lease.IsAcquired)
                throw new LockedOutException(now + SignInLimits.RetryAfter(lease), "Too many wrong sign-in tries from this address; wait a minute and try again.");
        using (var lease = limits.PeekAccount(name))
            if (!lease.IsAcquired) throw new LockedOutException(now + SignInLimits.RetryAfter(lease));
        using var turn = await limits.WaitForCheckAsync(ct);
        if (!turn.IsAcquired)
            throw new LockedOutException(now + TimeSpan.FromSeconds(5), "Many sign-ins are being checked at this moment; try again in a few seconds.");
        // The turn may have been waited for: the lock-out is judged at the moment of the check.
        now = clock.GetUtcNow();
        // One try is claimed before the (deliberately slow) hash check, in one statement: guesses sent at
        // once are counted at once, so no more than MaxFailedSignIns are ever checked before the lock-out.
        // A lock-out that has run out, or failures older than the lock-out period, start the count again.
        // The key is a keyed hash: neither the name nor the address is stored.
        await using var claim = dataSource.CreateCommand($"""
            insert into {schema}.sign_in_throttle as t (key, failures, locked_until, last_try_at) values ($1, 1, null, $2)
            on conflict (key) do update
               set failures = case when t.locked_until <= $2 or (t.locked_until is null and t.last_try_at <= $5) then 1 else t.failures + 1 end,
                   locked_until = case when t.locked_until <= $2 or (t.locked_until is null and t.last_try_at <= $5) then null
                                       when t.locked_until is null and t.failures + 1 > $3 then $4 else t.locked_until end,
                   last_try_at = $2
            returning locked_until, failures
            """);
        var key = hashes.Of($"sign-in\n{name}\n{address}");
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MaxFailedSignIns });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + LockOut });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - LockOut });
        DateTimeOffset? lockedUntil;
        int tries;
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            lockedUntil = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
            tries = reader.GetInt32(1);
        }
        if (lockedUntil > now) throw new LockedOutException(lockedUntil.Value);

        // A name that does not exist, or a disabled account, is checked against a hash all the same, so
        // it costs as long as a wrong password.
        Guid? id = null;
        var hash = DummyHash;
        if (UsernamePattern().IsMatch(name))
        {
            await using var find = dataSource.CreateCommand($"select id, password_hash from {schema}.users where lower(username) = $1 and disabled_at is null");
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct)) (id, hash) = (reader.GetGuid(0), reader.GetString(1));
        }
        var verified = Hasher.VerifyHashedPassword(null!, hash, password ?? "") != PasswordVerificationResult.Failed;
        if (!verified || id is null)
        {
            limits.SpendFailure(address, name);
            if (tries >= MaxFailedSignIns)
            {
                await using var lockOut = dataSource.CreateCommand($"update {schema}.sign_in_throttle set locked_until = $2 where key = $1 and locked_until is null");
                lockOut.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
                lockOut.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + LockOut });
                await lockOut.ExecuteNonQueryAsync(ct);
            }
            return null;
        }
        await using var reset = dataSource.CreateCommand($"delete from {schema}.sign_in_throttle where key = $1 or last_try_at < $2");
        reset.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        reset.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - LockOut - LockOut });
        await reset.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>Checks the name and password (<see cref="CheckPasswordAsync"/>) and issues a bearer token; null when they do not match.</summary>
    public async Task<IssuedToken?> SignInAsync(string username, string password, string address, CancellationToken ct = default) =>
        await SignInAsync(username, password, address, TokenKind.Api, ct);

    /// <summary>The same, for a token of either kind (a page session's lives in its cookie).</summary>
    public async Task<IssuedToken?> SignInAsync(string username, string password, string address, TokenKind kind, CancellationToken ct = default)
    {
        // The token is dated when the password was checked: a password change that lands while the
        // (slow) check runs still ends it (FindByTokenAsync compares the two).
        var checkedAt = clock.GetUtcNow();
        return await CheckPasswordAsync(username, password, address, ct) is { } id ? await IssueTokenAsync(id, kind, ct, checkedAt) : null;
    }

    /// <summary>What a token is held in: an API client's bearer header, or a page's cookie.</summary>
    public enum TokenKind { Api, Page }

    /// <summary>
    /// A new token for the user, stored only as a hash. Page sign-ins hold theirs in the cookie, so that
    /// signing out, a password or role change, disabling the user or an erasure ends a page session
    /// exactly as it ends an API token: by deleting the row.
    /// </summary>
    public async Task<IssuedToken> IssueTokenAsync(Guid userId, TokenKind kind, CancellationToken ct = default, DateTimeOffset? checkedAt = null)
    {
        var now = checkedAt ?? clock.GetUtcNow();
        var token = NewToken();
        var expires = now + TokenLifetime;
        await using var issue = dataSource.CreateBatch();
        var purge = new NpgsqlBatchCommand($"delete from {schema}.access_tokens where expires_at < $1");
        purge.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        var insert = new NpgsqlBatchCommand($"insert into {schema}.access_tokens (token_hash, user_id, created_at, expires_at, kind) values ($1, $2, $3, $4, $5)");
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expires });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind == TokenKind.Api ? "api" : "page" });
        // The first use of a sign-in: from then on an admin's password link for a leader's withdraws their demographics.
        // The last, for the admins' list.
        var used = new NpgsqlBatchCommand($"update {schema}.users set signed_in_at = coalesce(signed_in_at, $1), last_signed_in_at = $1 where id = $2");
        used.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        used.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        issue.BatchCommands.Add(purge);
        issue.BatchCommands.Add(insert);
        issue.BatchCommands.Add(used);
        await issue.ExecuteNonQueryAsync(ct);
        return new IssuedToken(token, expires);
    }

    /// <summary>
    /// The user a token stands for, or null when it is unknown, expired, revoked or its user disabled.
    /// Looked up in the database for every request a token is sent with: a revocation holds at once, on
    /// every host. (A command's request may instead check it in its own write: <see cref="TokenChecks"/>.)
    /// </summary>
    public async Task<CurrentUser?> FindByTokenAsync(string token, CancellationToken ct = default) =>
        (await FindLiveTokenAsync(TokenHash(token), ct))?.User;

    /// <summary>A live token's user and when the token expires.</summary>
    public sealed record LiveToken(CurrentUser User, DateTimeOffset ExpiresAt);

    public async Task<LiveToken?> FindLiveTokenAsync(byte[] tokenHash, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select u.id, u.username, u.role, u.affiliate, u.leader_id, t.expires_at
              from {schema}.access_tokens t join {schema}.users u on u.id = t.user_id
             where t.token_hash = $1 and {LiveTokenCondition("$2")}
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = tokenHash });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new LiveToken(ReadUser(reader), reader.GetFieldValue<DateTimeOffset>(5)) : null;
    }

    /// <summary>
    /// What makes the token row <c>t</c> of the user row <c>u</c> live at <paramref name="now"/>: not expired,
    /// the user not disabled, no password or role change since it was issued. One text for the lookup
    /// above and the check a command's write makes (core migration 20, <c>assert_token_live</c>).
    /// </summary>
    public static string LiveTokenCondition(string now) =>
        $"t.expires_at > {now} and u.disabled_at is null and (u.credentials_changed_at is null or t.created_at >= u.credentials_changed_at)";

    /// <summary>Ends one token (signing out).</summary>
    public async Task RevokeTokenAsync(string token, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"delete from {schema}.access_tokens where token_hash = $1");
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Sets a new password after checking the current one (counted like any sign-in try), and ends every
    /// token and page session of the user: whoever held one must sign in with the new password.
    /// </summary>
    public async Task ChangePasswordAsync(CurrentUser caller, string currentPassword, string newPassword, string address, CancellationToken ct = default)
    {
        if (caller.IsOperator) throw new ForbiddenException("The command line has no password of its own to change.");
        CheckNewPassword(newPassword);
        if (await CheckPasswordAsync(caller.Username, currentPassword ?? "", address, ct) != caller.UserId)
            throw new RequestValidationException("currentPassword", "The current password is wrong.");
        if (newPassword == currentPassword) throw new RequestValidationException("newPassword", "The new password is the same as the current one.");
        await using var batch = dataSource.CreateBatch();
        var update = new NpgsqlBatchCommand($"update {schema}.users set password_hash = $2, credentials_changed_at = $3 where id = $1");
        update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hasher.HashPassword(null!, newPassword) });
        update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(RevokeAll(caller.UserId));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A user as staff manage it.</summary>
    /// <param name="HasEmail">Whether an address is on file to mail them notices (never the address itself).</param>
    /// <param name="Name">The name people know them by, when an admin gave one (shown instead of the user name to leaders and mentors).</param>
    /// <param name="LastSignedInAt">When the sign-in was last used (unknown for sign-ins used only before this was kept); null with <paramref name="NeverSignedIn"/>: never.</param>
    public sealed record UserSummary(Guid Id, string Username, string Role, string? Affiliate, Guid? LeaderId, bool Disabled, DateTimeOffset CreatedAt, bool HasEmail, string? Name = null,
        DateTimeOffset? LastSignedInAt = null, bool NeverSignedIn = false);

    /// <summary>The users an admin manages: their affiliate's (a national admin: every affiliate's, or <paramref name="affiliate"/>'s).</summary>
    public async Task<IReadOnlyList<UserSummary>> ListUsersAsync(CurrentUser caller, string? affiliate, CancellationToken ct = default)
    {
        if (!caller.IsAdmin) throw new ForbiddenException("Only admins manage users.");
        var scope = caller.IsNationalAdmin ? affiliate : caller.Affiliate;
        await using var command = dataSource.CreateCommand($"""
            select id, username, role, affiliate, leader_id, disabled_at is not null, created_at, email_sealed is not null, name_sealed, last_signed_in_at, signed_in_at is null from {schema}.users
             where ($1::text is null or affiliate = $1) and ($2 or role <> '{Roles.NationalAdmin}')
             order by affiliate nulls first, lower(username)
            """);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = scope, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = caller.IsNationalAdmin });
        var users = new List<UserSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            users.Add(ReadSummary(reader));
        return users;
    }

    /// <summary>
    /// An admin changes a user's role or disables (or enables) them. Every token and page session of the
    /// user ends at once, so a narrower role or a disabled account holds from the next request. An
    /// affiliate admin manages their own affiliate's users only (another's answers as a missing one);
    /// nobody changes their own account this way (an admin could otherwise lock every admin out); a
    /// leader's sign-in stays a leader's, and national admins are made on the command line.
    /// </summary>
    /// <param name="email">A new address (as at <see cref="CreateUserAsync"/>: for mail and single sign-on), "" to remove it, null to leave it.</param>
    /// <param name="name">The name people know them by, "" to remove it, null to leave it; a new name ends no session.</param>
    public async Task<UserSummary> ChangeUserAsync(CurrentUser caller, Guid userId, string? role, bool? disabled, CancellationToken ct = default, string? email = null, string? name = null)
    {
        var user = await ManagedUserAsync(caller, userId, ct);
        if (role is null && disabled is null && email is null && name is null)
            throw new RequestValidationException("role", "Send a new role, disabled: true or false, an email or a name (an empty one removes it).");
        if (name is not null && user.Role == Roles.Leader)
            throw new RequestValidationException("name", "A leader's name is the one on their record: correct it there.");
        var newName = PersonName(name);
        // A leader is mailed at their record's address, and a national admin's account is the command line's:
        // neither sign-in takes an address here (single sign-on would sign its holder in as them).
        if (email is not null && user.Role is Roles.Leader or Roles.NationalAdmin)
            throw new RequestValidationException("email", "A leader's or a national admin's sign-in takes no e-mail address here.");
        if (user.Id == caller.UserId) throw new RequestValidationException("id", "You cannot change or disable your own account; ask another admin.");
        if (role is not null)
        {
            if (!Roles.All.Contains(role)) throw new RequestValidationException("role", $"Role '{role}' is not one of: {string.Join(", ", Roles.All)}.");
            if (role != user.Role && (role is Roles.Leader or Roles.NationalAdmin || user.Role is Roles.Leader or Roles.NationalAdmin))
                throw new RequestValidationException("role", "A leader's sign-in stays a leader's, and a national admin's stays national: create a new user instead.");
        }
        var newEmail = string.IsNullOrWhiteSpace(email) ? null : Leaders.LeaderInput.Email(email);
        await using var batch = dataSource.CreateBatch();
        // A new address is also whom single sign-on signs in: sessions taken before it end, and one being
        // issued for the old address as it changes is refused (credentials_changed_at, as for a password).
        var update = new NpgsqlBatchCommand($"""
            update {schema}.users set role = coalesce($2, role),
                   disabled_at = case when $3::boolean is null then disabled_at when $3 then coalesce(disabled_at, $4) else null end,
                   email_hash = case when $5 then $6 else email_hash end,
                   email_sealed = case when $5 then $7 else email_sealed end,
                   credentials_changed_at = case when $5 and email_hash is distinct from $6 then $4 else credentials_changed_at end,
                   name_sealed = case when $8 then $9 else name_sealed end
             where id = $1
            """);
        update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = user.Id });
        update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = role, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = disabled, NpgsqlDbType = NpgsqlDbType.Boolean });
        update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        update.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = email is not null });
        update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = newEmail is null ? null : EmailHash(newEmail), NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = newEmail is null ? null : emails?.Seal(user.Id, newEmail), NpgsqlDbType = NpgsqlDbType.Bytea });
        update.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = name is not null });
        update.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = newName is null ? null : emails?.SealName(user.Id, newName), NpgsqlDbType = NpgsqlDbType.Bytea });
        batch.BatchCommands.Add(update);
        // A new role or status ends the sessions at once, as does a new address; the same address again changes nothing.
        var emailChanged = email is not null && await EmailHashOfAsync(user.Id, ct) != (newEmail is null ? null : EmailHash(newEmail));
        if (role is not null || disabled is not null || emailChanged) batch.BatchCommands.Add(RevokeAll(user.Id));
        // The trail names what changed, not what was sent again as it was.
        if (role is not null && role != user.Role) batch.BatchCommands.Add(Trail(caller, user, Changes.Role, role));
        if (disabled is { } off && off != user.Disabled) batch.BatchCommands.Add(Trail(caller, user, off ? Changes.Disabled : Changes.Enabled));
        if (emailChanged) batch.BatchCommands.Add(Trail(caller, user, newEmail is null ? Changes.EmailRemoved : Changes.Email));
        if (name is not null && newName != user.Name) batch.BatchCommands.Add(Trail(caller, user, newName is null ? Changes.NameRemoved : Changes.Name));
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateException($"Another user of {user.Affiliate ?? "the installation"} has that email.");
        }
        return (await ListOne(user.Id, ct))!;
    }

    /// <summary>A user the caller may manage: an affiliate admin their affiliate's (another's answers as missing), a national admin anyone.</summary>
    private async Task<UserSummary> ManagedUserAsync(CurrentUser caller, Guid userId, CancellationToken ct)
    {
        if (!caller.IsAdmin) throw new ForbiddenException("Only admins manage users.");
        return (await ListOne(userId, ct)) is { } found && (caller.IsNationalAdmin || (found.Affiliate == caller.Affiliate && found.Role != Roles.NationalAdmin))
            ? found : throw new NotFoundException($"There is no user {userId}.");
    }

    private async Task<string?> EmailHashOfAsync(Guid userId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select email_hash from {schema}.users where id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private async Task<UserSummary?> ListOne(Guid userId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select id, username, role, affiliate, leader_id, disabled_at is not null, created_at, email_sealed is not null, name_sealed, last_signed_in_at, signed_in_at is null from {schema}.users where id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadSummary(reader) : null;
    }

    /// <summary>A row of <c>id, username, role, affiliate, leader_id, disabled, created_at, has email, name_sealed, last_signed_in_at, never signed in</c>.</summary>
    private UserSummary ReadSummary(NpgsqlDataReader reader) => new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetBoolean(5), reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetBoolean(7), NameOf(reader.GetGuid(0), reader, 8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), reader.GetBoolean(10));

    /// <summary>The name sealed in column <paramref name="ordinal"/>, opened; null when none was given.</summary>
    private string? NameOf(Guid userId, NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) || emails is null ? null : emails.OpenName(userId, reader.GetFieldValue<byte[]>(ordinal));

    /// <summary>A name as typed, trimmed, at most 100 characters and no control characters; null for none (pages encode it where they show it).</summary>
    private static string? PersonName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : Leaders.LeaderInput.Required(name, "name", 100);

    private NpgsqlBatchCommand RevokeAll(Guid userId) =>
        new($"delete from {schema}.access_tokens where user_id = $1") { Parameters = { new NpgsqlParameter<Guid> { TypedValue = userId } } };

    /// <summary>The user name a leader signs in with and whether it is disabled, if they have a sign-in (<see cref="CreateUserAsync"/> makes at most one; the first is given).</summary>
    public async Task<(string Username, bool Disabled)?> SignInOfLeaderAsync(Guid leaderId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select username, disabled_at is not null from {schema}.users where leader_id = $1 order by created_at limit 1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetBoolean(1)) : null;
    }

    /// <summary>Whether the user gets notices by mail (they have not turned it off), and whether an address is on file for them to get them at.</summary>
    public async Task<(bool Mail, bool HasAddress, string? Language)> MailPreferenceAsync(Guid userId, CancellationToken ct = default)
    {
        // A leader's stop link (MailStop) stops the mails to their record, whatever their sign-in chose.
        await using var command = dataSource.CreateCommand($"""
            select not (mail_off or exists (select 1 from {schema}.mail_off_leaders m where m.leader_id = u.leader_id)), email_sealed is not null, language
              from {schema}.users u where id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (reader.GetBoolean(0), reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : throw new NotFoundException($"There is no user {userId}.");
    }

    /// <summary>The user turns notices by mail on or off for themself.</summary>
    public async Task SetMailAsync(Guid userId, bool mail, CancellationToken ct = default)
    {
        // A leader who turns them on again also lifts a stop their record's link made.
        await using var command = dataSource.CreateCommand($"""
            with changed as (update {schema}.users set mail_off = $2 where id = $1 returning leader_id),
                 lifted as (delete from {schema}.mail_off_leaders where not $2 and leader_id in (select leader_id from changed))
            select count(*) from changed
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = !mail });
        if ((long)(await command.ExecuteScalarAsync(ct))! == 0) throw new NotFoundException($"There is no user {userId}.");
    }

    /// <summary>
    /// A stop link was followed (<see cref="StopMailByLink"/>): a user is mailed nothing more; a leader's
    /// record is mailed nothing more, and their sign-ins, if any, show the mails off.
    /// </summary>
    public async Task StopMailAsync(MailRecipient recipient, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(recipient.IsLeader
            ? $"""
              with stopped as (insert into {schema}.mail_off_leaders (leader_id, stopped_at) values ($1, now()) on conflict (leader_id) do nothing)
              update {schema}.users set mail_off = true where leader_id = $1
              """
            : $"update {schema}.users set mail_off = true where id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = recipient.Id });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Keeps the language (a two-letter code) the user's pages are shown in, for their mails. One the user
    /// <paramref name="chosen"/> replaces any; one only their browser asked for never replaces a chosen one.
    /// </summary>
    public async Task SetLanguageAsync(Guid userId, string language, CancellationToken ct = default, bool chosen = false)
    {
        await using var command = dataSource.CreateCommand($"""
            update {schema}.users set language = $2, language_chosen = $3
             where id = $1 and ($3 or not language_chosen) and (language is distinct from $2 or language_chosen <> $3)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = language });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = chosen });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The language the user chose (on any browser), or null when they never chose one.</summary>
    public async Task<string?> ChosenLanguageAsync(Guid userId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select language from {schema}.users where id = $1 and language_chosen");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The language of the leader's own sign-in, if they have one and it was ever shown pages; null otherwise.</summary>
    public async Task<string?> LeaderLanguageAsync(Guid leaderId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select language from {schema}.users where leader_id = $1 and language is not null limit 1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Whether the leader's own sign-in or their stop link turned mail off (a leader is mailed at their record's address, not their sign-in's).</summary>
    public async Task<bool> LeaderTurnedMailOffAsync(Guid leaderId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            $"select exists (select 1 from {schema}.users where leader_id = $1 and mail_off) or exists (select 1 from {schema}.mail_off_leaders where leader_id = $1)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The affiliate's mentors by user name (case-insensitive), for picking one by name.</summary>
    public async Task<IReadOnlyDictionary<string, Guid>> MentorsAsync(string affiliate, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select username, id from {schema}.users where affiliate = $1 and role = $2 order by username");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Roles.Mentor });
        var mentors = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) mentors[reader.GetString(0)] = reader.GetGuid(1);
        return mentors;
    }

    /// <summary>The affiliate's mentors by user id, as people know them (their name, else their user name), for naming the mentors in a leader's record.</summary>
    /// <param name="ableToSignIn">Only those whose sign-in is not disabled: the mentors who can sign a level off now.</param>
    public async Task<IReadOnlyDictionary<Guid, string>> MentorNamesAsync(string affiliate, CancellationToken ct = default, bool ableToSignIn = false)
    {
        await using var command = dataSource.CreateCommand(
            $"select id, username, name_sealed from {schema}.users where affiliate = $1 and role = $2 and (not $3 or disabled_at is null)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Roles.Mentor });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = ableToSignIn });
        var names = new Dictionary<Guid, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names[reader.GetGuid(0)] = NameOf(reader.GetGuid(0), reader, 2) ?? reader.GetString(1);
        return names;
    }

    /// <summary>The affiliate's mentors whose sign-in is disabled: they can sign nothing off, so staff see them marked and cannot assign them.</summary>
    public async Task<IReadOnlySet<Guid>> DisabledMentorsAsync(string affiliate, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select id from {schema}.users where affiliate = $1 and role = $2 and disabled_at is not null");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Roles.Mentor });
        var disabled = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) disabled.Add(reader.GetGuid(0));
        return disabled;
    }

    /// <summary>The user names of these users, by id (a user since deleted is left out): who recorded a decision, in a report.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> UsernamesAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select id, username from {schema}.users where id = any($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. userIds] });
        var names = new Dictionary<Guid, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names[reader.GetGuid(0)] = reader.GetString(1);
        return names;
    }

    /// <summary>
    /// The enabled user of <paramref name="affiliate"/> whose email (as staff recorded it)
    /// is <paramref name="email"/>; null when there is none. For single sign-on, after the identity
    /// provider said the address is verified.
    /// </summary>
    public async Task<CurrentUser?> FindByEmailAsync(string email, string affiliate, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select id, username, role, affiliate, leader_id from {schema}.users where email_hash = $1 and affiliate = $2 and disabled_at is null");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmailHash(email) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadUser(reader) : null;
    }

    /// <summary>
    /// The addresses to mail: of the enabled users among <paramref name="userIds"/>, or of <paramref name="affiliate"/>'s
    /// enabled affiliate admins, whose address staff recorded; each with the language of the user's pages, if known.
    /// </summary>
    public async Task<IReadOnlyList<(Guid UserId, string Address, string? Language)>> MailAddressesAsync(CancellationToken ct, IReadOnlyCollection<Guid>? userIds = null, string? affiliate = null)
    {
        if (emails is null) return [];
        await using var command = dataSource.CreateCommand($"""
            select id, email_sealed, language from {schema}.users
             where email_sealed is not null and disabled_at is null and not mail_off
               and (id = any($1) or (role = '{Roles.AffiliateAdmin}' and affiliate = $2))
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. userIds ?? []] });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = affiliate, NpgsqlDbType = NpgsqlDbType.Text });
        var addresses = new List<(Guid, string, string?)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            addresses.Add((reader.GetGuid(0), emails.Open(reader.GetGuid(0), reader.GetFieldValue<byte[]>(1)), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return addresses;
    }

    private string EmailHash(string email) => hashes.Of("email\n" + email.Trim().ToLowerInvariant());

    /// <summary>
    /// A user by id, for checks such as "is this user a mentor of that affiliate"; null when unknown.
    /// <paramref name="enabledOnly"/>: null too when disabled (the role and affiliate are as they are now).
    /// </summary>
    public async Task<CurrentUser?> FindByIdAsync(Guid id, CancellationToken ct = default, bool enabledOnly = false)
    {
        await using var command = dataSource.CreateCommand($"select id, username, role, affiliate, leader_id from {schema}.users where id = $1 and (not $2 or disabled_at is null)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = enabledOnly });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadUser(reader) : null;
    }

    private static CurrentUser ReadUser(NpgsqlDataReader reader) => new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4));

    /// <summary>What is stored of a token: its SHA-256 hash.</summary>
    public static byte[] TokenHash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>A token of 256 random bits, URL-safe: a bearer token, a page session, a password link.</summary>
    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A new password's rule, wherever one is chosen.</summary>
    public static void CheckNewPassword(string? newPassword)
    {
        if (string.IsNullOrEmpty(newPassword) || newPassword.Length < MinPasswordLength || newPassword.Length > 200)
            throw new RequestValidationException("newPassword", $"A password has {MinPasswordLength} to 200 characters.");
    }
}

public sealed class ForbiddenException(string message) : Exception(message);

public sealed class LockedOutException(DateTimeOffset until, string? message = null)
    : Exception(message ?? $"Too many failed sign-ins for this user name: try again after {until:yyyy-MM-dd HH:mm} UTC.")
{
    public DateTimeOffset Until { get; } = until;
}
