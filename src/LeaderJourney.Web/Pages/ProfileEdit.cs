namespace LeaderJourney.Web.Pages;

/// <summary>
/// One field of a form opened, edited and sent while someone else may have saved the same record: what the form
/// showed, what was sent, and what the record holds now. Two staff members correcting one leader in two tabs
/// otherwise lose the first one's change to the second one's unchanged field, with both told it was saved.
/// </summary>
public static class ProfileEdit
{
    /// <summary>
    /// The value to save: the one sent where it was changed, the record's own where it was left as shown (another's
    /// change kept); a conflict where both changed it to different values.
    /// </summary>
    public static (string? Value, bool Conflict) Merge(string? shown, string? sent, string? now, StringComparer same)
    {
        var (was, typed, current) = (Blank(shown), Blank(sent), Blank(now));
        if (Same(was, current, same) || Same(typed, current, same)) return (sent, false);
        return Same(typed, was, same) ? (now, false) : (sent, true);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static bool Same(string? a, string? b, StringComparer same) => a is null ? b is null : b is not null && same.Equals(a, b);
}
