using System.Globalization;
using System.Text;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Reads the numbered-outline shape: numbered competencies "1. Name: description", each followed by
/// numbered sub-items "1.1. Title" (bulleted or not, indented or not). Competencies become domains
/// coded by their number, sub-items become themes coded by their own number, without levels.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Everything before the first competency (a framing section of questions, an introduction)
/// is not framework content; only the document's first line is read, as its title.</item>
/// <item>A plain line directly under an item (no blank line, no bullet, not a heading or footnote)
/// is that item's text wrapped onto the next line and is joined to it.</item>
/// <item>Other lines (unnumbered bullets, notes) are skipped.</item>
/// <item>Items numbered three deep ("1.1.1"), sub-items whose first number is not their
/// competency's, repeated numbers and competencies without sub-items are errors.</item>
/// </list>
/// </remarks>
internal sealed class OutlineReader
{
    private readonly List<CompetencyDraft> competencies = [];
    private readonly HashSet<string> codes = new(StringComparer.Ordinal);
    private ItemDraft? wrapTarget;

    public static bool HasOutline(IEnumerable<SourceLine> lines) =>
        lines.Any(line => OutlineItem.TryRead(line.Text, out var item) && item.Numbers.Count == 2);

    public static Framework Read(IReadOnlyList<SourceLine> lines, TextRepair repair, NameCasing casing)
    {
        var reader = new OutlineReader();
        foreach (var line in lines)
        {
            reader.ReadLine(line);
        }

        // DocumentLines refuses blank documents, so there is a first non-blank line.
        var firstLine = lines.First(line => !line.IsBlank).Text;
        var name = IsTitle(firstLine) ? FrameworkName.FromTitleLine(firstLine, repair, casing) : null;
        return new Framework(name, [], reader.Build(repair, casing));
    }

    private void ReadLine(SourceLine line)
    {
        if (OutlineItem.TryRead(line.Text, out var item))
        {
            wrapTarget = item.Numbers.Count switch
            {
                1 => AddCompetency(line.Number, item),
                2 => AddSubItem(line.Number, item),
                _ => throw new FrameworkDocumentException(line.Number, $"item {item.Code} is nested deeper than competency and sub-item (N. and N.M.)"),
            };
            return;
        }

        var text = line.Text.Trim();
        if (wrapTarget is not null && IsWrappedText(text))
        {
            wrapTarget.Text.Append(' ').Append(text);
        }
        else
        {
            wrapTarget = null;
        }
    }

    private CompetencyDraft AddCompetency(int line, OutlineItem item)
    {
        if (!codes.Add(item.Code))
        {
            throw new FrameworkDocumentException(line, $"competency {item.Code} appears twice");
        }

        var competency = new CompetencyDraft(line, item.Code, item.Text);
        competencies.Add(competency);
        return competency;
    }

    private ItemDraft AddSubItem(int line, OutlineItem item)
    {
        var parent = competencies.LastOrDefault();
        if (parent is null || parent.Code != item.Numbers[0].ToString(CultureInfo.InvariantCulture))
        {
            throw new FrameworkDocumentException(line, $"sub-item {item.Code} is not under competency {item.Numbers[0]}");
        }

        if (!codes.Add(item.Code))
        {
            throw new FrameworkDocumentException(line, $"sub-item {item.Code} appears twice");
        }

        var subItem = new ItemDraft(line, item.Code, item.Text);
        parent.SubItems.Add(subItem);
        return subItem;
    }

    private List<Domain> Build(TextRepair repair, NameCasing casing)
    {
        var domains = new List<Domain>();
        foreach (var competency in competencies)
        {
            if (competency.SubItems.Count == 0)
            {
                throw new FrameworkDocumentException(competency.Line, $"competency {competency.Code} has no numbered sub-items ({competency.Code}.1, {competency.Code}.2, ...)");
            }

            // "Name: description"; the name is the part before the first colon.
            var text = repair.Clean(competency.Text.ToString());
            var colon = text.IndexOf(':');
            var name = colon < 0 ? text : text[..colon].Trim();
            var description = colon < 0 ? string.Empty : text[(colon + 1)..].Trim();
            var themes = competency.SubItems.Select(item => new Theme(item.Code, casing.Readable(repair.Clean(item.Text.ToString())), []));
            domains.Add(new Domain(competency.Code, casing.Readable(name), description, themes.ToArray()));
        }

        return domains;
    }

    /// <summary>The first line is a title unless it is an item, a bullet or a section heading ("DRAFT FRAMING:").</summary>
    private static bool IsTitle(string text)
    {
        var trimmed = text.Trim();
        return !OutlineItem.TryRead(trimmed, out _) && !OutlineItem.StartsWithBullet(trimmed) && !trimmed.EndsWith(':');
    }

    private static bool IsWrappedText(string text) =>
        text.Length > 0
        && !OutlineItem.StartsWithBullet(text)
        && !TextRepair.IsFootnoteParagraph(text)
        && text.Any(char.IsLower);

    private class ItemDraft(int line, string code, string text)
    {
        public int Line { get; } = line;

        public string Code { get; } = code;

        public StringBuilder Text { get; } = new(text);
    }

    private sealed class CompetencyDraft(int line, string code, string text) : ItemDraft(line, code, text)
    {
        public List<ItemDraft> SubItems { get; } = [];
    }
}

/// <summary>A numbered outline line: optional indent and bullet, "1." / "1)" / "1.1" / "1.1.", then its text.</summary>
internal readonly record struct OutlineItem(IReadOnlyList<int> Numbers, string Text)
{
    private const int MaxDigits = 3;

    public string Code => string.Join('.', Numbers);

    public static bool StartsWithBullet(string trimmed) =>
        trimmed.Length >= 2 && trimmed[0] is '-' or '*' or '+' or '\u2022' && char.IsWhiteSpace(trimmed[1]);

    public static bool TryRead(string line, out OutlineItem item)
    {
        item = default;
        var s = line.Trim();
        if (StartsWithBullet(s))
        {
            s = s[1..].TrimStart();
        }

        var numbers = new List<int>();
        var i = 0;
        var closed = false;
        while (true)
        {
            var start = i;
            while (i < s.Length && i - start < MaxDigits + 1 && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start || i - start > MaxDigits)
            {
                return false;
            }

            numbers.Add(int.Parse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture));
            if (i < s.Length && s[i] is '.' or ')')
            {
                closed = true;
                i++;
                if (s[i - 1] == '.' && i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    closed = false;
                    continue;
                }
            }

            break;
        }

        // "1 Lead" is not an item: a single number needs its dot or parenthesis ("1." / "1)").
        var hasText = i < s.Length && char.IsWhiteSpace(s[i]) && s[i..].Trim().Length > 0;
        if (!hasText || (numbers.Count == 1 && !closed))
        {
            return false;
        }

        item = new OutlineItem(numbers, s[i..].Trim());
        return true;
    }
}
