using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using Microsoft.Extensions.Logging;
using Wolverine.Runtime.Handlers;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>
/// Tells a leader's mentors by mail that the leader asks them to sign off a level, when a mail server is
/// configured: a mentor on a phone learns of it without opening the queue. Ids and codes only; the
/// leader's name and the mentors' addresses are read when the mail is made.
/// </summary>
public sealed record MailSignOffRequest(Guid RequestEventId, Guid LeaderId, string ThemeCode, int Level);

public static class MailSignOffRequestHandler
{
    public static void Configure(HandlerChain chain) => Mailer.RetryWhenNotSent(chain);

    public static async Task Handle(MailSignOffRequest message, AccessDirectory directory, LeaderReader leaders, Mailer mailer,
        ILogger<MailSignOffRequest> logger, CancellationToken ct)
    {
        if (await leaders.FindAsync(message.LeaderId, ct) is not { } found) return;
        var leader = found.State;
        // Signed off or declined already (the mail comes a moment later), or the leader is gone: nothing to ask.
        if (leader.Erased || leader.Status is not LeaderStatus.Active || !leader.PendingSignOffs.Any(p => p.ThemeCode == message.ThemeCode && p.Level == message.Level)) return;
        var mentors = await directory.MailAddressesAsync(ct, userIds: leader.Mentors);
        if (mentors.Count == 0)
        {
            logger.LogInformation("The sign-off request {RequestEventId} is not mailed: none of the leader's mentors has an e-mail address and mail on", message.RequestEventId);
            return;
        }
        var theme = $"{found.Scope.TitleOf(message.ThemeCode)}, Level {message.Level}";
        // Each in the language of the mentor's pages.
        var sent = await mailer.SendEachAsync(MailClaims.Request(message.RequestEventId), mentors.Select(mentor => (mentor.UserId,
            mailer.Compose(MailRecipient.User(mentor.UserId), null, mentor.Address, mentor.Language, $"{leader.DisplayName} asks you to sign off {theme}", "Hello,",
                $"{leader.DisplayName} asks you to sign off {theme}. You can sign it off, or decline with a reason, from your queue.", "mentor/queue",
                "You get this as one of their mentors in LeaderJourney."))), ct);
        if (sent > 0) logger.LogInformation("Mailed the sign-off request {RequestEventId} to {Count} of the leader's mentors", message.RequestEventId, sent);
    }
}
