using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using Microsoft.AspNetCore.Html;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// A sentence said in the page's language with the framework's own words inside it (a theme's title, a
/// domain's name), which are English: on a Spanish page each is marked <c>lang="en"</c>, so a screen reader
/// reads it in English's voice rather than spelling English words the Spanish way (WCAG's language of parts).
/// The text itself is left to the page's encoder.
/// </summary>
public static class FrameworkMarks
{
    public static IHtmlContent Mark(string sentence, CodeWords words) => Mark(sentence, words.Titles.Values);

    /// <param name="titles">The framework's titles and names that may stand in the sentence.</param>
    public static IHtmlContent Mark(string sentence, IEnumerable<string> titles)
    {
        var content = new HtmlContentBuilder();
        if (Texts.FrameworkLanguage is not { } language) return content.Append(sentence);
        // Longest first, each once where it overlaps no word already found: a domain's name inside a theme's title goes with the title.
        var found = new List<(int At, int Length)>();
        foreach (var title in titles.Where(t => t.Length > 0).Distinct().OrderByDescending(t => t.Length))
        {
            for (var at = sentence.IndexOf(title, StringComparison.Ordinal); at >= 0; at = sentence.IndexOf(title, at + 1, StringComparison.Ordinal))
                if (!found.Any(f => at < f.At + f.Length && f.At < at + title.Length)) { found.Add((at, title.Length)); break; }
        }
        var from = 0;
        foreach (var (at, length) in found.OrderBy(f => f.At))
        {
            content.Append(sentence[from..at]).AppendHtml($"<span lang=\"{language}\">").Append(sentence.Substring(at, length)).AppendHtml("</span>");
            from = at + length;
        }
        return content.Append(sentence[from..]);
    }

    /// <summary>Several such sentences, apart by <paramref name="separator"/> (a candidate's gaps, say).</summary>
    public static IHtmlContent MarkAll(IEnumerable<string> sentences, string separator, CodeWords words)
    {
        var all = new HtmlContentBuilder();
        var first = true;
        foreach (var sentence in sentences)
        {
            if (!first) all.Append(separator);
            all.AppendHtml(Mark(sentence, words));
            first = false;
        }
        return all;
    }
}
