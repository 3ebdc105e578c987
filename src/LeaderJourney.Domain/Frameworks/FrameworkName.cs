namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Cleans a document's title line into a framework name:
/// "VERSION 4 (3/20/17) - UNIFIED SET OF BPS LEADER COMPETENCIES" → "Unified Set of BPS Leader Competencies".
/// </summary>
/// <remarks>
/// The line is split at " - " (or an en/em dash with spaces); parts that start with a version or
/// draft marker ("Version", "Draft", "Revision", "Rev", "v2") are edition details, not the name,
/// and are dropped. A trailing colon goes too. Capitals become title case (<see cref="NameCasing"/>).
/// A line longer than <see cref="MaxLineLength"/> characters is prose, not a title: no name.
/// </remarks>
internal static class FrameworkName
{
    public const int MaxLineLength = 300;

    private static readonly string[] PartSeparators = [" - ", " \u2013 ", " \u2014 "];

    private static readonly HashSet<string> EditionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "version", "draft", "revision", "rev",
    };

    public static string? FromTitleLine(string rawLine, TextRepair repair, NameCasing casing)
    {
        if (rawLine.Length > MaxLineLength)
        {
            return null;
        }

        var parts = repair.Clean(rawLine)
            .Split(PartSeparators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(part => !IsEditionDetail(part))
            .ToArray();

        var name = string.Join(" - ", parts).TrimEnd(':').Trim();
        return name.Length == 0 ? null : casing.Readable(name);
    }

    private static bool IsEditionDetail(string part)
    {
        var space = part.IndexOf(' ');
        var firstWord = (space < 0 ? part : part[..space]).TrimEnd('.', ':');
        var isVersionNumber = firstWord.Length > 1
            && firstWord[0] is 'v' or 'V'
            && firstWord.Skip(1).All(c => char.IsDigit(c) || c == '.');
        return isVersionNumber || EditionWords.Contains(firstWord);
    }
}
