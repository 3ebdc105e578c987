using LeaderJourney.Core.Http;

namespace LeaderJourney.Core.Leaders;

/// <summary>Checks on request fields, each failing with a 400 that names the field and what is allowed.</summary>
public static class LeaderInput
{
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxLocalLength = 100;
    public const int MaxTitleLength = 200;
    public const int MaxNoteLength = 4000;
    public const int MaxLinkLength = 2000;

    public static Guid Id(string raw, string field = "id") =>
        Guid.TryParse(raw, out var id) ? id : throw new RequestValidationException(field, $"'{raw}' is not an id (a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301).");

    public static string Required(string? value, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new RequestValidationException(field, $"Give {field} (1 to {max} characters).");
        return Optional(value, field, max)!;
    }

    public static string? Optional(string? value, string field, int max)
    {
        if (value is null) return null;
        NoControlCharacters(value, field);
        var trimmed = value.Trim();
        if (trimmed.Length > max) throw new RequestValidationException(field, $"{field} has at most {max} characters ({trimmed.Length} given).");
        return trimmed.Length == 0 ? null : trimmed;
    }

    /// <summary>Line breaks and tabs are text; other control characters (NUL above all, which PostgreSQL refuses) are not.</summary>
    public static void NoControlCharacters(string value, string field)
    {
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            throw new RequestValidationException(field, $"{field} contains a control character; send plain text.");
    }

    /// <summary>
    /// A leader's name: required, and not the words that mark an erased record (lists and reports tell
    /// an erased record by them; a leader enrolled under them would be left out as erased).
    /// </summary>
    public static string LeaderName(string? value, string field)
    {
        var name = Required(value, field, MaxNameLength);
        if (string.Equals(name, Domain.Leaders.Leader.ErasedName, StringComparison.OrdinalIgnoreCase))
            throw new RequestValidationException(field, $"'{name}' marks a record whose personal data was erased; give the leader's own name.");
        return name;
    }

    public static string Email(string? value)
    {
        var email = Required(value, "email", MaxEmailLength);
        if (!LooksLikeEmail(email)) throw new RequestValidationException("email", $"'{email}' is not an e-mail address.");
        return email;
    }

    /// <summary>
    /// One @ with a name before it and a domain after it, no spaces, and no empty part between dots: what
    /// a mail can be sent to. Not the whole of RFC 5322 (quoted names with an @ are refused); enough to stop
    /// a typed "ana@@example" or "ana@example." before mail to it fails where nobody sees it.
    /// </summary>
    private static bool LooksLikeEmail(string email)
    {
        var parts = email.Split('@');
        if (parts.Length != 2 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return false;
        var (name, domain) = (parts[0], parts[1]);
        return name.Length > 0 && domain.Length > 0 && !name.StartsWith('.') && !name.EndsWith('.') && !name.Contains("..")
            && name.IndexOfAny(['"', '(', ')', ',', ':', ';', '<', '>', '[', '\\', ']']) < 0
            && domain.Split('.').All(label => label.Length > 0 && !label.StartsWith('-') && !label.EndsWith('-') && label.All(c => char.IsLetterOrDigit(c) || c == '-'));
    }

    public static string? Link(string? value)
    {
        var link = Optional(value, "link", MaxLinkLength);
        if (link is not null && !(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            throw new RequestValidationException("link", "A link is an absolute http or https address.");
        return link;
    }

    public static DateOnly PastDate(string? value, string field, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value) || !DateOnly.TryParseExact(value, "yyyy-MM-dd", out var date))
            throw new RequestValidationException(field, $"{field} is a date as yyyy-MM-dd.");
        if (date > DateOnly.FromDateTime(now.UtcDateTime)) throw new RequestValidationException(field, $"{field} cannot be in the future.");
        return date;
    }

    /// <summary>An as-of moment: a date means the end of that day (UTC); a date and time is taken as given.</summary>
    /// <summary>
    /// A report's as-of moment, resolved to whole days: the end of the UTC day the date or moment falls
    /// in. Reports of two moments of one day are the same report, so comparing them cannot show which
    /// equity row one leader moved out of (docs/security.md).
    /// </summary>
    public static DateTimeOffset? ReportDay(string? value) =>
        AsOf(value) is { } moment ? new DateTimeOffset(moment.UtcDateTime.Date.AddDays(1).AddTicks(-10), TimeSpan.Zero) : null;

    /// <summary>The years a report may be asked as of (the pages' date too).</summary>
    public const int FirstReportYear = 1900, LastReportYear = 2999;

    public static DateTimeOffset? AsOf(string? value) => Moment(value, "asOf", endOfDay: true);

    /// <summary>
    /// A report's moment from <paramref name="field"/>: a date (yyyy-MM-dd: the end of that UTC day, or its
    /// start) or an ISO 8601 date and time; null when not given.
    /// </summary>
    public static DateTimeOffset? Moment(string? value, string field, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        DateTimeOffset at;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", out var date))
            at = new DateTimeOffset(date.ToDateTime(endOfDay ? new TimeOnly(23, 59, 59, 999, 999) : TimeOnly.MinValue), TimeSpan.Zero);
        else if (!DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out at))
            throw new RequestValidationException(field, $"{field} is a date (yyyy-MM-dd) or an ISO 8601 date and time.");
        // Reports look a year back and to the end of the day: the ends of the calendar are out of reach.
        if (at.Year is < FirstReportYear or > LastReportYear) throw new RequestValidationException(field, $"{field} is a date between {FirstReportYear} and {LastReportYear}.");
        return at;
    }
}
