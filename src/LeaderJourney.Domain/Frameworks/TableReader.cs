namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Reads the table shape (tab-separated or markdown, also mixed): for each domain a heading in
/// capitals, a description paragraph, then one or more tables whose header row names the levels.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A domain runs from its heading to the next heading, so a table continued after a footnote
/// block, with or without its own header row, stays in the same domain.</item>
/// <item>Prose between a domain's heading and its first table is the description; prose after the
/// first table (notes, glossary, footnote text) is not framework content and is skipped.</item>
/// <item>A row whose first cell is empty continues the theme above: each of its cells is appended to
/// the same level's cell (the 2019 documents put a theme's training considerations on such a row).</item>
/// <item>A header split over two rows ("Competency | Level 1:" then "Theme | Foundational") is joined
/// cell by cell; a markdown separator row may sit anywhere and is skipped, as are lone pipes.</item>
/// <item>Before the first domain, the document's first line is its title when it is not itself a
/// domain heading; a heading directly followed by another heading is taken as that title.</item>
/// </list>
/// </remarks>
internal sealed class TableReader
{
    private readonly TextRepair repair;
    private readonly NameCasing casing;
    private readonly List<DomainDraft> domains = [];
    private SourceLine? titleLine;
    private bool seenContent;
    private IReadOnlyList<Level>? scale;
    private IReadOnlyList<string>? scaleHeader;
    private int scaleLine;
    private DomainDraft? current;
    private (int Line, IReadOnlyList<string> Cells)? incompleteHeader;

    private TableReader(TextRepair repair, NameCasing casing)
    {
        this.repair = repair;
        this.casing = casing;
    }

    public static bool HasHeaderRow(IEnumerable<SourceLine> lines) =>
        lines.Any(line => TableRow.Read(line.Text) is { Kind: TableRowKind.Cells } row && LevelHeader.IsHeaderRow(row.Cells));

    public static Framework Read(IReadOnlyList<SourceLine> lines, TextRepair repair, NameCasing casing)
    {
        var reader = new TableReader(repair, casing);
        foreach (var line in lines)
        {
            var row = TableRow.Read(line.Text);
            if (row.Kind == TableRowKind.Cells)
            {
                reader.ReadRow(line.Number, row.Cells);
            }
            else if (row.Kind == TableRowKind.None && !line.IsBlank)
            {
                reader.ReadText(line);
            }
        }

        return reader.Finish(lines.Count);
    }

    private void ReadRow(int line, IReadOnlyList<string> cells)
    {
        seenContent = true;
        if (incompleteHeader is { } first)
        {
            RequireCellCount(line, cells, first.Cells.Count);
            incompleteHeader = null;
            StartTable(first.Line, LevelHeader.Combine(first.Cells, cells));
            return;
        }

        if (LevelHeader.IsHeaderRow(cells))
        {
            if (current is null)
            {
                throw new FrameworkDocumentException(line, "a table starts before any domain heading (a line in capitals naming the domain, e.g. 'ADVOCACY')");
            }

            if (LevelHeader.IsIncomplete(cells))
            {
                incompleteHeader = (line, cells);
            }
            else
            {
                StartTable(line, cells);
            }

            return;
        }

        if (current is null || !current.HasTable || scale is null)
        {
            throw new FrameworkDocumentException(line, "a table row comes before any header row (expected 'Competency Theme', then 'Level N: Name' for each level)");
        }

        RequireCellCount(line, cells, scale.Count + 1);
        if (cells[0].Length == 0)
        {
            var above = current.Themes.LastOrDefault()
                ?? throw new FrameworkDocumentException(line, "a continuation row (empty first cell) has no theme above it");
            above.Append(cells);
        }
        else
        {
            current.Themes.Add(new ThemeDraft(line, cells));
        }
    }

    private void StartTable(int line, IReadOnlyList<string> headerCells)
    {
        current!.HasTable = true;

        // Documents repeat the same header row for every table; an identical one needs no re-reading.
        if (scaleHeader is not null && scaleHeader.SequenceEqual(headerCells))
        {
            return;
        }

        var levels = LevelHeader.ReadLevels(headerCells.Select(repair.Clean).ToArray(), line);
        if (scale is null)
        {
            scale = levels;
            scaleHeader = headerCells;
            scaleLine = line;
        }
        else if (!scale.SequenceEqual(levels))
        {
            throw new FrameworkDocumentException(line, $"the level header differs from the one on line {scaleLine}; all tables of a framework must use the same levels");
        }
    }

    private void ReadText(SourceLine line)
    {
        var isFirstContent = !seenContent;
        seenContent = true;
        if (incompleteHeader is { } header)
        {
            throw new FrameworkDocumentException(header.Line, "the header row's level names are incomplete and the next line is not a table row completing them");
        }

        var text = line.Text.Trim();
        if (TextRepair.IsFootnoteParagraph(text))
        {
            return;
        }

        if (IsHeading(text))
        {
            OpenDomain(line);
        }
        else if (current is null)
        {
            if (isFirstContent)
            {
                titleLine = line;
            }
        }
        else if (!current.HasTable)
        {
            current.Description.Add(text);
        }
    }

    private void OpenDomain(SourceLine heading)
    {
        if (current is { Themes.Count: 0 })
        {
            var isLeadingTitle = domains.Count == 1 && titleLine is null && current.Description.Count == 0 && !current.HasTable;
            if (!isLeadingTitle)
            {
                throw NoRows(current);
            }

            titleLine = current.Heading;
            domains.Clear();
        }

        current = new DomainDraft(heading);
        domains.Add(current);
    }

    private Framework Finish(int lineCount)
    {
        if (incompleteHeader is { } header)
        {
            throw new FrameworkDocumentException(header.Line, "the header row's level names are incomplete and no row completes them");
        }

        if (current is null || scale is null)
        {
            throw new FrameworkDocumentException(lineCount, "no domain with a competency table was found");
        }

        if (current.Themes.Count == 0)
        {
            throw NoRows(current);
        }

        var names = domains.Select(domain => casing.Readable(repair.Clean(domain.Heading.Text))).ToArray();
        var codes = DomainCodes.ForNames(names);
        var built = domains.Select((domain, i) => new Domain(
            codes[i],
            names[i],
            repair.Clean(string.Join(' ', domain.Description)),
            domain.Themes.Select((theme, k) => BuildTheme(theme, $"{codes[i]}.{k + 1}", scale)).ToArray()));

        var name = titleLine is { } title ? FrameworkName.FromTitleLine(title.Text, repair, casing) : null;
        return new Framework(name, scale, built.ToArray());
    }

    private Theme BuildTheme(ThemeDraft draft, string code, IReadOnlyList<Level> levels)
    {
        var title = repair.Clean(draft.Title);
        if (title.Length == 0)
        {
            throw new FrameworkDocumentException(draft.Line, "the theme's title cell holds no text (only footnote marks?)");
        }

        var themeLevels = levels.Select((level, j) =>
        {
            var (descriptor, considerations) = LevelCell.Split(repair.Clean(draft.LevelText(j)));
            return new ThemeLevel(level.Number, level.Name, descriptor, considerations);
        });
        return new Theme(code, title, themeLevels.ToArray());
    }

    private static void RequireCellCount(int line, IReadOnlyList<string> cells, int expected)
    {
        if (cells.Count != expected)
        {
            throw new FrameworkDocumentException(line, $"the row has {cells.Count} cells but the table has {expected} columns (a theme and {expected - 1} levels); is a cell missing or split?");
        }
    }

    private FrameworkDocumentException NoRows(DomainDraft domain) =>
        new(domain.Heading.Number, $"the domain heading '{domain.Heading.Text.Trim()}' is not followed by a competency table with at least one theme");

    /// <summary>A domain heading is a line in capitals: it has letters and none of them is lower case.</summary>
    private static bool IsHeading(string text)
    {
        var hasLetter = false;
        foreach (var c in text)
        {
            if (char.IsLower(c))
            {
                return false;
            }

            hasLetter |= char.IsLetter(c);
        }

        return hasLetter;
    }

    private sealed class DomainDraft(SourceLine heading)
    {
        public SourceLine Heading { get; } = heading;

        public List<string> Description { get; } = [];

        public List<ThemeDraft> Themes { get; } = [];

        public bool HasTable { get; set; }
    }

    /// <summary>A theme's raw cells, kept open until the domain ends because continuation rows add to them.</summary>
    private sealed class ThemeDraft(int line, IReadOnlyList<string> cells)
    {
        private readonly string[] levelTexts = cells.Skip(1).ToArray();

        public int Line { get; } = line;

        public string Title { get; } = cells[0];

        public string LevelText(int index) => levelTexts[index];

        public void Append(IReadOnlyList<string> continuation)
        {
            for (var i = 1; i < continuation.Count; i++)
            {
                levelTexts[i - 1] = $"{levelTexts[i - 1]} {continuation[i]}";
            }
        }
    }
}
