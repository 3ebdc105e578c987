namespace LeaderJourney.Domain.Leaders;

/// <summary>Input checks shared by the leader decisions; each failure is a rule break a person can fix.</summary>
internal static class Guard
{
    /// <summary>Required text, trimmed; blank text is refused.</summary>
    public static string Required(string? text, string what) =>
        string.IsNullOrWhiteSpace(text) ? throw new DomainRuleException($"{what} must not be empty.") : text.Trim();

    /// <summary>Optional text, trimmed; blank text is stored as absent.</summary>
    public static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Theme codes are validated by the caller against the framework; here they are opaque, only never blank.</summary>
    public static string Theme(string? themeCode) =>
        string.IsNullOrWhiteSpace(themeCode) ? throw new DomainRuleException("Name the theme.") : themeCode;

    /// <summary>The caller checks the level against the framework's level count; the decider only needs Level 1 or higher.</summary>
    public static int Level(int level) =>
        level >= 1 ? level : throw new DomainRuleException($"Level {level} does not exist; levels start at 1.");

    /// <summary>The command's own date, in UTC: the decider reads no clock.</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);
}
