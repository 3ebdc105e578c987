namespace LeaderJourney.Domain.Frameworks;

internal enum TableRowKind
{
    /// <summary>Not part of a table: prose, a heading, a blank line.</summary>
    None,

    /// <summary>A row with cells.</summary>
    Cells,

    /// <summary>A markdown separator row such as <c>|---|:--|</c>; carries no content.</summary>
    Separator,

    /// <summary>A line of nothing but pipes or tabs (extraction debris such as a lone <c>|</c>).</summary>
    Stray,
}

/// <summary>
/// One line read as a table row. Both table shapes are accepted line by line: a line starting with
/// <c>|</c> is a markdown row, any other line containing a tab is a tab-separated row.
/// Cells are raw (trimmed only); text repair happens once a theme's cells are complete, because a
/// continuation row can add to them.
/// </summary>
internal sealed record TableRow(TableRowKind Kind, IReadOnlyList<string> Cells)
{
    private static readonly TableRow NotARow = new(TableRowKind.None, []);
    private static readonly TableRow StrayRow = new(TableRowKind.Stray, []);
    private static readonly TableRow SeparatorRow = new(TableRowKind.Separator, []);

    public static TableRow Read(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.StartsWith('|'))
        {
            return ReadMarkdown(trimmed);
        }

        if (!line.Contains('\t'))
        {
            return NotARow;
        }

        var cells = new List<string>();
        foreach (var range in line.AsSpan().Split('\t'))
        {
            // Trim before making the string, so each cell is allocated once.
            cells.Add(line.AsSpan(range).Trim().ToString());
        }

        return cells.All(cell => cell.Length == 0) ? StrayRow : new TableRow(TableRowKind.Cells, cells);
    }

    private static TableRow ReadMarkdown(string trimmed)
    {
        var inner = trimmed[1..];
        if (inner.EndsWith('|') && !inner.EndsWith("\\|", StringComparison.Ordinal))
        {
            inner = inner[..^1];
        }

        var cells = SplitOnUnescapedPipes(inner);
        if (cells.All(cell => cell.Length == 0))
        {
            return StrayRow;
        }

        var isSeparator = cells.Any(IsSeparatorCell) && cells.All(cell => cell.Length == 0 || IsSeparatorCell(cell));
        return isSeparator ? SeparatorRow : new TableRow(TableRowKind.Cells, cells);
    }

    /// <summary>Splits on <c>|</c> but not on <c>\|</c>, which markdown uses for a literal pipe inside a cell.</summary>
    private static List<string> SplitOnUnescapedPipes(string inner)
    {
        var cells = new List<string>();
        var start = 0;
        for (var pipe = inner.IndexOf('|'); pipe >= 0; pipe = inner.IndexOf('|', pipe + 1))
        {
            if (pipe > 0 && inner[pipe - 1] == '\\')
            {
                continue;
            }

            cells.Add(Cell(inner.AsSpan(start, pipe - start)));
            start = pipe + 1;
        }

        cells.Add(Cell(inner.AsSpan(start)));
        return cells;
    }

    /// <summary>A trimmed cell with its escaped pipes (<c>\|</c>) unescaped.</summary>
    private static string Cell(ReadOnlySpan<char> raw)
    {
        var cell = raw.Trim();
        return cell.Contains("\\|", StringComparison.Ordinal) ? cell.ToString().Replace("\\|", "|", StringComparison.Ordinal) : cell.ToString();
    }

    private static bool IsSeparatorCell(string cell) =>
        cell.Contains('-') && cell.All(c => c is '-' or ':');
}
