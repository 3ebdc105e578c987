using LeaderJourney.Core.Access;
using LeaderJourney.Domain.Leaders;
using Microsoft.Extensions.Logging;
using Wolverine.Runtime.Handlers;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>
/// Tells the address a leader's record had that staff changed it (the new one is not said): mail, a
/// password link included, goes to the new address from then on, and a leader whose mail was sent
/// elsewhere by mistake or on purpose learns of it where they still read. Ids only; the addresses are
/// read from the leader's events when the mail is made, so an erasure in between leaves nothing to send.
/// </summary>
public sealed record MailAddressChanged(Guid EventId, Guid LeaderId, long Version);

public static class MailAddressChangedHandler
{
    public static void Configure(HandlerChain chain) => Mailer.RetryWhenNotSent(chain);

    public static async Task Handle(MailAddressChanged message, Store store, AccessDirectory directory, Mailer mailer,
        ILogger<MailAddressChanged> logger, CancellationToken ct)
    {
        if (mailer.LinkTo("/account/sign-in") is not { } signIn) return;
        var events = await store.ReadStreamAsync(message.LeaderId, ct: ct);
        if (events.Any(e => e.Data is LeaderErased) || events.FirstOrDefault(e => e.Version == message.Version)?.Data is not LeaderProfileChanged changed) return;
        var before = events.Where(e => e.Version < message.Version)
            .Select(e => e.Data switch { LeaderEnrolled enrolled => enrolled.Email, LeaderProfileChanged earlier => earlier.Email, _ => null })
            .LastOrDefault(address => address is not null);
        // A name or local corrected, the address as it was (in another case, it reaches the same mailbox).
        if (before is null || string.Equals(before, changed.Email, StringComparison.OrdinalIgnoreCase)) return;
        // Greeting no one by name: the address may have been changed because it was someone else's.
        var mail = mailer.ComposeAsked(null, before, await directory.LeaderLanguageAsync(message.LeaderId, ct),
            "The e-mail address on your LeaderJourney record was changed", "Hello,",
            $"Your affiliate's staff changed the e-mail address on your LeaderJourney record on {changed.ChangedAt.UtcDateTime:yyyy-MM-dd}. LeaderJourney writes to the new address from now on, not to this one. If this is not right, tell your affiliate. To sign in:",
            signIn, "You receive this at the address your record had before.");
        // Once, however often the message runs.
        if (await mailer.SendEachAsync(MailClaims.AddressChanged(message.EventId), [(message.LeaderId, mail)], ct) == 0) return;
        logger.LogInformation("Told leader {LeaderId} at their former address that it was changed", message.LeaderId);
    }
}
