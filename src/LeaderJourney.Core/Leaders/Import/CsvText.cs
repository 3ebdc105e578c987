using System.Text;

namespace LeaderJourney.Core.Leaders.Import;

/// <summary>Reads comma-separated text as spreadsheets write it (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes).</summary>
public static class CsvText
{
    /// <summary>
    /// The file's text: UTF-8 (with or without its mark), else Windows-1252, which a spreadsheet set to
    /// Spanish or another Western European language writes when asked for plain "CSV": read as UTF-8,
    /// "María Ibáñez" came out as "Mar\uFFFDa Ib\uFFFD\uFFFDez" and previewed as a good row.
    /// </summary>
    public static async Task<string> DecodeAsync(Stream file, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        // A byte order mark of UTF-16 ("Unicode text" in a spreadsheet) says what the file is.
        if (bytes is [0xFF, 0xFE, ..]) return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        if (bytes is [0xFE, 0xFF, ..]) return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return WindowsLatin.GetString(bytes);
        }
    }

    private static readonly Encoding WindowsLatin = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;

    /// <summary>
    /// The separator of the text's first line: a semicolon where it has semicolons and no commas, as a
    /// spreadsheet set to Spanish or another language with a decimal comma saves "CSV"; a tab where it has
    /// tabs and no commas ("Unicode text"); a comma otherwise.
    /// </summary>
    public static char SeparatorOf(string text)
    {
        var end = text.IndexOf('\n');
        var first = end < 0 ? text : text[..end];
        // "Unicode text" from a spreadsheet puts tabs between the columns.
        return first.Contains(';') && !first.Contains(',') ? ';' : first.Contains('\t') && !first.Contains(',') ? '\t' : ',';
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
