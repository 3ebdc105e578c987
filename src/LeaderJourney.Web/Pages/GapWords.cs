using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Succession;
using Microsoft.Extensions.Localization;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// A candidate's gap as the board's and staff's pages say it: the sentence (<see cref="CodeWords.Gap"/>), and for a domain's
/// gap the themes still below the level, when the report knows them, so that staff can plan the trainings by theme.
/// </summary>
public static class GapWords
{
    public static string Of(Gap gap, CodeWords words, ISentences sentences, IStringLocalizer texts) =>
        Of(gap.ThemeCode, gap.DomainCode, gap.Required, gap.Current, gap.Below, words, sentences, texts);

    public static string Of(LeaderJourney.Core.Succession.Reports.GapView gap, CodeWords words, ISentences sentences, IStringLocalizer texts) =>
        Of(gap.ThemeCode, gap.DomainCode, gap.Required, gap.Current, gap.Below, words, sentences, texts);

    private static string Of(string? themeCode, string? domainCode, int required, int current, IReadOnlyList<string>? below, CodeWords words, ISentences sentences, IStringLocalizer texts) =>
        sentences.Say(words.Gap(themeCode, domainCode, required, current))
        + (below is { Count: > 0 } ? $". {texts["Below it ({0}):", below.Count]} {string.Join(" · ", below.Select(words.Of))}" : "");
}
