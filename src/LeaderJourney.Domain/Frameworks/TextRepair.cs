using System.Buffers;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Undoes the artifacts that PDF text extraction leaves in a piece of framework text (a name, title,
/// description, descriptor or considerations), in this order:
/// <list type="number">
/// <item>drop footnote marks: every <c>*</c> (also markdown bold/italic), superscript digits
/// (⁰¹²³⁴⁵⁶⁷⁸⁹) and <c>^{…}</c> marks such as <c>^{*}</c> or <c>^{1}</c>;</item>
/// <item>fold every run of white space into one space and trim;</item>
/// <item>repair "word- word" breaks (see <see cref="RepairBreaks"/>) and "word/ word" breaks
/// ("labor/ management" → "labor/management"): a PDF line break right after a slash leaves a space
/// that the printed text does not have.</item>
/// </list>
/// Marks go before folding so that "organiza-⁷ tion" or "students ⁸" fold cleanly, and folding goes
/// before the break repair, which expects exactly one space after the mark.
/// </summary>
/// <remarks>
/// Every cell of a document passes through here, so the passes jump from one character of interest
/// to the next with vectorised searches and copy the text in between as a whole. The hyphenation
/// evidence is gathered from the whole document the first time a break needs it, so a document
/// refused for its structure never pays for it.
/// </remarks>
internal sealed class TextRepair(string documentText)
{
    /// <summary>Words after which "X- " is a suspended hyphen ("short- and long-term"), kept as written.</summary>
    private static readonly HashSet<string> Conjunctions = new(StringComparer.OrdinalIgnoreCase) { "and", "or", "nor", "to" };

    private const string SuperscriptDigits = "\u2070\u00B9\u00B2\u00B3\u2074\u2075\u2076\u2077\u2078\u2079";

    /// <summary>Footnote mark characters, and white space other than the plain space (all that char.IsWhiteSpace accepts).</summary>
    private static readonly SearchValues<char> MarksAndUnusualWhiteSpace = SearchValues.Create(
        "*^" + SuperscriptDigits
        + "\t\n\v\f\r\u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");

    private static readonly SearchValues<char> BreakMarks = SearchValues.Create("-/");

    // "^{12}" style marks are short; a longer brace group is left alone rather than eating real text.
    private const int MaxBraceMarkLength = 6;

    private readonly Lazy<HyphenationEvidence> evidence = new(() => HyphenationEvidence.From(documentText));

    public string Clean(string raw)
    {
        if (IsClean(raw) && !HasBreak(raw))
        {
            return raw;
        }

        // Every step only removes characters, so buffers of the input's length hold the results.
        var stripped = ArrayPool<char>.Shared.Rent(raw.Length);
        var repaired = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            var folded = stripped.AsSpan(0, FoldSpaces(stripped.AsSpan(0, StripMarks(raw, stripped))));
            return HasBreak(folded) ? new string(repaired, 0, RepairBreaks(folded, repaired)) : new string(folded);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(stripped);
            ArrayPool<char>.Shared.Return(repaired);
        }
    }

    private static bool HasBreak(ReadOnlySpan<char> text) => text.Contains("- ", StringComparison.Ordinal) || text.Contains("/ ", StringComparison.Ordinal);

    /// <summary>Steps 1 and 2: drops footnote marks and folds white space.</summary>
    public static string StripMarksAndFold(string text)
    {
        if (IsClean(text))
        {
            return text;
        }

        // Both steps only remove characters, so the result fits in a buffer of the input's length.
        var buffer = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            var length = StripMarks(text, buffer);
            length = FoldSpaces(buffer.AsSpan(0, length));
            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies the text without marks, turning every white-space character into a plain space.</summary>
    private static int StripMarks(string text, char[] buffer)
    {
        var length = 0;
        var i = 0;
        while (i < text.Length)
        {
            var next = text.AsSpan(i).IndexOfAny(MarksAndUnusualWhiteSpace);
            var end = next < 0 ? text.Length : i + next;
            text.AsSpan(i, end - i).CopyTo(buffer.AsSpan(length));
            length += end - i;
            if (end == text.Length)
            {
                break;
            }

            var c = text[end];
            i = end + 1;
            if (c == '^' && BraceMarkEnd(text, end) is var close and >= 0)
            {
                i = close + 1;
            }
            else if (c == '^')
            {
                // A caret that opens no footnote mark is ordinary text.
                buffer[length++] = c;
            }
            else if (char.IsWhiteSpace(c))
            {
                buffer[length++] = ' ';
            }
        }

        return length;
    }

    /// <summary>Collapses runs of spaces in place and trims them from both ends; returns the new length.</summary>
    private static int FoldSpaces(Span<char> text)
    {
        var first = text.IndexOfAnyExcept(' ');
        if (first < 0)
        {
            return 0;
        }

        var trimmed = text[first..(text.LastIndexOfAnyExcept(' ') + 1)];
        var length = 0;
        var i = 0;
        while (true)
        {
            // Copy up to and including the first space of the next run (moving left; CopyTo allows the overlap).
            var run = trimmed[i..].IndexOf("  ");
            var end = run < 0 ? trimmed.Length : i + run + 1;
            trimmed[i..end].CopyTo(text[length..]);
            length += end - i;
            if (run < 0)
            {
                return length;
            }

            // The text is trimmed, so a non-space follows every run.
            i = end + trimmed[end..].IndexOfAnyExcept(' ');
        }
    }

    /// <summary>No marks, no white space but single inner spaces: most cells of a clean document.</summary>
    private static bool IsClean(string text) =>
        !text.AsSpan().ContainsAny(MarksAndUnusualWhiteSpace)
        && !text.Contains("  ", StringComparison.Ordinal)
        && !text.StartsWith(' ')
        && !text.EndsWith(' ');

    /// <summary>
    /// A footnote paragraph starts with a footnote mark: <c>^{…}</c>, a superscript digit, or a single
    /// <c>*</c> (a double <c>**</c> is markdown bold, not a mark). Such paragraphs are never framework text.
    /// </summary>
    public static bool IsFootnoteParagraph(string trimmedLine) =>
        trimmedLine.StartsWith("^{", StringComparison.Ordinal)
        || (trimmedLine.Length > 0 && IsSuperscriptDigit(trimmedLine[0]))
        || (trimmedLine.StartsWith('*') && !trimmedLine.StartsWith("**", StringComparison.Ordinal));

    private static bool IsSuperscriptDigit(char c) => SuperscriptDigits.Contains(c);

    /// <summary>The index of the closing brace of a short "^{…}" mark starting at <paramref name="caret"/>, or -1.</summary>
    private static int BraceMarkEnd(string text, int caret)
    {
        if (caret + 1 >= text.Length || text[caret + 1] != '{')
        {
            return -1;
        }

        return text.IndexOf('}', caret + 2, Math.Min(MaxBraceMarkLength + 1, text.Length - caret - 2));
    }

    /// <summary>Folds white-space runs into one space and trims; used where marks are not an issue.</summary>
    public static string FoldWhiteSpace(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// Repairs each "X- Y" (letters, hyphen, one space, letters), deciding between three readings:
    /// <list type="bullet">
    /// <item>Y is a conjunction (and, or, nor, to): a real suspended hyphen, "short- and long-term"; keep as is.</item>
    /// <item>Y starts with a capital, or the document writes "X-Y" unbroken more often than "XY":
    /// a compound broken at its own hyphen, "system- level" → "system-level"; keep the hyphen, drop the space.</item>
    /// <item>otherwise a word broken at a syllable, "appro- priate" → "appropriate"; join.</item>
    /// </list>
    /// "X/ Y" is always closed up to "X/Y".
    /// </summary>
    /// <remarks>Expects folded white space (exactly one space after the mark).</remarks>
    /// <returns>The length of the repaired text written to <paramref name="output"/>.</returns>
    private int RepairBreaks(ReadOnlySpan<char> text, Span<char> output)
    {
        var length = 0;
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAny(BreakMarks);
            var mark = next < 0 ? text.Length : i + next;
            text[i..mark].CopyTo(output[length..]);
            length += mark - i;
            if (mark == text.Length)
            {
                break;
            }

            var keep = Repair(text, mark);
            keep.CopyTo(output[length..]);
            length += keep.Length;
            i = IsBreakAt(text, mark) ? mark + 2 : mark + 1;
        }

        return length;
    }

    /// <summary>What to write for the mark ('-' or '/') at <paramref name="mark"/> and the space after it, if any.</summary>
    private ReadOnlySpan<char> Repair(ReadOnlySpan<char> text, int mark)
    {
        if (!IsBreakAt(text, mark))
        {
            return text.Slice(mark, 1);
        }

        if (text[mark] == '/')
        {
            return "/";
        }

        var firstStart = Letters.RunStart(text, mark);
        var first = text[firstStart..mark];
        var second = text[(mark + 2)..Letters.RunEnd(text, mark + 2)];
        if (IsConjunction(second))
        {
            return "- ";
        }

        return char.IsUpper(second[0]) || evidence.Value.PrefersHyphen(first, second) ? "-" : string.Empty;
    }

    /// <summary>"letter, mark, one space, letter" with the mark at <paramref name="mark"/>.</summary>
    private static bool IsBreakAt(ReadOnlySpan<char> text, int mark) =>
        mark > 0 && mark + 2 < text.Length && text[mark + 1] == ' ' && char.IsLetter(text[mark - 1]) && char.IsLetter(text[mark + 2]);

    private static bool IsConjunction(ReadOnlySpan<char> word) =>
        Conjunctions.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
}
