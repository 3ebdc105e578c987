using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Core.Access;

public sealed class DuplicateException(string message) : Exception(message);

/// <summary>Affiliates, users, passwords and bearer tokens. Passwords are hashed with ASP.NET Core Identity's PasswordHasher; tokens are stored as SHA-256 hashes with an expiry.</summary>
public sealed partial class AccessDirectory(NpgsqlDataSource dataSource, string schema, TimeProvider clock)
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

    public async Task CreateAffiliateAsync(string code, string name, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(code) || !AffiliateCodePattern().IsMatch(code))
            throw new RequestValidationException("code", "An affiliate code has 2 to 16 letters, digits or '-', starting with a letter or digit (e.g. 'OH' or 'NEA-NY').");
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200 || name.Any(char.IsControl))
            throw new RequestValidationException("name", "An affiliate name has 1 to 200 characters of plain text.");
        await using var command = dataSource.CreateCommand($"insert into {schema}.affiliates (code, name, created_at) values ($1, $2, $3) on conflict do nothing");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name.Trim() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        if (await command.ExecuteNonQueryAsync(ct) == 0) throw new DuplicateException($"Affiliate '{code}' already exists.");
    }

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
    public async Task<Guid> CreateUserAsync(string username, string password, string role, string? affiliate, Guid? leaderId, CurrentUser? creator, CancellationToken ct = default,
        Func<Guid, CancellationToken, Task<string?>>? affiliateOfLeader = null)
    {
        // Who may act is settled before what they sent is judged: a non-admin learns nothing from validation.
        if (creator is { IsAdmin: false }) throw new ForbiddenException("Only admins create users.");
        if (string.IsNullOrEmpty(username) || !UsernamePattern().IsMatch(username))
            throw new RequestValidationException("username", "A user name has 3 to 64 letters, digits or '.', '_', '@', '-'.");
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
        if (creator is { IsNationalAdmin: false } && (role == Roles.NationalAdmin || affiliate != creator.Affiliate))
            throw new ForbiddenException("An affiliate admin creates users of their own affiliate only, and no national admins.");
        if (affiliate is not null && !await AffiliateExistsAsync(affiliate, ct))
            throw new RequestValidationException("affiliate", $"There is no affiliate '{affiliate}'; create it first (POST /api/affiliates, or `leaderjourney affiliates create`).");
        if (leaderId is { } leader && affiliateOfLeader is not null)
        {
            // A leader of another affiliate answers exactly as one that does not exist.
            if (await affiliateOfLeader(leader, ct) != affiliate)
                throw new RequestValidationException("leaderId", $"There is no leader {leader} in affiliate {affiliate}.");
            await using var existing = dataSource.CreateCommand($"select exists (select 1 from {schema}.users where leader_id = $1)");
            existing.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leader });
            if ((bool)(await existing.ExecuteScalarAsync(ct))!) throw new DuplicateException($"Leader {leader} already has a sign-in.");
        }

        var id = Guid.CreateVersion7();
        await using var command = dataSource.CreateCommand($"""
            insert into {schema}.users (id, username, password_hash, role, affiliate, leader_id, created_at)
            values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hasher.HashPassword(null!, password) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = affiliate, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leaderId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        if (await command.ExecuteNonQueryAsync(ct) == 0) throw new DuplicateException($"User name '{username}' is taken.");
        return id;
    }

    /// <summary>A user written in bulk with an id chosen by the caller (generated data names its users' ids in its events).</summary>
    public sealed record ImportedUser(Guid Id, string Username, string Role, string? Affiliate, Guid? LeaderId);

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
            $"copy {schema}.users (id, username, password_hash, role, affiliate, leader_id, created_at) from stdin (format binary)", ct);
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
        }
        await importer.CompleteAsync(ct);
    }

    public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

    /// <summary>
    /// The user's id when the name and password match (which also ends a run of failures), else null; after
    /// <see cref="MaxFailedSignIns"/> failures in a row the user is locked out for <see cref="LockOut"/>.
    /// The same check serves bearer tokens and page sign-in.
    /// </summary>
    public async Task<Guid?> CheckPasswordAsync(string username, string password, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (username is null || !UsernamePattern().IsMatch(username))
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
            return null;
        }
        // One try is claimed before the (deliberately slow) hash check, in one statement: guesses sent at
        // once are counted at once, so no more than MaxFailedSignIns are ever checked before the lock-out
        // (reading the count first let 19 of 60 parallel guesses through). A lock-out that has run out
        // starts the count again, so one wrong guess per lock-out period cannot keep an account locked
        // for ever. A try that turns out right gives its claim back below.
        await using var claim = dataSource.CreateCommand($"""
            update {schema}.users
               set failed_sign_ins = case when locked_until is not null and locked_until <= $2 then 1 else failed_sign_ins + 1 end,
                   locked_until = case when locked_until is not null and locked_until <= $2 then null
                                       when locked_until is null and failed_sign_ins + 1 > $3 then $4 else locked_until end
             where lower(username) = lower($1)
            returning id, password_hash, locked_until, failed_sign_ins
            """);
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MaxFailedSignIns });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + LockOut });
        Guid? id = null;
        string hash = DummyHash;
        DateTimeOffset? lockedUntil = null;
        var tries = 0;
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                id = reader.GetGuid(0);
                hash = reader.GetString(1);
                lockedUntil = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
                tries = reader.GetInt32(3);
            }
        }
        if (lockedUntil > now) throw new LockedOutException(lockedUntil.Value);
        var verified = Hasher.VerifyHashedPassword(null!, hash, password ?? "") != PasswordVerificationResult.Failed;
        if (id is null) return null;
        if (!verified)
        {
            if (tries >= MaxFailedSignIns)
            {
                await using var lockOut = dataSource.CreateCommand($"update {schema}.users set locked_until = $2 where id = $1 and locked_until is null");
                lockOut.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id.Value });
                lockOut.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + LockOut });
                await lockOut.ExecuteNonQueryAsync(ct);
            }
            return null;
        }
        await using var reset = dataSource.CreateCommand($"update {schema}.users set failed_sign_ins = 0, locked_until = null where id = $1 and failed_sign_ins > 0");
        reset.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id.Value });
        await reset.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>Checks the name and password (<see cref="CheckPasswordAsync"/>) and issues a bearer token; null when they do not match.</summary>
    public async Task<IssuedToken?> SignInAsync(string username, string password, CancellationToken ct = default)
    {
        if (await CheckPasswordAsync(username, password, ct) is not { } id) return null;
        var now = clock.GetUtcNow();
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = now + TokenLifetime;
        await using var issue = dataSource.CreateBatch();
        var purge = new NpgsqlBatchCommand($"delete from {schema}.access_tokens where expires_at < $1");
        purge.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        var insert = new NpgsqlBatchCommand($"insert into {schema}.access_tokens (token_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4)");
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Hash(token) });
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expires });
        issue.BatchCommands.Add(purge);
        issue.BatchCommands.Add(insert);
        await issue.ExecuteNonQueryAsync(ct);
        return new IssuedToken(token, expires);
    }

    /// <summary>
    /// The user a bearer token stands for, or null when it is unknown or expired. A token found is
    /// remembered for up to <see cref="TokenCacheTime"/> (never past its expiry), so a busy client costs
    /// one lookup a minute instead of one a request; a user deleted meanwhile keeps access that long.
    /// </summary>
    public async Task<CurrentUser?> FindByTokenAsync(string token, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var hash = Hash(token);
        var key = Convert.ToBase64String(hash);
        if (_tokenCache.TryGetValue(key, out var cached) && cached.Until > now) return cached.User;

        await using var command = dataSource.CreateCommand($"""
            select u.id, u.username, u.role, u.affiliate, u.leader_id, t.expires_at
              from {schema}.access_tokens t join {schema}.users u on u.id = t.user_id
             where t.token_hash = $1 and t.expires_at > $2
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = hash });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            _tokenCache.TryRemove(key, out _);
            return null;
        }
        var user = new CurrentUser(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4));
        var expires = reader.GetFieldValue<DateTimeOffset>(5);
        if (_tokenCache.Count > MaxCachedTokens) _tokenCache.Clear();
        _tokenCache[key] = (user, expires < now + TokenCacheTime ? expires : now + TokenCacheTime);
        return user;
    }

    /// <summary>
    /// Forgets the cached tokens of a leader's accounts at once (after an erasure removed them); other
    /// hosts forget theirs within <see cref="TokenCacheTime"/>.
    /// </summary>
    public void ForgetTokensOfLeader(Guid leaderId)
    {
        foreach (var (key, cached) in _tokenCache)
            if (cached.User.LeaderId == leaderId) _tokenCache.TryRemove(key, out _);
    }

    public static readonly TimeSpan TokenCacheTime = TimeSpan.FromMinutes(1);
    private const int MaxCachedTokens = 10_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (CurrentUser User, DateTimeOffset Until)> _tokenCache = new();

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

    /// <summary>A user by id, for checks such as "is this user a mentor of that affiliate"; null when unknown.</summary>
    public async Task<CurrentUser?> FindByIdAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select id, username, role, affiliate, leader_id from {schema}.users where id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new CurrentUser(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4));
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

public sealed class ForbiddenException(string message) : Exception(message);

public sealed class LockedOutException(DateTimeOffset until)
    : Exception($"Too many failed sign-ins: this user is locked until {until:yyyy-MM-dd HH:mm} UTC.")
{
    public DateTimeOffset Until { get; } = until;
}
