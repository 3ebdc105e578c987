using System.Net.Sockets;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using MimeKit;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>
/// Mails the leader a notification written for them (<see cref="NotificationBox"/>), when a mail server is
/// configured (<see cref="MailSettings"/>). The message carries the notification's id only: the address
/// and the name are read from the leader's record (sealed in the store) when the mail is made, so neither
/// lands in Wolverine's tables, and an erasure before it is sent leaves nothing to send.
/// </summary>
public sealed record MailNotification(long NotificationId);

public static class MailNotificationHandler
{
    /// <summary>A server that is down or refuses for now is tried again, a minute apart at most; then the message waits in Wolverine's dead letters.</summary>
    public static void Configure(HandlerChain chain) =>
        chain.OnException<MailNotSentException>().RetryWithCooldown(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1));

    public static async Task Handle(MailNotification message, NotificationBox box, Store store, FrameworkScopes scopes, MailSettings settings, Mailer mailer,
        ILogger<MailNotification> logger, CancellationToken ct)
    {
        // Marked first: of two runs of one message (a node died after sending), one sends.
        if (await box.ClaimMailAsync(message.NotificationId, ct) is not { LeaderId: { } leaderId } notice) return;
        var leader = (await store.ReadStreamAsync(leaderId, ct: ct)).Aggregate(Leader.Initial, (state, e) => Leader.Evolve(state, e.Data));
        if (leader.Erased || leader.Status is not LeaderStatus.Active || string.IsNullOrWhiteSpace(leader.Email))
        {
            logger.LogInformation("Notification {NotificationId} is not mailed: its leader is not active or has no e-mail address", notice.Id);
            return;
        }
        var scope = await scopes.FindAsync(leader.FrameworkEditionId, ct);
        var theme = notice.ThemeCode is { } code ? $"{scope?.TitleOf(code) ?? code}, Level {notice.Level}" : "";
        var (subject, sentence, path) = notice.Kind switch
        {
            NotificationBox.LevelAttained => ($"You attained {theme}", $"You attained {theme}. Congratulations!", $"journey/theme/{notice.ThemeCode}"),
            NotificationBox.LevelRevoked => ($"{theme} was taken back", $"{theme} was taken back: a sign-off it stood on was withdrawn.", $"journey/theme/{notice.ThemeCode}"),
            NotificationBox.RequestDeclined => ($"Your request to sign off {theme} was declined", $"Your request to sign off {theme} was declined. Your mentor's reason is in your timeline.", "journey#timeline"),
            _ => (null, null, null),
        };
        if (subject is null) return;

        var mail = new MimeMessage { Subject = subject };
        mail.From.Add(settings.Sender!);
        mail.To.Add(new MailboxAddress(leader.DisplayName, leader.Email));
        var link = settings.PublicUrl is { } site ? $"\n\nSee it in LeaderJourney: {new Uri(site, path)}\n" : "\n";
        mail.Body = new TextPart("plain")
        {
            Text = $"Hello {leader.DisplayName},\n\n{sentence}{link}\nThe same notice is in your notifications when you sign in to LeaderJourney.\n",
        };
        try
        {
            await mailer.SendAsync(mail, ct);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException
                                       or MailKit.Security.AuthenticationException or TimeoutException or OperationCanceledException)
        {
            await box.UnclaimMailAsync(notice.Id, CancellationToken.None);
            // The server's words may quote the address: the log and the dead letters get the kind of failure only.
            throw new MailNotSentException(notice.Id, e is SmtpCommandException command ? $"{command.ErrorCode} {(int)command.StatusCode}" : e.GetType().Name);
        }
        logger.LogInformation("Mailed notification {NotificationId} ({Kind}) to its leader", notice.Id, notice.Kind);
    }
}

/// <summary>A notification's mail could not be sent; it is tried again (<see cref="MailNotificationHandler.Configure"/>).</summary>
public sealed class MailNotSentException(long notificationId, string why)
    : Exception($"The mail of notification {notificationId} was not sent ({why}); it will be tried again.");
