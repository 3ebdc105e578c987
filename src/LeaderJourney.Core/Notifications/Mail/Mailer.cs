using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>Makes and sends the notices' mails through the configured SMTP server (<see cref="MailSettings"/>), a connection per mail: notices are few.</summary>
public sealed class Mailer(MailSettings settings, MailClaims claims)
{
    /// <summary>For the mail handlers' <c>Configure</c>: a server that is down or refuses for now is tried again, a minute apart at most; then the message waits in Wolverine's dead letters.</summary>
    public static void RetryWhenNotSent(HandlerChain chain) =>
        chain.OnException<MailNotSentException>().RetryWithCooldown(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1));

    /// <summary>A plain-text mail from the configured sender: the sentence, then a link to <paramref name="path"/> in the app when <c>LeaderJourney:PublicUrl</c> is set.</summary>
    public MimeMessage Compose(string? name, string address, string subject, string greeting, string sentence, string path, string why)
    {
        var mail = new MimeMessage { Subject = subject };
        mail.From.Add(settings.Sender!);
        mail.To.Add(new MailboxAddress(name, address));
        var link = settings.PublicUrl is { } site ? $"\n\nSee it in LeaderJourney: {new Uri(site, path)}\n" : "\n";
        mail.Body = new TextPart("plain") { Text = $"{greeting}\n\n{sentence}{link}\n{why}\n" };
        return mail;
    }

    /// <summary>
    /// Sends one mail to each recipient not sent it yet, claimed under <paramref name="what"/> and the recipient's id
    /// (<see cref="MailClaims"/>); the count sent. A recipient whose mail fails gets it on Wolverine's next try; the
    /// others are not sent it again.
    /// </summary>
    public async Task<int> SendEachAsync(string what, IEnumerable<(Guid Recipient, MimeMessage Mail)> mails, CancellationToken ct)
    {
        var sent = 0;
        foreach (var (recipient, mail) in mails)
        {
            var claim = MailClaims.To(what, recipient);
            if (!await claims.ClaimAsync(claim, ct)) continue;
            await SendClaimedAsync(mail, claim, ct);
            sent++;
        }
        return sent;
    }

    /// <summary>
    /// Sends a mail claimed under <paramref name="claim"/>; when the server cannot take it the claim is taken back and
    /// <see cref="MailNotSentException"/> thrown, for Wolverine to try again. The server's words may quote an address:
    /// the exception names the claim (ids) and the kind of failure only.
    /// </summary>
    private async Task SendClaimedAsync(MimeMessage mail, string claim, CancellationToken ct)
    {
        try
        {
            await SendAsync(mail, ct);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException
                                       or AuthenticationException or TimeoutException or OperationCanceledException)
        {
            await claims.ReleaseAsync(claim);
            throw new MailNotSentException(claim, e is SmtpCommandException command ? $"{command.ErrorCode} {(int)command.StatusCode}" : e.GetType().Name);
        }
    }

    private async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var server = settings.Server ?? throw new InvalidOperationException("No SMTP server is configured.");
        var implicitTls = server.Scheme == "smtps";
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(server.Host, server.IsDefaultPort ? (implicitTls ? 465 : 25) : server.Port,
            implicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, ct);
        if (server.UserInfo is { Length: > 0 } userInfo)
        {
            var separator = userInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(separator < 0 ? userInfo : userInfo[..separator]);
            var password = separator < 0 ? "" : Uri.UnescapeDataString(userInfo[(separator + 1)..]);
            await client.AuthenticateAsync(user, password, ct);
        }
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>A mail could not be sent; it is tried again (see the handlers' <c>Configure</c>).</summary>
public sealed class MailNotSentException(string claim, string why) : Exception($"The mail {claim} was not sent ({why}); it will be tried again.");
