using System.Globalization;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>Makes and sends the notices' mails through the configured SMTP server (<see cref="MailSettings"/>), a connection per mail: notices are few.</summary>
public sealed class Mailer(MailSettings settings, MailClaims claims, MailStopLinks stopLinks, ISentences say, ILogger<Mailer> logger)
{
    /// <summary>
    /// For the mail handlers' <c>Configure</c>: a server that is down or refuses for now is tried again from
    /// Wolverine's durable store (not holding the queue), for about nine hours; then the message waits in
    /// Wolverine's dead letters.
    /// </summary>
    public static void RetryWhenNotSent(HandlerChain chain) =>
        chain.OnException<MailNotSentException>().ScheduleRetry(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(8));

    /// <summary>The culture a mail to someone whose pages are in <paramref name="language"/> is written in; English when unknown.</summary>
    public static CultureInfo CultureOf(string? language)
    {
        try
        {
            return CultureInfo.GetCultureInfo(language ?? "en");
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.GetCultureInfo("en");
        }
    }

    /// <summary>
    /// A plain-text mail from the configured sender to <paramref name="recipient"/>: the sentence, then a link
    /// to <paramref name="path"/> in the app when <c>LeaderJourney:PublicUrl</c> is set, and how to stop such mails.
    /// Each English text is said in <paramref name="language"/>, the language of the recipient's pages (null:
    /// English), with the pages' own translations (<see cref="ISentences"/>).
    /// </summary>
    /// <param name="items">Listed after the sentence, a line each, as they are (names: nothing to translate).</param>
    public MimeMessage Compose(MailRecipient recipient, string? name, string address, string? language, string subject, string greeting, string sentence, string path, string why,
        IReadOnlyList<string>? items = null)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureOf(language);
        try
        {
            var said = say.Say(sentence) + (items is { Count: > 0 } ? "\n\n" + string.Join("\n", items.Select(item => "- " + item)) : "");
            return Compose(recipient, name, address, say.Say(subject), say.Say(greeting), said, path, say.Say(why));
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    private MimeMessage Compose(MailRecipient recipient, string? name, string address, string subject, string greeting, string sentence, string path, string why)
    {
        var mail = new MimeMessage { Subject = subject };
        mail.From.Add(settings.Sender!);
        mail.To.Add(new MailboxAddress(name, address));
        var link = settings.PublicUrl is { } site ? $"\n\n{say.Say($"See it in LeaderJourney: {new Uri(site, path)}")}\n" : "\n";
        // Every mail says how to stop them: a link that needs no sign-in (Access/MailStop), which mail
        // programs also offer as a button, posting to it (RFC 8058: List-Unsubscribe-Post).
        var stop = settings.PublicUrl is { } at ? stopLinks.LinkFor(at, recipient) : null;
        if (stop is not null)
        {
            mail.Headers.Add(HeaderId.ListUnsubscribe, $"<{stop}>");
            // RFC 8058 asks for an HTTPS address for the one-click POST.
            if (stop.Scheme == Uri.UriSchemeHttps) mail.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        var off = say.Say(stop is null ? "To stop these e-mails, choose E-mail in LeaderJourney's menu." : $"To stop these e-mails: {stop}");
        mail.Body = new TextPart("plain") { Text = $"{greeting}\n\n{sentence}{link}\n{why}\n{off}\n" };
        return mail;
    }

    /// <summary>Whether this installation sends mail at all (an SMTP server is configured): without it every notice is in the app alone.</summary>
    public bool Sends => settings.Enabled;

    /// <summary>The address of a page of the app for a mail, when mails are sent and the app's address is known (<c>LeaderJourney:PublicUrl</c>); else null.</summary>
    public Uri? LinkTo(string path) => settings.Enabled && settings.PublicUrl is { } site ? new Uri(site, path.TrimStart('/')) : null;

    /// <summary>
    /// A mail about the account itself, in <paramref name="language"/>: the sentence, the link on a line of its
    /// own, and why it came. Asked for by the person (a link to confirm their address, a password link), or
    /// telling them of a change to their sign-in or address (a password set with an admin's link, an address
    /// changed by staff). It offers no way to stop such mails: they come rarely, and each is about the account.
    /// </summary>
    public MimeMessage ComposeAsked(string? name, string address, string? language, string subject, string greeting, string sentence, Uri link, string why)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureOf(language);
        try
        {
            var mail = new MimeMessage { Subject = say.Say(subject) };
            mail.From.Add(settings.Sender!);
            mail.To.Add(new MailboxAddress(name, address));
            mail.Body = new TextPart("plain") { Text = $"{say.Say(greeting)}\n\n{say.Say(sentence)}\n\n{link}\n\n{say.Say(why)}\n" };
            return mail;
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    /// <summary>Sends a mail a person asked for, now; one that fails is <see cref="MailNotSentException"/> (named by <paramref name="what"/>, ids only).</summary>
    public async Task SendAskedAsync(MimeMessage mail, string what, CancellationToken ct)
    {
        try
        {
            await SendAsync(mail, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var why = e is SmtpCommandException command ? $"{command.ErrorCode} {(int)command.StatusCode}" : e.GetType().Name;
            // The person is told to try again; the operator learns of it here.
            logger.LogWarning("The mail {What} could not be sent ({Why})", what, why);
            throw new MailNotSentException(what, why);
        }
    }

    /// <summary>
    /// Sends one mail to each recipient not sent it yet, each claimed under <paramref name="what"/> and the
    /// recipient's id (<see cref="MailClaims"/>), a notice's only while it stands (<paramref name="notice"/>); the count sent. Every recipient is tried: one that failed for
    /// now is tried again on Wolverine's next try (<see cref="MailNotSentException"/>), without sending the others
    /// theirs again. An address the server refuses for good is not tried again (its claim stays).
    /// </summary>
    public async Task<int> SendEachAsync(string what, IEnumerable<(Guid Recipient, MimeMessage Mail)> mails, CancellationToken ct, long? notice = null)
    {
        var (sent, failed) = (0, new List<string>());
        foreach (var (recipient, mail) in mails)
        {
            if (!await claims.ClaimAsync(what, recipient, ct, notice)) continue;
            var (wasSent, failure) = await SendClaimedAsync(mail, what, recipient, () => claims.ReleaseAsync(what, recipient), ct);
            if (wasSent) sent++;
            if (failure is not null) failed.Add(failure);
        }
        if (failed.Count > 0) throw new MailNotSentException(what, string.Join(", ", failed.Distinct()));
        return sent;
    }

    /// <summary>
    /// Sends one mail telling <paramref name="recipient"/> of several notices at once, claimed under each
    /// (<see cref="MailClaims.Notice"/>): made by <paramref name="compose"/> from those this run claimed (others were
    /// mailed, or are being mailed, by another run), not sent when it claimed none. True when sent.
    /// </summary>
    public async Task<bool> SendForNoticesAsync(IReadOnlyList<long> notices, Guid recipient, Func<IReadOnlyList<long>, MimeMessage> compose, CancellationToken ct)
    {
        var claimed = await claims.ClaimNoticesAsync(notices, recipient, ct);
        if (claimed.Count == 0) return false;
        var what = MailClaims.Notice(claimed[0]);
        var (sent, failure) = await SendClaimedAsync(compose(claimed), what, recipient, async () =>
        {
            foreach (var id in claimed) await claims.ReleaseAsync(MailClaims.Notice(id), recipient);
        }, ct);
        return failure is null ? sent : throw new MailNotSentException(what, failure);
    }

    /// <summary>
    /// Sends a claimed mail: sent, or refused for good (the server will not take the address: logged, its claim
    /// kept, not tried again), or failed for now (the claim released by <paramref name="release"/>, the reason said).
    /// </summary>
    private async Task<(bool Sent, string? Failure)> SendClaimedAsync(MimeMessage mail, string what, Guid recipient, Func<Task> release, CancellationToken ct)
    {
        try
        {
            await SendAsync(mail, ct);
            return (true, null);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)e.StatusCode >= 500)
        {
            // The server's words may quote the address: the log names the mail and the recipient's id.
            logger.LogWarning("The mail {What} to {Recipient} was refused for good ({StatusCode}); it is not tried again", what, recipient, (int)e.StatusCode);
            return (false, null);
        }
        catch (Exception e)
        {
            await release();
            if (ct.IsCancellationRequested) throw; // the host is stopping: the message is tried again after
            return (false, e is SmtpCommandException command ? $"{command.ErrorCode} {(int)command.StatusCode}" : e.GetType().Name);
        }
    }

    private async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var server = settings.Server ?? throw new InvalidOperationException("No SMTP server is configured.");
        var implicitTls = server.Scheme == "smtps";
        var userInfo = server.UserInfo;
        using var client = new SmtpClient { Timeout = 30_000 };
        // A password is never sent over a connection that could not be encrypted: with one, STARTTLS is required.
        await client.ConnectAsync(server.Host, server.IsDefaultPort ? (implicitTls ? 465 : 25) : server.Port,
            implicitTls ? SecureSocketOptions.SslOnConnect : userInfo is { Length: > 0 } ? SecureSocketOptions.StartTls : SecureSocketOptions.StartTlsWhenAvailable, ct);
        if (userInfo is { Length: > 0 })
        {
            var separator = userInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(separator < 0 ? userInfo : userInfo[..separator]);
            var password = separator < 0 ? "" : Uri.UnescapeDataString(userInfo[(separator + 1)..]);
            await client.AuthenticateAsync(user, password, ct);
        }
        await client.SendAsync(message, ct);
        try
        {
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e)
        {
            // Sent is sent: a failed goodbye must not make the mail go again.
            logger.LogDebug("Closing the SMTP connection failed after a mail was sent: {Error}", e.GetType().Name);
        }
    }
}

/// <summary>A mail could not be sent; it is tried again (<see cref="Mailer.RetryWhenNotSent"/>). Names the mail by ids and the kinds of failure only.</summary>
public sealed class MailNotSentException(string what, string why) : Exception($"The mail {what} was not sent to everyone ({why}); it will be tried again.")
{
    /// <summary>What a person who asked for the mail is told (the exception's own message names ids, for the log).</summary>
    public const string ForThePerson = "The mail could not be sent just now; try again in a few minutes.";
}
