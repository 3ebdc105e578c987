using LeaderJourney.Core.Http;
using LeaderJourney.Core.Notifications.Mail;
using LeaderJourney.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace LeaderJourney.Core.Access;

// A forgotten password without an admin: whoever knows a user name asks for a password link, and it is
// mailed only to that user's confirmed address (ConfirmedAddress). The answer is the same whether the name
// exists, has a confirmed address or neither, and the link is made and mailed in the background from a
// message that carries an id (Guid.Empty for a name nobody has), so neither the answer nor its time tells
// who has an account, and no token lands in Wolverine's tables. A leader's mailed link keeps their
// demographics, as the leader proved the address theirs; one an admin made withdraws them (PasswordReset).

/// <summary>Someone, not signed in, asks for a password link for a user name. Carries the name: prints only its kind.</summary>
public sealed record AskForPasswordMailCommand(string? Username, string Address)
{
    public override string ToString() => nameof(AskForPasswordMailCommand);
}

/// <summary>Makes a password link for the user and mails it to their confirmed address, if they have one. Ids only.</summary>
public sealed record MailPasswordLink(Guid UserId);

public static class AskForPasswordMailHandler
{
    public static async Task<Answer> Handle(AskForPasswordMailCommand command, AccessDirectory directory, SignInLimits limits, Mailer mailer, IMessageBus bus,
        TimeProvider clock, CancellationToken ct)
    {
        var name = command.Username?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) throw new RequestValidationException("username", "Send the user name you sign in with.");
        if (mailer.LinkTo(PasswordReset.PagePath) is null)
            throw new DomainRuleException("This LeaderJourney sends no e-mail: ask an admin of your affiliate for a password link.");
        // Each ask counts as a wrong password does against the address it comes from, so one address
        // cannot ask for every name it guesses.
        using (var lease = limits.SpendAddress(command.Address))
            if (!lease.IsAcquired)
                throw new LockedOutException(clock.GetUtcNow() + SignInLimits.RetryAfter(lease), "Too many tries from your network: wait a minute and try again.");
        var user = await directory.FindByUsernameAsync(name, ct);
        await bus.PublishAsync(new MailPasswordLink(user ?? Guid.Empty));
        return new Answer(StatusCodes.Status202Accepted, new { });
    }
}

public static class MailPasswordLinkHandler
{
    /// <summary>A server down for now is tried again a few times; a password link an hour late is still of use, one a day late hardly.</summary>
    public static void Configure(HandlerChain chain) =>
        chain.OnException<MailNotSentException>().ScheduleRetry(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));

    public static async Task Handle(MailPasswordLink message, AccessDirectory directory, AccountAddresses addresses, Mailer mailer,
        ILogger<MailPasswordLink> logger, CancellationToken ct)
    {
        if (message.UserId == Guid.Empty || mailer.LinkTo(PasswordReset.PagePath) is not { } page) return;
        if (await directory.FindByIdAsync(message.UserId, ct, enabledOnly: true) is not { IsNationalAdmin: false } user) return;
        if (await addresses.MailToAsync(user, ct) is not { } to || !await directory.IsConfirmedAsync(user.UserId, to.Address, ct))
        {
            logger.LogInformation("A password link for user {UserId} is not mailed: no confirmed address is on file", user.UserId);
            return;
        }
        if (await directory.MakeMailedPasswordLinkAsync(user.UserId, ct) is not { } link)
        {
            logger.LogInformation("A password link for user {UserId} is not mailed: one was mailed minutes ago, or {Count} in the last day", user.UserId,
                AccessDirectory.PasswordMailsADay);
            return;
        }
        try
        {
            var mail = mailer.ComposeAsked(to.Name, to.Address, to.Language, "Choose a new LeaderJourney password", to.Name is null ? "Hello," : $"Hello {to.Name},",
                $"Someone asked for a new password for {user.Username} in LeaderJourney. To choose one, open this link within 48 hours; it works once:",
                new Uri(page + "?t=" + link.Token), "If it was not you, you need do nothing: your password stays as it is.");
            await mailer.SendAskedAsync(mail, $"password link for user {user.UserId}", ct);
        }
        catch
        {
            // Whatever failed, the next try makes a new link (this one was never seen), which the interval would otherwise hold back.
            await directory.DropPasswordLinkAsync(link.Token, CancellationToken.None);
            throw;
        }
        logger.LogInformation("Mailed a password link to user {UserId}", user.UserId);
    }
}

public static class PasswordMail
{
    /// <summary>The page where someone asks for the link.</summary>
    public const string PagePath = "/account/forgot";

    public sealed record AskRequest(string? Username);

    public static IEndpointRouteBuilder MapPasswordMail(this IEndpointRouteBuilder app)
    {
        // Anonymous, and answers 202 whatever the name: the link goes only to the address its owner confirmed.
        app.MapPost("/api/auth/password-mail", async (AskRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new AskForPasswordMailCommand(body?.Username, SignInLimits.AddressOf(http)), ct))
            .AllowAnonymous().WithTags("Access").Produces(StatusCodes.Status202Accepted);
        return app;
    }
}

public sealed partial class AccessDirectory
{
    /// <summary>The id of the enabled user who signs in with <paramref name="username"/> (as sign-in compares names); null when none.</summary>
    public async Task<Guid?> FindByUsernameAsync(string username, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select id from {schema}.users where lower(username) = lower($1) and disabled_at is null");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }
}
