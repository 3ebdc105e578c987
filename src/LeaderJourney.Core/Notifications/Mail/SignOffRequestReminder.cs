using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Wolverine.Runtime.Handlers;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>
/// A leader's mentors are reminded by mail, once, of a sign-off request still waiting
/// <see cref="SignOffRequestReminders.After"/> after it was asked: mentors are volunteers, and a
/// request mailed once is easily lost. Scheduled in Wolverine's durable store when the request is
/// mailed (<see cref="SignOffRequestedHandler"/>); ids, codes and the request's moment only.
/// </summary>
public sealed record SignOffRequestReminder(Guid RequestEventId, Guid LeaderId, string ThemeCode, int Level, DateTimeOffset RequestedAt);

public sealed class SignOffRequestReminders(IConfiguration configuration)
{
    /// <summary>How long a request waits before its reminder: <c>LeaderJourney:Reminders:SignOffRequestWait</c>, 7 days unless set.</summary>
    public TimeSpan After { get; } = configuration.GetValue("LeaderJourney:Reminders:SignOffRequestWait", TimeSpan.FromDays(7));

    public DateTimeOffset When(DateTimeOffset requestedAt) => requestedAt + After;

    public static string Claim(Guid requestEventId) => $"request-reminder:{requestEventId}";
}

public static class SignOffRequestReminderHandler
{
    public static void Configure(HandlerChain chain) => Mailer.RetryWhenNotSent(chain);

    public static async Task Handle(SignOffRequestReminder reminder, AccessDirectory directory, LeaderReader leaders, Mailer mailer,
        ILogger<SignOffRequestReminder> logger, CancellationToken ct)
    {
        if (await leaders.FindAsync(reminder.LeaderId, ct) is not { } found) return;
        var leader = found.State;
        // Answered (and perhaps asked again: that request has its own reminder), withdrawn or gone: nothing to remind of.
        if (leader.Erased || leader.Status is not LeaderStatus.Active
            || !leader.PendingSignOffs.Any(p => p.ThemeCode == reminder.ThemeCode && p.Level == reminder.Level && p.RequestedAt == reminder.RequestedAt))
        {
            logger.LogInformation("The reminder of sign-off request {RequestEventId} is not sent: the request was answered or the leader's journey stopped", reminder.RequestEventId);
            return;
        }
        var mentors = await directory.MailAddressesAsync(ct, userIds: leader.Mentors);
        if (mentors.Count == 0) return;
        var theme = found.Scope.TitleOf(reminder.ThemeCode);
        var sent = await mailer.SendEachAsync(SignOffRequestReminders.Claim(reminder.RequestEventId), mentors.Select(mentor =>
        {
            // The day as the mentor's language writes it ("Sunday, June 7, 2026" or "domingo, 7 de junio de 2026").
            var asked = reminder.RequestedAt.UtcDateTime.ToString("D", Mailer.CultureOf(mentor.Language));
            return (mentor.UserId, mailer.Compose(MailRecipient.User(mentor.UserId), null, mentor.Address, mentor.Language,
                $"Reminder: {leader.DisplayName} still waits for you to sign off {theme}, Level {reminder.Level}", "Hello,",
                $"{leader.DisplayName} asked you on {asked} to sign off {theme}, Level {reminder.Level}, and is still waiting. You can sign it off, or decline with a reason, from your queue.",
                "mentor/queue", "You get this as one of their mentors in LeaderJourney."));
        }), ct);
        if (sent > 0) logger.LogInformation("Reminded {Count} of the leader's mentors of sign-off request {RequestEventId}", sent, reminder.RequestEventId);
    }
}
