using System.Globalization;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Recognises a table's header row and reads the level scale from it.
/// A row is a header when its first cell names the theme column ("Competency Theme", "Competency",
/// "Theme", "Competency / Theme") or when every other cell looks like a level label ("Word X: ...").
/// The second test lets an unknown label such as "Stage A: Beginner" be reported as such instead of
/// being mistaken for a theme.
/// </summary>
internal static class LevelHeader
{
    private static readonly HashSet<string> ThemeColumnWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "competency", "competencies", "theme", "themes",
    };

    /// <remarks>
    /// Runs on every row of a table, so it stays cheap: only a short first cell is cleaned and
    /// compared, and the level cells are only probed at their start.
    /// </remarks>
    public static bool IsHeaderRow(IReadOnlyList<string> cells) =>
        cells.Count >= 2 && (IsThemeColumnLabel(cells[0]) || cells.Skip(1).All(LooksLikeLevelLabel));

    /// <summary>
    /// A header split over two rows ("Level 1:" here, "Foundational" on the next row) is incomplete:
    /// some level cell has a label but no name yet.
    /// </summary>
    public static bool IsIncomplete(IReadOnlyList<string> cells) =>
        cells.Skip(1).Any(cell => TryParse(TextRepair.StripMarksAndFold(cell), out _, out var name) && name.Length == 0);

    /// <summary>Joins the two rows of a split header cell by cell ("Competency" + "Theme").</summary>
    public static IReadOnlyList<string> Combine(IReadOnlyList<string> first, IReadOnlyList<string> second) =>
        first.Zip(second, (a, b) => $"{a} {b}".Trim()).ToArray();

    /// <summary>Reads "Level N: Name" from every cell after the first; the cells must be repaired text.</summary>
    /// <exception cref="FrameworkDocumentException">A cell is not a "Level N: Name" label, or a number repeats.</exception>
    public static IReadOnlyList<Level> ReadLevels(IReadOnlyList<string> cells, int line)
    {
        var levels = new List<Level>();
        foreach (var cell in cells.Skip(1))
        {
            if (!TryParse(cell, out var number, out var name) || name.Length == 0)
            {
                throw new FrameworkDocumentException(line, $"unknown level header '{cell}': expected 'Level <number>: <name>', e.g. 'Level 1: Foundational'");
            }

            if (levels.Any(level => level.Number == number))
            {
                throw new FrameworkDocumentException(line, $"level {number} appears twice in the header row");
            }

            levels.Add(new Level(number, name));
        }

        return levels;
    }

    private static bool IsThemeColumnLabel(string cell)
    {
        // "Competency / Theme" and its variants are short; longer cells are theme titles.
        const int MaxLabelLength = 40;
        if (cell.Length > MaxLabelLength)
        {
            return false;
        }

        var words = TextRepair.StripMarksAndFold(cell).Split([' ', '/'], StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && words.All(ThemeColumnWords.Contains);
    }

    /// <summary>"Word X:" with X one to three letters or digits: the shape of any level label.</summary>
    private static bool LooksLikeLevelLabel(string cell)
    {
        var wordEnd = 0;
        while (wordEnd < cell.Length && char.IsLetter(cell[wordEnd]))
        {
            wordEnd++;
        }

        if (wordEnd == 0 || wordEnd >= cell.Length || cell[wordEnd] != ' ')
        {
            return false;
        }

        // Only the next few characters can hold "X:", so a long descriptor cell is never scanned.
        var colon = cell.IndexOf(':', wordEnd + 1, Math.Min(4, cell.Length - wordEnd - 1));
        var idLength = colon - wordEnd - 1;
        return colon > 0 && idLength is >= 1 and <= 3 && cell.AsSpan(wordEnd + 1, idLength).ContainsOnlyLettersOrDigits();
    }

    private static bool TryParse(string cell, out int number, out string name)
    {
        number = 0;
        name = string.Empty;
        const string Label = "Level ";
        if (!cell.StartsWith(Label, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var colon = cell.IndexOf(':', Label.Length);
        if (colon < 0 || !int.TryParse(cell.AsSpan(Label.Length, colon - Label.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        name = cell[(colon + 1)..].Trim();
        return true;
    }

    private static bool ContainsOnlyLettersOrDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
