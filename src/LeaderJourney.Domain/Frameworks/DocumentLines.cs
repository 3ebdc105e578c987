using System.Buffers;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>One line of a document with its 1-based number (kept for error messages).</summary>
internal readonly record struct SourceLine(int Number, string Text)
{
    public bool IsBlank => string.IsNullOrWhiteSpace(Text);
}

/// <summary>
/// Splits a document into lines after refusing input that cannot be a framework document at all:
/// empty text, and binary data (a PDF or Word file handed over instead of its extracted text).
/// </summary>
internal static class DocumentLines
{
    // Binary data decoded as text shows NULs, other C0 controls and U+FFFD replacement characters.
    // Extracted PDF text may carry a stray control character or two, so only a share above this
    // threshold (or any NUL) counts as binary.
    private const double ControlShareLimit = 0.01;
    private const int ControlCountFloor = 3;

    /// <summary>C0 controls other than tab, line feed, carriage return, form feed and vertical tab; DEL; U+FFFD.</summary>
    private static readonly SearchValues<char> SuspiciousCharacters = SearchValues.Create(
        "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015"
        + "\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F\uFFFD");

    public static IReadOnlyList<SourceLine> Read(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        RefuseBinary(text);

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FrameworkDocumentException(1, "the document is empty (no text at all, or only white space)");
        }

        return Split(text);
    }

    private static void RefuseBinary(string text)
    {
        var span = text.AsSpan();
        var nul = span.IndexOf('\0');
        if (nul >= 0)
        {
            throw new FrameworkDocumentException(LineAt(span, nul), "not a text document: it contains NUL bytes (binary data such as a PDF or Word file?)");
        }

        var first = span.IndexOfAny(SuspiciousCharacters);
        if (first < 0)
        {
            return;
        }

        // Vectorised search: a 10 MB document is checked in milliseconds.
        var controls = 0;
        for (var rest = span[first..]; rest.Length > 0;)
        {
            var next = rest.IndexOfAny(SuspiciousCharacters);
            if (next < 0)
            {
                break;
            }

            controls++;
            rest = rest[(next + 1)..];
        }

        if (controls >= ControlCountFloor && controls >= text.Length * ControlShareLimit)
        {
            throw new FrameworkDocumentException(LineAt(span, first), $"not a text document: {controls} control or undecodable characters (binary data?)");
        }
    }

    /// <summary>The 1-based line of a position, counting the same line breaks as <see cref="Split"/>.</summary>
    private static int LineAt(ReadOnlySpan<char> text, int position)
    {
        var before = text[..position];
        return before.Count('\n') + before.Count('\r') - before.Count("\r\n") + 1;
    }

    private static List<SourceLine> Split(string text)
    {
        var lines = new List<SourceLine>();
        var start = 0;
        while (true)
        {
            var end = text.AsSpan(start).IndexOfAny('\r', '\n');
            if (end < 0)
            {
                lines.Add(new SourceLine(lines.Count + 1, text[start..]));
                return lines;
            }

            end += start;
            lines.Add(new SourceLine(lines.Count + 1, text[start..end]));
            start = text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? end + 2 : end + 1;
        }
    }
}
