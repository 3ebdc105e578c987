using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using Microsoft.Extensions.Logging;
using Wolverine.Runtime.Handlers;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>
/// Mails a notice written to the inbox (<see cref="NotificationBox"/>) to those it is for, when a mail
/// server is configured (<see cref="MailSettings"/>): a leader's to the address on their record, a term-end
/// reminder to the affiliate's admins who gave one, a mentor's new mentees to the address they gave, in one mail. The message carries the notice's id only: names and
/// addresses are read (sealed in the store and in <c>users</c>) when the mail is made, so none lands in
/// Wolverine's tables, and an erasure before the mail is made leaves nothing to send, nor does a notice
/// withdrawn before it (a level taken back unheard, <see cref="NotificationBox.AddRevokedAsync"/>).
/// </summary>
public sealed record MailNotification(long NotificationId);

public static class MailNotificationHandler
{
    public static void Configure(HandlerChain chain) => Mailer.RetryWhenNotSent(chain);

    public static async Task Handle(MailNotification message, NotificationBox box, AccessDirectory directory, Store store, LeaderReader leaders,
        Mailer mailer, TimeProvider clock, ILogger<MailNotification> logger, CancellationToken ct)
    {
        if (await box.FindAsync(message.NotificationId, ct) is not var (notice, affiliate)) return;
        if (notice.UserId is { } mentorId)
        {
            await MailMenteesAsync(notice, mentorId, box, leaders, directory, mailer, clock, logger, ct);
            return;
        }
        // A held "attained" mail is not sent once something newer of that level was told (taken back, attained again).
        var notMailed = (notice.Kind == NotificationBox.LevelAttained && await box.SupersededAsync(notice, ct))
            // A decline's withdrawal is mailed to a leader who was mailed the decline; one who only read it in the inbox reads this there too.
            || (notice.Kind == NotificationBox.DeclineWithdrawn && !await box.DeclineWasMailedAsync(notice.Id, ct));
        var mails = notMailed ? []
            : notice.LeaderId is { } leaderId
            ? await directory.LeaderTurnedMailOffAsync(leaderId, ct) ? [] : await ForLeaderAsync(notice, leaderId, leaders, directory, mailer, ct)
            : notice.PositionId is { } positionId ? await ForStaffAsync(notice, positionId, affiliate, directory, store, mailer, ct) : [];
        if (mails.Count == 0)
        {
            logger.LogInformation("Notification {NotificationId} ({Kind}) is not mailed: no one it is for has an e-mail address and mail on, or it no longer holds", notice.Id, notice.Kind);
            return;
        }
        var sent = await mailer.SendEachAsync(MailClaims.Notice(notice.Id), mails, ct, notice: notice.Id);
        if (sent > 0) logger.LogInformation("Mailed notification {NotificationId} ({Kind}) to {Count}", notice.Id, notice.Kind, sent);
    }

    private static async Task<IReadOnlyList<(Guid, MimeKit.MimeMessage)>> ForLeaderAsync(Notification notice, Guid leaderId, LeaderReader leaders, AccessDirectory directory,
        Mailer mailer, CancellationToken ct)
    {
        if (await leaders.FindAsync(leaderId, ct) is not { } found) return [];
        var leader = found.State;
        if (leader.Erased || leader.Status is not LeaderStatus.Active || string.IsNullOrWhiteSpace(leader.Email)) return [];
        // A level attained is mailed after a hold (NotificationBox.AttainedHold): taken back meanwhile, after the
        // leader read of it in the inbox, its own notice is mailed instead, and "attained" would come after it.
        if (notice.Kind == NotificationBox.LevelAttained && !leader.HasAttained(notice.ThemeCode ?? "", notice.Level ?? 0)) return [];
        // A decline withdrawn after the leader read of it in the inbox, before its mail: the request waits again, and the
        // withdrawal's own notice says so.
        if (notice.Kind == NotificationBox.RequestDeclined && leader.IsPending(notice.ThemeCode ?? "", notice.Level ?? 0)) return [];
        if (notice.Kind == NotificationBox.DeclineWithdrawn && !leader.IsPending(notice.ThemeCode ?? "", notice.Level ?? 0)) return [];
        var theme = $"{found.Scope.TitleOf(notice.ThemeCode ?? "")}, Level {notice.Level}";
        var (subject, sentence, path) = notice.Kind switch
        {
            NotificationBox.LevelAttained => ($"You attained {theme}", $"You attained {theme}. Congratulations!", $"journey/theme/{notice.ThemeCode}"),
            NotificationBox.LevelRevoked => ($"{theme} was taken back", $"{theme} was taken back: a sign-off, training or assessment it stood on was withdrawn.", $"journey/theme/{notice.ThemeCode}"),
            NotificationBox.RequestDeclined => ($"Your request to sign off {theme} was declined",
                $"Your request to sign off {theme} was declined. Your mentor's reason is on the theme's page.", $"journey/theme/{notice.ThemeCode}#logged"),
            NotificationBox.DeclineWithdrawn => ($"Your request to sign off {theme} waits again",
                $"The decline of your request to sign off {theme} was withdrawn: the request waits for a sign-off again.", $"journey/theme/{notice.ThemeCode}"),
            _ => default,
        };
        return subject is null ? []
            : [(leaderId, mailer.Compose(MailRecipient.Leader(leaderId), leader.DisplayName, leader.Email, await directory.LeaderLanguageAsync(leaderId, ct),
                subject, $"Hello {leader.DisplayName},", sentence!, path!,
                "The same notice is in your notifications when you sign in to LeaderJourney."))];
    }

    /// <summary>
    /// A mentor's new mentees, in one mail: handing a departing mentor's mentees to another (the mentors page) writes a
    /// notice for each within moments, and those not mailed yet are told together, each while the leader is still the
    /// mentor's and on their way (staff may have undone a wrong pick during <see cref="NotificationBox.MenteeHold"/>).
    /// Together means written from an hour before this notice (an older one left unmailed, its mentor's mail off then,
    /// is not brought up now) until its hold ended, give or take <see cref="TogetherWithin"/>: a notice written later
    /// waits for its own hold and its own message.
    /// </summary>
    /// <summary>How far past the end of its hold a notice may have been written and still go in this mail: a handover's notices are written moments apart.</summary>
    private static readonly TimeSpan TogetherWithin = TimeSpan.FromSeconds(10);

    private static async Task MailMenteesAsync(Notification notice, Guid mentorId, NotificationBox box, LeaderReader leaders, AccessDirectory directory, Mailer mailer,
        TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        var theirs = new List<(long Id, Guid LeaderId, string Name)>();
        var unmailed = await box.UnmailedToAsync(mentorId, NotificationBox.MenteeAssigned, notice.CreatedAt - TimeSpan.FromHours(1),
            clock.GetUtcNow() - box.MenteeHold + TogetherWithin, ct);
        foreach (var (id, leaderId) in unmailed)
            if (await leaders.FindAsync(leaderId, ct) is { State: { Erased: false, Status: LeaderStatus.Active } leader } && leader.Mentors.Contains(mentorId))
                theirs.Add((id, leaderId, leader.DisplayName));
        var addresses = theirs.Count == 0 ? [] : await directory.MailAddressesAsync(ct, userIds: [mentorId]);
        if (addresses.Count == 0)
        {
            NotMailedHere();
            return;
        }
        var (_, address, language) = addresses[0];
        const string Why = "The same notice is in your notifications when you sign in to LeaderJourney.";
        var sent = await mailer.SendForNoticesAsync([.. theirs.Select(t => t.Id)], mentorId, claimed =>
        {
            // A leader assigned, taken off and assigned again has two notices: named once.
            var told = theirs.Where(t => claimed.Contains(t.Id)).DistinctBy(t => t.LeaderId).ToList();
            return told.Count == 1
                ? mailer.Compose(MailRecipient.User(mentorId), null, address, language, $"{told[0].Name} is now your mentee", "Hello,",
                    $"{told[0].Name} is now your mentee. Their journey, and each level they ask you to sign off, is on your mentees page.", $"mentor/mentees/{told[0].LeaderId}", Why)
                : mailer.Compose(MailRecipient.User(mentorId), null, address, language, $"{told.Count} leaders are now your mentees", "Hello,",
                    "These leaders are now your mentees. Their journeys, and each level they ask you to sign off, are on your mentees page:", "mentor/mentees", Why,
                    [.. told.Select(t => t.Name)]);
        }, ct);
        if (sent) logger.LogInformation("Mailed notification {NotificationId} ({Kind}) to its mentor, with the others not mailed yet", notice.Id, notice.Kind);
        else NotMailedHere();

        void NotMailedHere() => logger.LogInformation(
            "Notification {NotificationId} ({Kind}) is not mailed here: told in another of its mentor's mails, the leader is no longer theirs, or the mentor has no address with mail on",
            notice.Id, notice.Kind);
    }

    private static async Task<IReadOnlyList<(Guid, MimeKit.MimeMessage)>> ForStaffAsync(Notification notice, Guid positionId, string affiliate, AccessDirectory directory, Store store,
        Mailer mailer, CancellationToken ct)
    {
        if (notice.Kind != NotificationBox.TermEnding || notice.OnDate is not { } endsOn) return [];
        var admins = await directory.MailAddressesAsync(ct, affiliate: affiliate);
        if (admins.Count == 0) return [];
        var position = (await store.ReadStreamAsync(positionId, ct: ct)).Aggregate(Position.Initial, (state, e) => Position.Evolve(state, e.Data));
        return [.. admins.Select(admin =>
        {
            // The date as the admin's language writes it ("Sunday, June 7, 2026" or "domingo, 7 de junio de 2026").
            var ends = endsOn.ToString("D", Mailer.CultureOf(admin.Language));
            return (admin.UserId, mailer.Compose(MailRecipient.User(admin.UserId), null, admin.Address, admin.Language, $"The term of {position.Title} ends on {ends}", "Hello,",
                $"The term of {position.Title} ends on {ends}. Who is ready to follow is in the succession report.", $"staff/positions#p-{positionId}",
                $"You get this as an admin of {affiliate} in LeaderJourney; the same notice is in your notifications there."));
        })];
    }
}
