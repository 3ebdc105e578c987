using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>Sends one message through the configured SMTP server (<see cref="MailSettings"/>), a connection per message: notifications are few.</summary>
public sealed class Mailer(MailSettings settings)
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
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
