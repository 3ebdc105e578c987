using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace LeaderJourney.Core.Access;

/// <summary>
/// Whom a mail goes to, as its stop link names them: a user (a mentor, an admin) by their id, or a leader
/// by their record's id, since a leader is mailed at their record's address and may have no sign-in.
/// </summary>
public sealed record MailRecipient(Guid Id, bool IsLeader)
{
    public static MailRecipient User(Guid userId) => new(userId, false);
    public static MailRecipient Leader(Guid leaderId) => new(leaderId, true);
}

/// <summary>
/// The link at the foot of every mail, and in its List-Unsubscribe header, that stops the mails without
/// signing in (RFC 8058's one click). It names its recipient in a token only the installation can make or
/// read (ASP.NET Core's data protection, on the database's key ring: <see cref="PageKeyRing"/>): no
/// address or name, and no one can make a link for someone else. It stops mails; it never turns them on.
/// It does not expire: an old mail's link still works while its key is in the ring.
/// </summary>
public sealed class MailStopLinks(IDataProtectionProvider protection)
{
    public const string Page = "account/mail/stop";

    private readonly IDataProtector _protector = protection.CreateProtector("LeaderJourney.MailStop.v1");

    public string TokenFor(MailRecipient recipient)
    {
        var payload = new byte[17];
        payload[0] = recipient.IsLeader ? (byte)1 : (byte)0;
        recipient.Id.TryWriteBytes(payload.AsSpan(1));
        return WebEncoders.Base64UrlEncode(_protector.Protect(payload));
    }

    /// <summary>The page the link opens, with its token, under the installation's public address.</summary>
    public Uri LinkFor(Uri site, MailRecipient recipient) => new(site, $"{Page}?t={TokenFor(recipient)}");

    /// <summary>Whom the token names; null for one this installation did not make (or cannot read any more).</summary>
    public MailRecipient? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1_000) return null;
        try
        {
            var payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            return payload is [var kind and (0 or 1), ..] && payload.Length == 17 ? new MailRecipient(new Guid(payload.AsSpan(1)), kind == 1) : null;
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException && !CameFromTheDatabase(e))
        {
            return null;
        }
    }

    // The key ring is read from the database: a server that is down is not a link of someone else's (a 500, tried again later).
    private static bool CameFromTheDatabase(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is Npgsql.NpgsqlException) return true;
        return false;
    }
}

/// <summary>Stops the mails to whom a stop link names (the page <c>/account/mail/stop</c> sends it, for a person's click and a mail program's one-click POST alike).</summary>
public sealed record StopMailByLink(string? Token);

public static class StopMailByLinkHandler
{
    /// <summary>Whether the link was one of this installation's: then its recipient is mailed nothing more.</summary>
    public static async Task<bool> Handle(StopMailByLink message, MailStopLinks links, AccessDirectory directory, Leaders.LeaderReader leaders, CancellationToken ct)
    {
        if (links.Read(message.Token) is not { } recipient) return false;
        // An erased leader is mailed nothing already, and nothing more about them is kept.
        if (recipient.IsLeader && await leaders.FindAsync(recipient.Id, ct) is not { State.Erased: false }) return true;
        await directory.StopMailAsync(recipient, ct);
        return true;
    }
}
