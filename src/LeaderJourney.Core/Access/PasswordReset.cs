using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using LeaderJourney.Core.Notifications.Mail;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;
using Wolverine.Runtime.Handlers;

namespace LeaderJourney.Core.Access;

// A forgotten password: an admin makes a one-time link for the user (the Users page, or the API) and
// hands it to them; whoever opens it chooses the new password, so the admin never knows it. The link
// works once, for PasswordLinkLifetime, and only its hash is stored (table password_links, where a used
// link stays as the record of who made it and when it was used). A leader's own sign-in is mailed a link
// to the address they confirmed (PasswordMail); an admin's link for it withdraws the leader's demographics
// first, as only the leader may see them and the admin could open the link themself.

/// <summary>An admin makes a password link for one of the users they manage.</summary>
public sealed record MakePasswordLinkCommand(Guid UserId) : Command
{
    protected override string Describe() => $"{nameof(MakePasswordLinkCommand)} for user {UserId}";
}

/// <summary>Whoever holds a password link chooses the password. Carries a password and the link's token: never logged, never stored as sent.
/// Sent without a signed-in user, so not a <see cref="Command"/>; quiet on failure as commands are (<see cref="Hosting.Messaging.QuietCommandFailures"/>).</summary>
public sealed record ResetPasswordCommand(string? Token, string? NewPassword)
{
    public override string ToString() => nameof(ResetPasswordCommand);
}

/// <summary>
/// Whose sign-in a working password link sets. <see cref="WithdrawsDemographics"/>: a leader's link an admin
/// made (not mailed to the address the leader confirmed) for a sign-in used before, whose use withdraws the
/// leader's demographics first; a sign-in never used (its first link) holds nothing the leader gave through it.
/// </summary>
public sealed record PasswordLinkHolder(CurrentUser User, bool Mailed, bool UsedBefore)
{
    public bool WithdrawsDemographics => User.Role == Roles.Leader && !Mailed && UsedBefore;
}

/// <summary>What making a password link answers: the page to open (with its token) and until when it works.</summary>
public sealed record PasswordLinkBody(string Link, DateTimeOffset ExpiresAt);

public static class MakePasswordLinkHandler
{
    public static async Task<Answer> Handle(MakePasswordLinkCommand command, AccessDirectory directory, CancellationToken ct)
    {
        var link = await directory.MakePasswordLinkAsync(command.Sender.Caller, command.UserId, ct);
        return new Answer(StatusCodes.Status201Created, new PasswordLinkBody(PasswordReset.PagePath + "?t=" + link.Token, link.ExpiresAt));
    }
}

public static class ResetPasswordHandler
{
    public static async Task<Answer> Handle(ResetPasswordCommand command, AccessDirectory directory, StreamCommandBus commands, IMessageBus bus, TimeProvider clock,
        CancellationToken ct)
    {
        AccessDirectory.CheckNewPassword(command.NewPassword);
        var holder = await directory.PasswordLinkHolderAsync(command.Token, ct);
        if (holder is not { WithdrawsDemographics: true, User.LeaderId: { } leaderId })
        {
            await directory.ResetPasswordAsync(command.Token, command.NewPassword ?? "", ct);
            return new Answer(StatusCodes.Status204NoContent, new { });
        }
        // Whoever opens an admin's link for a leader's sign-in may be the admin: what only the leader sees
        // (their demographics) is withdrawn, its key shredded, once the new password is hashed and just
        // before it is set, and once more after (answers recorded in between, while the leader's sessions
        // still worked, go too). The leader's own sign-in withdraws them, as the leader can; the link's row
        // names the admin who made it.
        Task Withdraw() => commands.InvokeAsync(new Leaders.Demographics.WithdrawDemographicsConsentCommand(leaderId)
            { Sender = new(holder.User, new WriteOptions(null, null, "password link")) }, ct);
        await directory.ResetPasswordAsync(command.Token, command.NewPassword ?? "", ct, beforeSetting: Withdraw);
        await Withdraw();
        // The leader hears of it at the address on their record: if it was not them, staff used the link.
        await bus.PublishAsync(new TellOfPasswordSetByStaff(holder.User.UserId, clock.GetUtcNow()));
        return new Answer(StatusCodes.Status204NoContent, new { });
    }
}

/// <summary>A leader's password was set with a link staff made: the leader is told by mail. Ids only.</summary>
public sealed record TellOfPasswordSetByStaff(Guid UserId, DateTimeOffset SetAt);

public static class TellOfPasswordSetByStaffHandler
{
    public static void Configure(HandlerChain chain) => Mailer.RetryWhenNotSent(chain);

    public static async Task Handle(TellOfPasswordSetByStaff message, AccessDirectory directory, AccountAddresses addresses, Mailer mailer,
        ILogger<TellOfPasswordSetByStaff> logger, CancellationToken ct)
    {
        if (mailer.LinkTo("/account/sign-in") is not { } signIn) return;
        if (await directory.FindByIdAsync(message.UserId, ct, enabledOnly: true) is not { } user || await addresses.MailToAsync(user, ct) is not { } to) return;
        var mail = mailer.ComposeAsked(to.Name, to.Address, to.Language, "Your LeaderJourney password was changed", to.Name is null ? "Hello," : $"Hello {to.Name},",
            $"The password of {user.Username} in LeaderJourney was set with a link an administrator made, and the demographic answers you gave were deleted, as only you may see them. If it was you, there is nothing more to do: you can give your answers again. If it was not, tell your affiliate at once. To sign in:",
            signIn, "You receive this because the password of your sign-in changed.");
        // Once, however often the message runs.
        if (await mailer.SendEachAsync($"password-set-by-staff:{message.SetAt.ToUnixTimeMilliseconds()}", [(user.UserId, mail)], ct) == 0) return;
        logger.LogInformation("Told user {UserId} their password was set with a link staff made", user.UserId);
    }
}

public static class PasswordReset
{
    /// <summary>The page a link opens.</summary>
    public const string PagePath = "/account/reset";

    public static IEndpointRouteBuilder MapPasswordReset(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/users/{id}/password-link", async (string id, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new MakePasswordLinkCommand(Guid.TryParse(id, out var userId) ? userId : throw new NotFoundException($"There is no user {id}."))
                { Sender = http.SenderOf(new object()) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<PasswordLinkBody>(StatusCodes.Status201Created);

        // Anonymous: the link's token is the proof. Every session of the user ends.
        app.MapPost("/api/auth/password-reset", async (ResetPasswordCommand? body, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(body ?? new ResetPasswordCommand(null, null), ct))
            .AllowAnonymous().WithTags("Access").Produces(StatusCodes.Status204NoContent);
        return app;
    }
}

public sealed partial class AccessDirectory
{
    /// <summary>How long a password link works: two days, time to reach a volunteer who signs in rarely.</summary>
    public static readonly TimeSpan PasswordLinkLifetime = TimeSpan.FromHours(48);

    /// <summary>
    /// A new one-time password link for a user the caller manages (as <see cref="ChangeUserAsync"/>:
    /// an affiliate admin their affiliate's users; not their own account, which has its password page,
    /// and a national admin's only from the command line, as national admins are made). A leader's sign-in's
    /// link withdraws the leader's demographics when it is used (<see cref="ResetPasswordHandler"/>): whoever
    /// opened it, the admin included, would otherwise see what only the leader sees.
    /// The user's earlier open link stops working; used links stay as the record of who made them.
    /// </summary>
    public async Task<IssuedToken> MakePasswordLinkAsync(CurrentUser caller, Guid userId, CancellationToken ct = default)
    {
        var user = await ManagedUserAsync(caller, userId, ct);
        if (user.Id == caller.UserId) throw new RequestValidationException("id", "Change your own password on the Password page.");
        if (user.Role == Roles.NationalAdmin && !caller.IsOperator)
            throw new RequestValidationException("id", "A national admin's password link is made on the command line (users password-link).");
        if (user.Disabled) throw new RequestValidationException("id", "This user is disabled: enable them first.");
        var token = NewToken();
        var now = clock.GetUtcNow();
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"delete from {schema}.password_links where used_at is null and expires_at <= $1")
            { Parameters = { new NpgsqlParameter<DateTimeOffset> { TypedValue = now } } });
        // One open link a user (a unique index): a second made at the same moment replaces the first.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            insert into {schema}.password_links (token_hash, user_id, expires_at, made_by, made_at) values ($1, $2, $3, $4, $5)
            on conflict (user_id) where used_at is null
            do update set token_hash = excluded.token_hash, expires_at = excluded.expires_at, made_by = excluded.made_by, made_at = excluded.made_at, mailed = false
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) }, new NpgsqlParameter<Guid> { TypedValue = user.Id },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = now + PasswordLinkLifetime },
                new NpgsqlParameter<Guid?> { TypedValue = caller.IsOperator ? null : caller.UserId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = now },
            },
        });
        batch.BatchCommands.Add(Trail(caller, user, Changes.PasswordLink));
        await batch.ExecuteNonQueryAsync(ct);
        return new IssuedToken(token, now + PasswordLinkLifetime);
    }

    /// <summary>How long after a mailed link no other is mailed: asking again and again fills no one's mailbox.</summary>
    public static readonly TimeSpan PasswordMailInterval = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many password links are mailed to one user in a day at most: with <see cref="PasswordMailInterval"/>
    /// alone, someone asking for a name from many networks could still send its owner a mail every five minutes.
    /// </summary>
    public const int PasswordMailsADay = 5;

    /// <summary>
    /// A new password link to mail to the user's confirmed address (<see cref="PasswordMail"/>), replacing
    /// their open one; null when one was mailed less than <see cref="PasswordMailInterval"/> ago, or
    /// <see cref="PasswordMailsADay"/> were mailed in the last day.
    /// </summary>
    public async Task<IssuedToken?> MakeMailedPasswordLinkAsync(Guid userId, CancellationToken ct = default)
    {
        var token = NewToken();
        var now = clock.GetUtcNow();
        // One statement: the day's mails are counted, the link made and the mail noted together, and the user's
        // notes older than a day go. Two asks at once do not both pass: the second waits on the user's open link
        // row the first wrote, and then finds it mailed within the interval.
        await using var command = dataSource.CreateCommand($"""
            with made as (
                insert into {schema}.password_links (token_hash, user_id, expires_at, made_by, made_at, mailed)
                select $1, $2, $3, null, $4, true
                 where (select count(*) from {schema}.password_mails where user_id = $2 and mailed_at > $6) < $7
                on conflict (user_id) where used_at is null
                do update set token_hash = excluded.token_hash, expires_at = excluded.expires_at, made_by = null, made_at = excluded.made_at, mailed = true
                 where not ({schema}.password_links.mailed and {schema}.password_links.made_at > $5)
                returning user_id, made_at),
            forgotten as (delete from {schema}.password_mails where user_id = $2 and mailed_at <= $6),
            noted as (insert into {schema}.password_mails (user_id, mailed_at) select user_id, made_at from made)
            select count(*) from made
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + PasswordLinkLifetime });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - PasswordMailInterval });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - TimeSpan.FromDays(1) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PasswordMailsADay });
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct)) == 1 ? new IssuedToken(token, now + PasswordLinkLifetime) : null;
    }

    /// <summary>Drops a mailed link whose mail could not be sent, and its note among the day's mails, so the next try makes and mails a new one.</summary>
    public async Task DropPasswordLinkAsync(string token, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            with dropped as (delete from {schema}.password_links where token_hash = $1 and used_at is null returning user_id, made_at)
            delete from {schema}.password_mails m using dropped d where m.user_id = d.user_id and m.mailed_at = d.made_at
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whose sign-in a password link sets, while it works; else null.</summary>
    public async Task<PasswordLinkHolder?> PasswordLinkHolderAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        await using var command = dataSource.CreateCommand($"""
            select u.id, u.username, u.role, u.affiliate, u.leader_id, l.mailed, u.signed_in_at is not null from {schema}.password_links l join {schema}.users u on u.id = l.user_id
             where l.token_hash = $1 and l.used_at is null and l.expires_at > $2 and u.disabled_at is null
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new PasswordLinkHolder(new CurrentUser(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4)), reader.GetBoolean(5), reader.GetBoolean(6));
    }

    /// <summary>
    /// Sets the password a link's holder chose, marks the link used, and ends every token and page session
    /// of the user, in one statement. A link that is unknown, used, expired or of a disabled user changes
    /// nothing; it is looked up before the (deliberately slow) hash, so a made-up one costs no hash, and
    /// the hash waits its turn with the sign-ins' (<see cref="SignInLimits"/>).
    /// </summary>
    /// <param name="beforeSetting">
    /// Run once the password is hashed, before it is set; given only for a leader's link an admin made (it
    /// withdraws the leader's demographics), which sets nothing without it.
    /// </param>
    public async Task ResetPasswordAsync(string? token, string newPassword, CancellationToken ct = default, Func<Task>? beforeSetting = null)
    {
        CheckNewPassword(newPassword);
        if (await PasswordLinkHolderAsync(token, ct) is null) throw PasswordLinkNotValid();
        string hash;
        using (var turn = await limits.WaitForCheckAsync(ct))
        {
            if (!turn.IsAcquired)
                throw new LockedOutException(clock.GetUtcNow() + TimeSpan.FromSeconds(5), "Many sign-ins are being checked at this moment; try again in a few seconds.");
            hash = Hasher.HashPassword(null!, newPassword);
        }
        if (beforeSetting is not null) await beforeSetting();
        await using var command = dataSource.CreateCommand($"""
            with used as (update {schema}.password_links l set used_at = $3 from {schema}.users u
                           where l.token_hash = $1 and l.used_at is null and l.expires_at > $3 and u.id = l.user_id and u.disabled_at is null
                             -- a leader's link an admin made for a sign-in used before, only after the withdrawal (left unused otherwise)
                             and (u.role <> '{Roles.Leader}' or l.mailed or u.signed_in_at is null or $4)
                           returning l.user_id, l.mailed),
                 changed as (update {schema}.users u set password_hash = $2, credentials_changed_at = $3,
                                    -- a mailed link proved the confirmed address again: it stays confirmed past this password
                                    confirmed_at = case when used.mailed then $3 else u.confirmed_at end
                               from used where u.id = used.user_id returning u.id),
                 ended as (delete from {schema}.access_tokens t using changed where t.user_id = changed.id)
            select count(*) from changed
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token!) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hash });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        // A leader's link an admin made sets a password only after the withdrawal above.
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = beforeSetting is not null });
        if ((long)(await command.ExecuteScalarAsync(ct))! == 0) throw PasswordLinkNotValid();
    }

    private static NotFoundException PasswordLinkNotValid() =>
        new("This password link is not valid: it was used, it has expired, or a newer one was made. Ask for a new one.");
}
