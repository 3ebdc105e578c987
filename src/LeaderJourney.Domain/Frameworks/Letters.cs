using System.Buffers;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Finds runs of letters (char.IsLetter). The repair rules and the hyphenation evidence walk every
/// word of a document, so the ASCII majority is searched with vectorised span methods and only
/// non-ASCII characters are tested one at a time; the result is exact for all of Unicode.
/// </summary>
internal static class Letters
{
    private const string AsciiLetterChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<char> AsciiLetters = SearchValues.Create(AsciiLetterChars);

    private static readonly SearchValues<char> AsciiNonLetters = SearchValues.Create(
        new string(Enumerable.Range(0, 128).Select(c => (char)c).Where(c => !char.IsAsciiLetter(c)).ToArray()));

    /// <summary>The end (exclusive) of the letter run starting at <paramref name="start"/>.</summary>
    public static int RunEnd(ReadOnlySpan<char> text, int start)
    {
        var i = start;
        while (i < text.Length)
        {
            var offset = text[i..].IndexOfAnyExcept(AsciiLetters);
            if (offset < 0)
            {
                return text.Length;
            }

            i += offset;
            if (!char.IsLetter(text[i]))
            {
                return i;
            }

            i++;
        }

        return i;
    }

    /// <summary>The start of the letter run ending just before <paramref name="endExclusive"/>.</summary>
    public static int RunStart(ReadOnlySpan<char> text, int endExclusive)
    {
        var i = endExclusive;
        while (i > 0)
        {
            var index = text[..i].LastIndexOfAnyExcept(AsciiLetters);
            if (index < 0)
            {
                return 0;
            }

            if (!char.IsLetter(text[index]))
            {
                return index + 1;
            }

            i = index;
        }

        return 0;
    }

    /// <summary>The index of the first letter at or after <paramref name="from"/>, or the text's length.</summary>
    public static int Next(ReadOnlySpan<char> text, int from)
    {
        var i = from;
        while (i < text.Length)
        {
            var offset = text[i..].IndexOfAnyExcept(AsciiNonLetters);
            if (offset < 0)
            {
                return text.Length;
            }

            i += offset;
            if (char.IsLetter(text[i]))
            {
                return i;
            }

            i++;
        }

        return text.Length;
    }
}
