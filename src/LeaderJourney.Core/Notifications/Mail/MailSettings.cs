using Microsoft.Extensions.Configuration;
using MimeKit;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>
/// Where notifications are mailed from and through: <c>LEADERJOURNEY_SMTP</c> (or
/// <c>LeaderJourney:Mail:Smtp</c>) as <c>smtp://[user:password@]host[:port]</c> (STARTTLS when the server
/// offers it, and required when a password is given; port 25 unless given) or <c>smtps://</c> (TLS from the start; port 465), and
/// <c>LEADERJOURNEY_MAIL_FROM</c> (<c>LeaderJourney:Mail:From</c>), the sender's address. Without a server
/// notifications go to the in-app inbox only. <c>LeaderJourney:PublicUrl</c>, where people reach the app,
/// makes each mail link to what it tells of.
/// </summary>
public sealed record MailSettings(Uri? Server, MailboxAddress? Sender, Uri? PublicUrl)
{
    public const string ServerVariable = "LEADERJOURNEY_SMTP";
    public const string FromVariable = "LEADERJOURNEY_MAIL_FROM";

    public static readonly MailSettings Off = new(null, null, null);

    public bool Enabled => Server is not null;

    public static MailSettings From(IConfiguration configuration)
    {
        var publicUrl = configuration["LeaderJourney:PublicUrl"] is { Length: > 0 } url
            ? Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http" ? parsed
                : throw new Hosting.SettingException($"LeaderJourney:PublicUrl: '{url}' is not an http(s) address.")
            : null;
        var server = configuration[ServerVariable] is { Length: > 0 } s ? s : configuration["LeaderJourney:Mail:Smtp"];
        if (string.IsNullOrWhiteSpace(server)) return Off with { PublicUrl = publicUrl };
        // The value may hold a password: never repeated in a message.
        if (!Uri.TryCreate(server.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps") || string.IsNullOrEmpty(uri.Host))
            throw new Hosting.SettingException($"{ServerVariable} must be smtp://[user:password@]host[:port] or smtps://…");
        var from = configuration[FromVariable] is { Length: > 0 } f ? f : configuration["LeaderJourney:Mail:From"];
        if (string.IsNullOrWhiteSpace(from) || !MailboxAddress.TryParse(from.Trim(), out var sender))
            throw new Hosting.SettingException($"{FromVariable} must be the sender's address (\"LeaderJourney <journey@example.org>\") when {ServerVariable} is set.");
        return new MailSettings(uri, sender, publicUrl);
    }
}
