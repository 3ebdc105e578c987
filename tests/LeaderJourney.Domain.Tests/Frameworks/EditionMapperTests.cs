using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

// Inside LeaderJourney.*, a bare "Domain" names the LeaderJourney.Domain namespace.
using Domain = LeaderJourney.Domain.Frameworks.Domain;

public sealed class EditionMapperTests
{
    private static readonly Lazy<Framework> Nea2019 = new(() => Framework.Merge(
        null,
        TestDocuments.ParseSeed(TestDocuments.LeadingOurProfessions2019),
        TestDocuments.ParseSeed(TestDocuments.Advocacy2019),
        TestDocuments.ParseSeed(TestDocuments.Organizing2019)));

    private static readonly Lazy<EditionMapping> Nea2019To2020 = new(() =>
        EditionMapper.Map(Nea2019.Value, TestDocuments.ParseSeed(TestDocuments.Nea2020)));

    [Fact]
    public void Every_2019_theme_maps_to_the_2020_theme_with_the_same_code()
    {
        var mapping = Nea2019To2020.Value;

        mapping.Matches.Should().HaveCount(16);
        mapping.Matches.Select(match => match.EarlierCode).Should().Equal(Nea2019.Value.AllThemes().Select(theme => theme.Code));
        mapping.Matches.Should().OnlyContain(match => match.LaterCode == match.EarlierCode && match.TitleSimilarity == 1);
        mapping.RemovedThemes.Should().BeEmpty();
        mapping.AddedThemes.Should().BeEmpty();
        mapping.RemovedDomains.Should().BeEmpty();
    }

    [Fact]
    public void The_four_domains_new_in_2020_are_added_domains_not_added_themes()
    {
        Nea2019To2020.Value.AddedDomains.Should().Equal(
            new DomainReference("COM", "Communication"),
            new DomainReference("GOV", "Governance and Leadership"),
            new DomainReference("SEI", "Social and Emotional Intelligence"),
            new DomainReference("SFH", "Strategy and Fiscal Health"));
    }

    [Fact]
    public void Reports_which_themes_were_reworded_and_at_which_levels()
    {
        // The considerations label changed from "Training" to "Learning", but the label is not text:
        // only these themes' wording really changed (e.g. LOP.3 level 1 considerations were rewritten,
        // LOP.1 level 3 says "career" instead of "professional" continuums).
        var changed = Nea2019To2020.Value.Matches
            .Where(match => match.Change != ThemeChange.Unchanged)
            .Select(match => (match.EarlierCode, match.Change, string.Join(',', match.ChangedLevels)));

        changed.Should().Equal(
            ("LOP.1", ThemeChange.Reworded, "2,3"),
            ("LOP.2", ThemeChange.Reworded, "1,2"),
            ("LOP.3", ThemeChange.Reworded, "1,2"),
            ("ORG.2", ThemeChange.Reworded, "1"),
            ("ORG.4", ThemeChange.Reworded, "2"));
        Nea2019To2020.Value.Matches.Should().NotContain(match => match.Change.HasFlag(ThemeChange.Renamed));
    }

    [Fact]
    public void Renamed_theme_matches_by_near_title()
    {
        var earlier = Edition("SAF", ("Reports hazards at the worksite promptly", "A"), ("Trains new staff", "B"));
        var later = Edition("SAF", ("Trains new staff", "B"), ("Reports workplace hazards at the worksite promptly", "A"));

        var mapping = EditionMapper.Map(earlier, later);

        mapping.Matches.Should().HaveCount(2);
        var renamed = mapping.Matches[0];
        (renamed.EarlierCode, renamed.LaterCode, renamed.Change).Should().Be(("SAF.1", "SAF.2", ThemeChange.Renamed));
        renamed.TitleSimilarity.Should().BeApproximately(6.0 / 7, 1e-9);
        mapping.Matches[1].Change.Should().Be(ThemeChange.Unchanged);
    }

    [Fact]
    public void Title_differences_of_case_punctuation_and_spacing_are_not_a_rename()
    {
        var mapping = EditionMapper.Map(
            Edition("SAF", ("Reports hazards, promptly", "A")),
            Edition("SAF", ("reports  hazards promptly.", "A")));

        mapping.Matches.Should().ContainSingle().Which.Change.Should().Be(ThemeChange.Unchanged);
    }

    [Fact]
    public void Renamed_and_reworded_at_once_sets_both_flags()
    {
        var mapping = EditionMapper.Map(
            Edition("SAF", ("Reports hazards at the worksite promptly", "A")),
            Edition("SAF", ("Reports all hazards at the worksite promptly", "A, B")));

        var match = mapping.Matches.Should().ContainSingle().Subject;
        match.Change.Should().Be(ThemeChange.Renamed | ThemeChange.Reworded);
        match.ChangedLevels.Should().Equal(1);
    }

    [Fact]
    public void Titles_below_the_threshold_are_a_removal_and_an_addition()
    {
        var mapping = EditionMapper.Map(
            Edition("SAF", ("Reports hazards", "A")),
            Edition("SAF", ("Leads safety committees", "A")));

        mapping.Matches.Should().BeEmpty();
        mapping.RemovedThemes.Should().Equal(new ThemeReference("SAF.1", "Reports hazards"));
        mapping.AddedThemes.Should().Equal(new ThemeReference("SAF.1", "Leads safety committees"));
    }

    [Fact]
    public void Near_matches_are_one_to_one_and_the_best_pair_wins()
    {
        var mapping = EditionMapper.Map(
            Edition("SAF", ("Reports hazards at work", "A"), ("Reports hazards at the worksite", "B")),
            Edition("SAF", ("Reports hazards at the worksite now", "C")));

        mapping.Matches.Should().ContainSingle().Which.EarlierCode.Should().Be("SAF.2");
        mapping.RemovedThemes.Select(theme => theme.Code).Should().Equal("SAF.1");
    }

    [Fact]
    public void Themes_match_only_within_the_same_domain_code()
    {
        var mapping = EditionMapper.Map(
            Edition("SAF", ("Reports hazards", "A")),
            Edition("WEL", ("Reports hazards", "A")));

        mapping.Matches.Should().BeEmpty();
        mapping.RemovedDomains.Should().Equal(new DomainReference("SAF", "SAF domain"));
        mapping.AddedDomains.Should().Equal(new DomainReference("WEL", "WEL domain"));
        mapping.AddedThemes.Should().BeEmpty();
        mapping.RemovedThemes.Should().BeEmpty();
    }

    [Fact]
    public void A_level_present_in_one_edition_only_is_a_rewording()
    {
        var earlier = Edition("SAF", ("Reports hazards", "A"));
        var later = earlier with
        {
            Domains = [earlier.Domains[0] with { Themes = [earlier.Domains[0].Themes[0] with { Levels = [.. earlier.Domains[0].Themes[0].Levels, new ThemeLevel(2, "Advanced", "X", "Y")] }] }],
        };

        EditionMapper.Map(earlier, later).Matches.Single().ChangedLevels.Should().Equal(2);
    }

    [Theory]
    [InlineData("Leads public education policy reform", "Leads public education policy reforms", 4.0 / 6)]
    [InlineData("Acts as a political advocate", "Acts as political advocate", 4.0 / 5)]
    [InlineData("Supports financial health", "Supports fiscal health", 2.0 / 4)]
    public void Title_similarity_is_token_set_jaccard(string first, string second, double expected)
    {
        EditionMapper.TitleSimilarity(first, second).Should().BeApproximately(expected, 1e-9);
    }

    private static Framework Edition(string code, params (string Title, string Descriptor)[] themes) =>
        new(null, [new Level(1, "Basic")],
        [
            new Domain(code, $"{code} domain", "",
                themes.Select((theme, i) => new Theme($"{code}.{i + 1}", theme.Title, [new ThemeLevel(1, "Basic", theme.Descriptor, "")])).ToArray()),
        ]);
}
