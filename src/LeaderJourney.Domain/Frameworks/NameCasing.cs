using System.Buffers;
using System.Text;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Turns names printed in capitals ("LEADING OUR PROFESSIONS") into readable title case
/// ("Leading Our Professions"). Names that already contain a lower-case letter are left as written.
/// </summary>
/// <remarks>
/// Title case: every word capitalised (also each part of "SELF-AWARENESS"), except the small words
/// a, an, and, as, at, by, for, in, nor, of, on, or, the, to, with, which stay lower case unless first.
/// Acronyms: a word stays in capitals when the document itself writes it in capitals as a whole
/// word in running text, i.e. somewhere on a line its neighbouring words are not in capitals and
/// one of them has lower-case letters ("for BPS leaders"). That tells "BPS" from "SET" without a word
/// list, and ignores headings and shouted names ("1. LEAD WITH EQUITY: Use ...").
/// The acronyms are gathered in one linear pass over the document, the first time a name in
/// capitals needs them.
/// </remarks>
internal sealed class NameCasing(string documentText)
{
    /// <summary>ASCII other than the capitals: searching past it stops at every capital and every non-ASCII character.</summary>
    private static readonly SearchValues<char> NotAsciiCapitals = SearchValues.Create(
        new string(Enumerable.Range(0, 128).Select(c => (char)c).Where(c => !char.IsAsciiLetterUpper(c)).ToArray()));

    private static readonly HashSet<string> SmallWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "an", "and", "as", "at", "by", "for", "in", "nor", "of", "on", "or", "the", "to", "with",
    };

    private readonly Lazy<HashSet<string>> acronyms = new(() => FindAcronyms(documentText));

    public string Readable(string name)
    {
        if (name.Any(char.IsLower))
        {
            return name;
        }

        var result = new StringBuilder(name.Length);
        var first = true;
        foreach (var range in name.AsSpan().Split(' '))
        {
            if (!first)
            {
                result.Append(' ');
            }

            AppendReadableWord(result, name.AsSpan(range), first);
            first = false;
        }

        return result.ToString();
    }

    private void AppendReadableWord(StringBuilder result, ReadOnlySpan<char> word, bool isFirst)
    {
        // Only the letters decide ("(BPS)" is the acronym BPS); most words are letters only.
        Span<char> buffer = word.Length <= 64 ? stackalloc char[word.Length] : new char[word.Length];
        var length = 0;
        foreach (var c in word)
        {
            if (char.IsLetter(c))
            {
                buffer[length++] = c;
            }
        }

        var core = buffer[..length];
        if (IsAcronym(core))
        {
            result.Append(word);
        }
        else if (!isFirst && length == word.Length && SmallWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(core))
        {
            AppendLowerCase(result, word);
        }
        else
        {
            AppendCapitalised(result, word);
        }
    }

    private bool IsAcronym(ReadOnlySpan<char> word) =>
        word.Length >= 2 && acronyms.Value.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);

    private static HashSet<string> FindAcronyms(string text)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var offset = text.AsSpan(i).IndexOfAnyExcept(NotAsciiCapitals);
            if (offset < 0)
            {
                break;
            }

            i += offset;
            if (!char.IsUpper(text[i]) || (i > 0 && char.IsLetter(text[i - 1])))
            {
                i++;
                continue;
            }

            // A word starting with a capital: is it all capitals, standing alone in running text?
            var end = Letters.RunEnd(text, i);
            var isCapitals = end - i >= 2 && IsAllUpper(text.AsSpan(i, end - i));
            if (isCapitals)
            {
                var before = Neighbour(text, i, step: -1);
                var after = Neighbour(text, end - 1, step: 1);
                if (before != Kind.Capitals && after != Kind.Capitals && (before == Kind.LowerCase || after == Kind.LowerCase))
                {
                    found.Add(text[i..end]);
                }
            }

            i = end;
        }

        return found;
    }

    private static bool IsAllUpper(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    private enum Kind
    {
        None,
        Capitals,
        LowerCase,
        Other,
    }

    /// <summary>What kind of word is next to the word at <paramref name="from"/> in direction <paramref name="step"/>, on the same line.</summary>
    private static Kind Neighbour(string text, int from, int step)
    {
        var i = from + step;
        while (i >= 0 && i < text.Length && !char.IsLetter(text[i]))
        {
            if (text[i] is '\n' or '\r')
            {
                return Kind.None;
            }

            i += step;
        }

        var letters = 0;
        var upper = 0;
        var lower = false;
        for (; i >= 0 && i < text.Length && char.IsLetter(text[i]); i += step)
        {
            letters++;
            upper += char.IsUpper(text[i]) ? 1 : 0;
            lower |= char.IsLower(text[i]);
        }

        return letters switch
        {
            0 => Kind.None,
            >= 2 when upper == letters => Kind.Capitals,
            _ => lower ? Kind.LowerCase : Kind.Other,
        };
    }

    private static void AppendLowerCase(StringBuilder result, ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            result.Append(char.ToLowerInvariant(c));
        }
    }

    /// <summary>Lower-cases a word and capitalises the first letter of each of its parts ("SELF-AWARENESS" → "Self-Awareness").</summary>
    private static void AppendCapitalised(StringBuilder result, ReadOnlySpan<char> word)
    {
        var startOfPart = true;
        foreach (var c in word)
        {
            if (char.IsLetter(c))
            {
                result.Append(startOfPart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
                startOfPart = false;
            }
            else
            {
                result.Append(c);
                startOfPart = c is '-' or '/' or '(';
            }
        }
    }
}
