using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Http;
using Microsoft.Extensions.Localization;

namespace LeaderJourney.Web;

/// <summary>
/// Says Core's English sentences in the request's language, from the same translations as the pages
/// (<see cref="Texts"/>). A sentence is looked up as it is; one made with values in it ("Level 2 of
/// ADV.1 is not attained.") is matched against the translations' patterns ("Level {0} of {1} is not
/// attained."), and the values are put into the translation, each said in turn (a refusal inside an
/// import row's error, say). Ours because the sentences are made where the rules are, in English,
/// and a pattern keeps each translation in one place instead of threading a localizer into the domain.
/// </summary>
public sealed partial class TranslatedSentences : ISentences
{
    private readonly IStringLocalizer<Texts> _texts;
    private readonly Lazy<IReadOnlyList<Pattern>> _patterns;

    /// <summary>An English sentence with placeholders, as a regular expression: group <c>v0</c> holds the value of {0}, and so on.</summary>
    private sealed record Pattern(Regex English, string Key, int Count, bool FragmentOnly);

    private const int MaxMatched = 400;

    public TranslatedSentences(IStringLocalizer<Texts> texts)
    {
        _texts = texts;
        // Not cached when it fails: the next sentence tries again.
        _patterns = new(LoadPatterns, LazyThreadSafetyMode.PublicationOnly);
    }

    public string Say(string english) => Say(english, depth: 0);

    private string Say(string english, int depth)
    {
        if (english.Length == 0 || CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en") return english;
        var found = _texts[english];
        if (!found.ResourceNotFound) return found.Value;
        // Words kept once, as said inside a sentence ("the name") or opening one ("The justification"), are said the
        // other way too, their first letter's case following the English (resource names differing in case alone clash).
        var flipped = char.IsUpper(english[0]) ? char.ToLowerInvariant(english[0]) : char.ToUpperInvariant(english[0]);
        if (flipped != english[0] && _texts[flipped + english[1..]] is { ResourceNotFound: false, Value.Length: > 0 } other)
            return (char.IsUpper(english[0]) ? char.ToUpper(other.Value[0], CultureInfo.CurrentCulture) : char.ToLower(other.Value[0], CultureInfo.CurrentCulture)) + other.Value[1..];
        // Sentences of the code's are short; a long one carries something typed, and is not taken apart.
        if (depth > 2 || english.Length > MaxMatched) return english;
        foreach (var pattern in _patterns.Value)
        {
            // A pattern that ends in a bare value ("Level {0}") says a fragment, not a sentence: it serves
            // the values inside a sentence, never a whole sentence of its own ("Level 3 requires ...").
            if (depth == 0 && pattern.FragmentOnly) continue;
            Match match;
            try { match = pattern.English.Match(english); }
            catch (RegexMatchTimeoutException) { continue; }
            if (!match.Success) continue;
            var values = Enumerable.Range(0, pattern.Count).Select(i => (object)Say(match.Groups["v" + i].Value, depth + 1)).ToArray();
            return string.Format(CultureInfo.CurrentCulture, _texts[pattern.Key].Value, values);
        }
        return english;
    }

    /// <summary>Every translation with placeholders, as a pattern over the English; the most specific (most words of its own) first.</summary>
    private IReadOnlyList<Pattern> LoadPatterns()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = Texts.Languages[1];
            return _texts.GetAllStrings(includeParentCultures: false)
                .Select(s => s.Name)
                .Where(name => Placeholder().IsMatch(name) && !MatchesAnything(name))
                .OrderByDescending(name => Placeholder().Replace(name, "").Length)
                .Select(PatternOf)
                .ToList();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    /// <summary>
    /// "{0} of {1}" would match half the sentences there are, and turn what it matched into nonsense:
    /// a pattern that starts and ends with a value needs a few words of its own.
    /// </summary>
    private static bool MatchesAnything(string key) =>
        key.StartsWith('{') && key.EndsWith('}') && Placeholder().Replace(key, "").Count(char.IsLetter) < 6;

    private static Pattern PatternOf(string key)
    {
        var regex = new StringBuilder("^");
        var (last, seen) = (0, new HashSet<int>());
        foreach (Match placeholder in Placeholder().Matches(key))
        {
            var number = int.Parse(placeholder.Groups[1].Value, CultureInfo.InvariantCulture);
            regex.Append(Regex.Escape(key[last..placeholder.Index]))
                // A value said twice must be the same text both times.
                .Append(seen.Add(number) ? $"(?<v{number}>.*?)" : $"\\k<v{number}>");
            last = placeholder.Index + placeholder.Length;
        }
        regex.Append(Regex.Escape(key[last..])).Append('$');
        // A sentence may carry what someone typed (a long name, say): a pattern with several values
        // could take long to give up on it, so it gets a moment, then counts as no match.
        return new Pattern(new Regex(regex.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50)),
            key, seen.Count == 0 ? 0 : seen.Max() + 1,
            FragmentOnly: key.EndsWith('}') && !key.Contains(": ", StringComparison.Ordinal) && Placeholder().Replace(key, "").Count(char.IsLetter) < 10);
    }

    [GeneratedRegex(@"\{(\d+)(?::[^}]*)?\}")]
    private static partial Regex Placeholder();
}
