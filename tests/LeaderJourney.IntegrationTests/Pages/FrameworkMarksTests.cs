using System.Globalization;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Web.Pages;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>The framework's English words inside a sentence of a Spanish page are marked as English, and only there.</summary>
public sealed class FrameworkMarksTests
{
    private static readonly CodeWords Words = new(
        new Dictionary<string, string> { ["ADV"] = "Advocacy", ["ADV.1"] = "Advocacy & political action", ["COM.1"] = "Messages" },
        new Dictionary<string, string> { ["ADV.1"] = "ADV", ["COM.1"] = "COM" });

    private static string Said(string sentence, string culture)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            using var html = new StringWriter();
            FrameworkMarks.Mark(sentence, Words).WriteTo(html, System.Text.Encodings.Web.HtmlEncoder.Default);
            return html.ToString();
        }
        finally { CultureInfo.CurrentUICulture = before; }
    }

    [Fact]
    public void On_a_Spanish_page_each_title_is_marked_once_the_longest_whole()
    {
        Said("Advocacy: necesita el Nivel 2 en Advocacy & political action", "es").Should().Be(
            "<span lang=\"en\">Advocacy</span>: necesita el Nivel 2 en <span lang=\"en\">Advocacy &amp; political action</span>");
    }

    [Fact]
    public void A_domain_named_after_a_title_that_holds_its_name_is_marked_where_it_stands_alone()
    {
        Said("Nivel 2 en Advocacy & political action; Advocacy: nivel 1", "es").Should().Be(
            "Nivel 2 en <span lang=\"en\">Advocacy &amp; political action</span>; <span lang=\"en\">Advocacy</span>: nivel 1");
    }

    [Fact]
    public void On_an_English_page_the_sentence_is_only_encoded()
    {
        Said("Advocacy: needs <b>Level 2</b> in Messages", "en").Should().Be("Advocacy: needs &lt;b&gt;Level 2&lt;/b&gt; in Messages");
    }
}
