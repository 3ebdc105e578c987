using System.Globalization;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Derives the short codes of named domains (table documents), which also prefix their theme codes.
/// </summary>
/// <remarks>
/// <para>The rule, applied to the domain's readable name:</para>
/// <list type="number">
/// <item>Significant words are the name's words without "and", "of", "the", "for", "in", "a", "an",
/// "to" and "&amp;"; only the letters of each word count. ("Our" is significant: "Leading Our
/// Professions" is LOP.)</item>
/// <item>Three or more significant words: the initials of the first three
/// ("Social and Emotional Intelligence" → SEI, "Strategy and Fiscal Health" → SFH).</item>
/// <item>One or two significant words: the first three letters of those words written together
/// ("Advocacy" → ADV, "Governance and Leadership" → GOV; "IT Security" → ITS).</item>
/// <item>Upper-cased; a name without letters gets "DOM".</item>
/// <item>Collisions, in document order: the first domain keeps the code, the next ones get 2, 3, …
/// appended ("COM", "COM2").</item>
/// </list>
/// For the NEA framework this gives ADV, COM, GOV, LOP, ORG, SEI, SFH.
/// </remarks>
public static class DomainCodes
{
    private const int CodeLength = 3;
    private const string Fallback = "DOM";

    private static readonly HashSet<string> IgnoredWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "of", "the", "for", "in", "a", "an", "to",
    };

    /// <summary>The codes for the given domain names, in the same order, collisions resolved.</summary>
    public static IReadOnlyList<string> ForNames(IEnumerable<string> names)
    {
        // Base codes are letters only, so "ADV" + a number can never equal another base code.
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var codes = new List<string>();
        foreach (var name in names)
        {
            var baseCode = BaseCode(name);
            var count = seen.GetValueOrDefault(baseCode) + 1;
            seen[baseCode] = count;
            codes.Add(count == 1 ? baseCode : baseCode + count.ToString(CultureInfo.InvariantCulture));
        }

        return codes;
    }

    /// <summary>The code for one name, before collisions are resolved.</summary>
    public static string BaseCode(string name)
    {
        // Only the first three significant words can matter, so the name is not split further.
        var significant = new List<string>(CodeLength);
        foreach (var range in name.AsSpan().Split(' '))
        {
            var word = new string(name.AsSpan(range).ToArray().Where(char.IsLetter).ToArray());
            if (word.Length > 0 && !IgnoredWords.Contains(word))
            {
                significant.Add(word);
                if (significant.Count == CodeLength)
                {
                    break;
                }
            }
        }

        var code = significant.Count == CodeLength
            ? string.Concat(significant.Select(word => word[0]))
            : string.Concat(significant);

        return code.Length == 0
            ? Fallback
            : code[..Math.Min(CodeLength, code.Length)].ToUpperInvariant();
    }
}
