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
// signed in as them. Only then is a forgotten password mailed to that address (PasswordMail). The address
// on file was typed by staff (a leader's on their record), and a link mailed to a mistyped address would
// hand the account to whoever reads it. Opening the link signed in as the same person is what keeps staff
// out: staff who put their own address on a leader's record would get the link but cannot open it as the
// leader. Only the keyed hash of the confirmed address is kept, so a changed address is no longer confirmed.

/// <summary>The signed-in person asks for a mail, to the address on file for them, with a link that confirms it.</summary>
public sealed record SendAddressConfirmationCommand : Command;

/// <summary>The signed-in person opens the link mailed to them. Carries the link's token; prints only its kind.</summary>
public sealed record ConfirmAddressCommand(string? Token) : Command;

/// <summary>What asking for a confirmation answers: until when the mailed link works (the address is not repeated: answers are kept for repeats).</summary>
public sealed record AddressConfirmationSentBody(DateTimeOffset ExpiresAt);

/// <summary>The address on file for the signed-in person (theirs to see), and whether they confirmed it.</summary>
public sealed record AccountAddressBody(string? Address, bool Confirmed);

/// <summary>The e-mail address on file for a user: a leader's on their record, anyone else's as an admin recorded it.</summary>
public sealed class AccountAddresses(AccessDirectory directory, LeaderReader leaders)
{
    public async Task<string?> OnFileAsync(CurrentUser user, CancellationToken ct)
    {
        if (user.LeaderId is not { } leaderId) return await directory.AddressOnFileAsync(user.UserId, ct);
        return await leaders.FindAsync(leaderId, ct) is { State: { Erased: false, Email: { Length: > 0 } email } } ? email : null;
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
        var address = await addresses.OnFileAsync(caller, ct)
            ?? throw new DomainRuleException(caller.LeaderId is null
                ? "No e-mail address is on file for you yet: ask an admin of your affiliate to add one."
                : "No e-mail address is on your record yet: ask your affiliate's staff to add one.");
        var made = await directory.MakeAddressConfirmationAsync(caller.UserId, address, ct);
        var (language, name) = await directory.LanguageAndNameAsync(caller.UserId, ct);
        var mail = mailer.ComposeAsked(name, address, language, "Confirm your e-mail address for LeaderJourney", name is null ? "Hello," : $"Hello {name},",
            $"To confirm that this address is yours, open this link within 48 hours, signed in to LeaderJourney as {caller.Username}:",
            new Uri(link + "?t=" + made.Token), "If you did not ask for this, you need do nothing: without the link, nothing changes.");
        await mailer.SendAskedAsync(mail, $"address confirmation for user {caller.UserId}", ct);
        return new Answer(StatusCodes.Status200OK, new AddressConfirmationSentBody(made.ExpiresAt));
    }
}

public static class ConfirmAddressHandler
{
    public static async Task<Answer> Handle(ConfirmAddressCommand command, AccountAddresses addresses, AccessDirectory directory, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var address = await addresses.OnFileAsync(caller, ct);
        await directory.ConfirmAddressAsync(caller.UserId, command.Token, address, ct);
        return new Answer(StatusCodes.Status200OK, new AccountAddressBody(address, true));
    }
}

public static class ConfirmedAddress
{
    /// <summary>The page a confirmation link opens.</summary>
    public const string PagePath = "/account/confirm";

    public sealed record ConfirmRequest(string? Token);

    public static IEndpointRouteBuilder MapConfirmedAddress(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/account/address", async (HttpContext http, AccountAddresses addresses, CancellationToken ct) =>
            Results.Ok(await addresses.OfAsync(http.CurrentUser(), ct)))
            .RequireAuthorization().WithTags("Access").Produces<AccountAddressBody>();

        app.MapPost("/api/account/address/confirmation", async (HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new SendAddressConfirmationCommand { Sender = http.SenderOf(new object()) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<AddressConfirmationSentBody>();

        app.MapPost("/api/account/address/confirm", async (ConfirmRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new ConfirmAddressCommand(body?.Token) { Sender = http.SenderOf(body ?? new ConfirmRequest(null)) }, ct))
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

    /// <summary>Whether the user confirmed <paramref name="address"/>, the address on file for them now.</summary>
    public async Task<bool> IsConfirmedAsync(Guid userId, string address, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select exists (select 1 from {schema}.users where id = $1 and confirmed_email_hash = $2 and disabled_at is null)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmailHash(address) });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A new confirmation link for the user's address on file; their earlier one stops working.</summary>
    public async Task<IssuedToken> MakeAddressConfirmationAsync(Guid userId, string address, CancellationToken ct = default)
    {
        var token = NewToken();
        var expires = clock.GetUtcNow() + AddressConfirmationLifetime;
        await using var command = dataSource.CreateCommand($"""
            insert into {schema}.address_confirmations (user_id, token_hash, email_hash, expires_at) values ($1, $2, $3, $4)
            on conflict (user_id) do update set token_hash = excluded.token_hash, email_hash = excluded.email_hash, expires_at = excluded.expires_at
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmailHash(address) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expires });
        await command.ExecuteNonQueryAsync(ct);
        return new IssuedToken(token, expires);
    }

    /// <summary>
    /// Confirms the address a link of this user's was mailed to, if it is still the one on file
    /// (<paramref name="address"/>), and uses the link up. A link of another user's changes nothing.
    /// </summary>
    public async Task ConfirmAddressAsync(Guid userId, string? token, string? address, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) throw ConfirmationNotValid();
        await using var command = dataSource.CreateCommand($"""
            with link as (select email_hash from {schema}.address_confirmations where token_hash = $1 and user_id = $2 and expires_at > $4),
                 confirmed as (update {schema}.users u set confirmed_email_hash = link.email_hash from link where u.id = $2 and link.email_hash = $3 returning u.id),
                 used as (delete from {schema}.address_confirmations c using confirmed where c.user_id = confirmed.id)
            select (select count(*) from link), (select count(*) from confirmed)
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = TokenHash(token) });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = address is null ? null : EmailHash(address), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.GetInt64(0) == 0) throw ConfirmationNotValid();
        if (reader.GetInt64(1) == 0)
            throw new DomainRuleException("The address on file for you changed after this link was mailed: ask for a new one on the E-mail page.");
    }

    private static NotFoundException ConfirmationNotValid() =>
        new("This confirmation link is not valid for you: it was used, it has expired, a newer one was mailed, or it was mailed to another user. Sign in as the user it was mailed to, or ask for a new one on the E-mail page.");
}
