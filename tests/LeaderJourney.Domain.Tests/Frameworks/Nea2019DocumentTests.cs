using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

/// <summary>The 2019 single-domain NEA documents (000, 002, 004): tab-separated tables.</summary>
public sealed class Nea2019DocumentTests
{
    [Theory]
    [InlineData(TestDocuments.LeadingOurProfessions2019, "LOP", "Leading Our Professions", 4)]
    [InlineData(TestDocuments.Advocacy2019, "ADV", "Advocacy", 6)]
    [InlineData(TestDocuments.Organizing2019, "ORG", "Organizing", 6)]
    public void Holds_one_domain_with_its_themes(string file, string code, string name, int themes)
    {
        var framework = TestDocuments.ParseSeed(file);

        framework.Domains.Should().ContainSingle();
        framework.Domains[0].Code.Should().Be(code);
        framework.Domains[0].Name.Should().Be(name);
        framework.Domains[0].Themes.Should().HaveCount(themes);
        framework.Domains[0].Themes.Select(theme => theme.Code).Should().Equal(Enumerable.Range(1, themes).Select(n => $"{code}.{n}"));
        framework.LevelScale.Select(level => level.Name).Should().Equal("Foundational", "Mobilizing and Power Building", "Agenda Driving");
        framework.AllThemes().SelectMany(theme => theme.Levels)
            .Should().HaveCount(themes * 3)
            .And.OnlyContain(level => level.Descriptor.Length > 0 && level.Considerations.Length > 0);
    }

    [Fact]
    public void The_theme_split_over_two_rows_has_training_considerations_on_all_three_levels()
    {
        var theme = TestDocuments.ParseSeed(TestDocuments.LeadingOurProfessions2019).Theme("LOP.4");

        theme.Title.Should().Be("Analyzes and applies research to determine the potential impact on our professions and the learning of all students");
        theme.Levels.Select(level => level.Descriptor).Should().Equal(
            "Understands how to identify high-quality qualitative and quantitative research and how research informs the programs and policies that affect our professions and the learning of all students using a race equity lens",
            "Understands how to help others utilize research to inform decision-making and the development of effective and equitable programs and policy content to strengthen our professions and the learning of all students",
            "Leverages the resources of the organization to collaborate with internal and external stakeholders to analyze, evaluate and communicate education research to strengthen our professions and the learning of all students using a race equity lens");
        theme.Levels[0].Considerations.Should().StartWith("Develops an understanding of how to find, evaluate, and use high-quality research");
        theme.Levels[1].Considerations.Should().StartWith("Engages with others to understand the appropriate use of research");
        theme.Levels[2].Considerations.Should().StartWith("Lead the development, implementation and evaluation of system-level strategies");
    }

    [Fact]
    public void Superscript_footnote_marks_are_dropped_from_descriptions_and_titles()
    {
        var domain = TestDocuments.ParseSeed(TestDocuments.LeadingOurProfessions2019).Domains[0];

        domain.Description.Should().EndWith("and equitable access to opportunities.");
        domain.Themes[3].Title.Should().EndWith("the learning of all students");
    }

    [Fact]
    public void Unmarked_note_paragraphs_after_a_table_are_not_part_of_the_domain()
    {
        var text = TestDocuments.ParseSeed(TestDocuments.LeadingOurProfessions2019).AllText();

        text.Should().NotContain(value => value.Contains("race equity lens is a transformative approach") || value.Contains("Representative of the experiences"));
    }

    [Fact]
    public void Hyphenation_in_the_organizing_document_is_repaired()
    {
        var framework = TestDocuments.ParseSeed(TestDocuments.Organizing2019);

        framework.Theme("ORG.5").Title.Should().Be("Creates conditions for continuous Association growth and strength");
        framework.Theme("ORG.6").Title.Should().Be("Fosters the development of leaders at all levels of the organization");
    }

    [Fact]
    public void Suspended_hyphens_are_kept()
    {
        TestDocuments.ParseSeed(TestDocuments.Advocacy2019).Theme("ADV.6").Levels[0].Considerations
            .Should().Contain("short- and long-term goals");
        TestDocuments.ParseSeed(TestDocuments.LeadingOurProfessions2019).Theme("LOP.2").Levels[1].Considerations
            .Should().Contain("member- and Association-led solutions");
    }
}
