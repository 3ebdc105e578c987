using System.Text;

namespace LeaderJourney.Core.Leaders.Import;

/// <summary>Reads comma-separated text as spreadsheets write it (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes).</summary>
public static class CsvText
{
    /// <summary>
    /// The separator of the text's first line: a semicolon where it has semicolons and no commas, as a
    /// spreadsheet set to Spanish or another language with a decimal comma saves "CSV"; a comma otherwise.
    /// </summary>
    public static char SeparatorOf(string text)
    {
        var end = text.IndexOf('\n');
        var first = end < 0 ? text : text[..end];
        return first.Contains(';') && !first.Contains(',') ? ';' : ',';
    }

    /// <summary>Each record with the 1-based line it starts on, the fields split at <paramref name="separator"/> (by default that of the first line).</summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields)> Read(string text, char? separator = null)
    {
        var by = separator ?? SeparatorOf(text);
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var recordLine = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case var _ when c == by:
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    if (fields.Any(f => f.Length > 0)) yield return (recordLine, fields.ToArray());
                    fields.Clear();
                    recordLine = ++line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        fields.Add(field.ToString());
        if (fields.Any(f => f.Length > 0)) yield return (recordLine, fields.ToArray());
    }
}
