using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Notifications.Mail;
using LeaderJourney.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Wolverine;

namespace LeaderJourney.Core.Access;

// A person proves that the e-mail address on file for them is theirs: a link mailed there, opened while
// signed in as them, with their password and the address typed by them. Only then is a forgotten password
// mailed to that address (PasswordMail). The address on file was typed by staff (a leader's on their
// record), and a link mailed to a wrong address would hand the account to whoever reads it. What keeps
// staff out of a leader's account:
// - the link works only signed in as the person it was mailed to, and with their password (not a session
//   left open);
// - the person types the address, so a look-alike that staff put on the record and forwarded the link from
//   is not the one typed;
// - a password set afterwards (the first one is chosen by staff) ends the confirmation, except by a mailed
//   link, which proves the address again.
// Only the keyed hash of the confirmed address is kept, so a changed address is no longer confirmed.

/// <summary>The signed-in person asks for a mail, to the address on file for them, with a link that confirms it.</summary>
public sealed record SendAddressConfirmationCommand : Command;

/// <summary>
/// The signed-in person opens the link mailed to them, with the address it went to and their password, both
/// typed. Carries the link's token and a password; prints only its kind. <paramref name="ClientAddress"/>:
/// where the request came from, for the sign-in limits the password check counts against.
/// </summary>
public sealed record ConfirmAddressCommand(string? Token, string? Address, string? Password, string ClientAddress) : Command;

/// <summary>What asking for a confirmation answers: until when the mailed link works (not the address: the answer is the request's, not the mailbox's).</summary>
public sealed record AddressConfirmationSentBody(DateTimeOffset ExpiresAt);

/// <summary>The address on file for the signed-in person (theirs to see), and whether they confirmed it.</summary>
public sealed record AccountAddressBody(string? Address, bool Confirmed);

/// <summary>Where a mail to a user goes, and the name it greets them by (a leader's from their record, anyone else's as an admin gave it).</summary>
public sealed record MailTo(string Address, string? Name, string? Language);

/// <summary>The e-mail address on file for a user: a leader's on their record, anyone else's as an admin recorded it.</summary>
public sealed class AccountAddresses(AccessDirectory directory, LeaderReader leaders)
{
    public async Task<string?> OnFileAsync(CurrentUser user, CancellationToken ct)
    {
        if (user.LeaderId is not { } leaderId) return await directory.AddressOnFileAsync(user.UserId, ct);
        return await leaders.FindAsync(leaderId, ct) is { State: { Erased: false, Email: { Length: > 0 } email } } ? email : null;
    }

    /// <summary>The address on file with the name and language of a mail to it; null when there is none.</summary>
    public async Task<MailTo?> MailToAsync(CurrentUser user, CancellationToken ct)
    {
        var (language, name) = await directory.LanguageAndNameAsync(user.UserId, ct);
        if (user.LeaderId is not { } leaderId) return await directory.AddressOnFileAsync(user.UserId, ct) is { } address ? new(address, name, language) : null;
        return await leaders.FindAsync(leaderId, ct) is { State: { Erased: false, Email: { Length: > 0 } email } leader } ? new(email, leader.DisplayName, language) : null;
    }

    public async Task<AccountAddressBody> OfAsync(CurrentUser user, CancellationToken ct) =>
        await OnFileAsync(user, ct) is { } address
            ? new(address, await directory.IsConfirmedAsync(user.UserId, address, ct))
            : new(null, false);
}

public static class SendAddressConfirmationHandler
{
    public static async Task<Answer> Handle(SendAddressConfirmationCommand command, AccountAddresses addresses, AccessDirectory directory, Mailer mailer,
        CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var link = mailer.LinkTo(ConfirmedAddress.PagePath) ?? throw new DomainRuleException("This LeaderJourney sends no e-mail, so no address can be confirmed.");
        if (caller.IsNationalAdmin) throw new DomainRuleException("A national admin's password is reset on the command line (users password-link), not by mail.");
        var to = await addresses.MailToAsync(caller, ct)
            ?? throw new DomainRuleException(caller.LeaderId is null
                ? "No e-mail address is on file for you yet: ask an admin of your affiliate to add one."
                : "No e-mail address is on your record yet: ask your affiliate's staff to add one.");
        var made = await directory.MakeAddressConfirmationAsync(caller.UserId, to.Address, ct)
            ?? throw new DomainRuleException("A confirmation mail went to this address a moment ago: look for it, or ask again in a minute.");
        // The address is not confirmed yet, and may be a stranger's: the mail names no account.
        var mail = mailer.ComposeAsked(to.Name, to.Address, to.Language, "Confirm your e-mail address for LeaderJourney", to.Name is null ? "Hello," : $"Hello {to.Name},",
            "To confirm that this address is yours, open this link within 48 hours, signed in to LeaderJourney:",
            new Uri(link + "?t=" + made.Token), "If you did not ask for this, you need do nothing: without the link, nothing changes.");
        try
        {
            await mailer.SendAskedAsync(mail, $"address confirmation for user {caller.UserId}", ct);
        }
        catch
        {
            // Nothing went out: asking again at once is not held back by the interval.
            await directory.DropAddressConfirmationAsync(caller.UserId, made.Token, CancellationToken.None);
            throw;
        }
        return new Answer(StatusCodes.Status200OK, new AddressConfirmationSentBody(made.ExpiresAt));
    }
}

public static class ConfirmAddressHandler
{
    public static async Task<Answer> Handle(ConfirmAddressCommand command, AccountAddresses addresses, AccessDirectory directory, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        if (!await directory.ConfirmationLinkWorksAsync(caller.UserId, command.Token, ct)) throw AccessDirectory.ConfirmationNotValid();
        if (string.IsNullOrWhiteSpace(command.Address)) throw new RequestValidationException("address", "Type the e-mail address the link was mailed to.");
        if (await directory.CheckPasswordAsync(caller.Username, command.Password ?? "", command.ClientAddress, ct) != caller.UserId)
            throw new RequestValidationException("password", "The password is wrong.");
        var address = await addresses.OnFileAsync(caller, ct);
        await directory.ConfirmAddressAsync(caller.UserId, command.Token, address, command.Address, ct);
        return new Answer(StatusCodes.Status200OK, new AccountAddressBody(address, true));
    }
}

public static class ConfirmedAddress
{
    /// <summary>The page a confirmation link opens.</summary>
    public const string PagePath = "/account/confirm";

    public sealed record ConfirmRequest(string? Token, string? Address, string? Password);

    public static IEndpointRouteBuilder MapConfirmedAddress(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/account/address", async (HttpContext http, AccountAddresses addresses, CancellationToken ct) =>
            Results.Ok(await addresses.OfAsync(http.CurrentUser(), ct)))
            .RequireAuthorization().WithTags("Access").Produces<AccountAddressBody>();

        app.MapPost("/api/account/address/confirmation", async (HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new SendAddressConfirmationCommand { Sender = http.SenderOf(new object()) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<AddressConfirmationSentBody>();

        app.MapPost("/api/account/address/confirm", async (ConfirmRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new ConfirmAddressCommand(body?.Token, body?.Address, body?.Password, SignInLimits.AddressOf(http))
                { Sender = http.SenderOf(new object()) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<AccountAddressBody>();
        return app;
    }
}

public sealed partial class AccessDirectory
{
    /// <summary>How long a confirmation link works, as a password link does.</summary>
    public static readonly TimeSpan AddressConfirmationLifetime = TimeSpan.FromHours(48);

    /// <summary>The address an admin recorded for the user, opened; null when none (a leader's is on their record).</summary>
    public async Task<string?> AddressOnFileAsync(Guid userId, CancellationToken ct = default)
    {
        if (emails is null) return null;
        await using var command = dataSource.CreateCommand($"select email_sealed from {schema}.users where id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        return await command.ExecuteScalarAsync(ct) is byte[] sealedAddress ? emails.Open(userId, sealedAddress) : null;
    }

    /// <summary>The language of the user's pages and the name people know them by, for a mail to them.</summary>
    public async Task<(string? Language, string? Name)> LanguageAndNameAsync(Guid userId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select language, name_sealed from {schema}.users where id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.IsDBNull(0) ? null : reader.GetString(0), NameOf(userId, reader, 1)) : (null, null);
    }

    /// <summary>Whether the user confirmed <paramref name="address"/>, the address on file for them now, and set no password since (but by a mailed link).</summary>
    public async Task<bool> IsConfirmedAsync(Guid userId, string address, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select exists (select 1 from {schema}.users where id = $1 and confirmed_email_hash = $2 and disabled_at is null
                                                       and (credentials_changed_at is null or confirmed_at >= credentials_changed_at))
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmailHash(address) });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>How soon after a confirmation mail another may be asked for (a form sent twice mails once).</summary>
    public static readonly TimeSpan AddressConfirmationInterval = TimeSpan.FromMinutes(1);

    /// <summary>A new confirmation link for the user's address on file, their earlier one no longer working; null when one was made less than <see cref="AddressConfirmationInterval"/> ago.</summary>
    public async Task<IssuedToken?> MakeAddressConfirmationAsync(Guid userId, string address, CancellationToken ct = default)
    {
        var token = NewToken();
        var expires = clock.GetUtcNow() + AddressConfirmationLifetime;
        await using var command = dataSource.CreateCommand($"""
            insert into {schema}.address_confirmations (user_id, token_hash, email_hash, expires_at) values ($1, $2, $3, $4)
            on conflict (user_id) do update set token_hash = excluded.token_hash, email_hash = excluded.email_hash, expires_at = excluded.expires_at
             where {schema}.address_confirmations.expires_at <= $5
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmailHash(address) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expires });
        // Made an interval ago or earlier: it expires an interval before this one would.
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expires - AddressConfirmationInterval });
        return await command.ExecuteNonQueryAsync(ct) == 1 ? new IssuedToken(token, expires) : null;
    }

    /// <summary>Drops a confirmation link whose mail could not be sent.</summary>
    public async Task DropAddressConfirmationAsync(Guid userId, string token, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"delete from {schema}.address_confirmations where user_id = $1 and token_hash = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether <paramref name="token"/> is an open confirmation link of this user's (the page asks before it shows its form).</summary>
    public async Task<bool> ConfirmationLinkWorksAsync(Guid userId, string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return false;
        await using var command = dataSource.CreateCommand($"select exists (select 1 from {schema}.address_confirmations where token_hash = $1 and user_id = $2 and expires_at > $3)");
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Confirms the address a link of this user's was mailed to, if <paramref name="typed"/> is that address
    /// and it is still the one on file (<paramref name="onFile"/>), and uses the link up. A link of another
    /// user's changes nothing.
    /// </summary>
    public async Task ConfirmAddressAsync(Guid userId, string? token, string? onFile, string typed, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) throw ConfirmationNotValid();
        await using var command = dataSource.CreateCommand($"""
            with link as (select email_hash from {schema}.address_confirmations where token_hash = $1 and user_id = $2 and expires_at > $4),
                 confirmed as (update {schema}.users u set confirmed_email_hash = link.email_hash, confirmed_at = $4
                                 from link where u.id = $2 and link.email_hash = $3 and link.email_hash = $5 returning u.id),
                 used as (delete from {schema}.address_confirmations c using confirmed where c.user_id = confirmed.id)
            select (select count(*) from link), (select count(*) from link where email_hash = $5), (select count(*) from confirmed)
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = onFile is null ? null : EmailHash(onFile), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmailHash(typed) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.GetInt64(0) == 0) throw ConfirmationNotValid();
        if (reader.GetInt64(1) == 0) throw new RequestValidationException("address", "That is not the address this link was mailed to: type the address you read your mail at.");
        if (reader.GetInt64(2) == 0)
            throw new DomainRuleException("The address on file for you changed after this link was mailed: ask for a new one on the E-mail page.");
    }

    public static NotFoundException ConfirmationNotValid() =>
        new("This confirmation link is not valid for you: it was used, it has expired, a newer one was mailed, or it was mailed to another user. Sign in as the user it was mailed to, or ask for a new one on the E-mail page.");
}
