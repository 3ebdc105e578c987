using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

/// <summary>The 2020 NEA framework (001): all seven domains in markdown tables.</summary>
public sealed class Nea2020DocumentTests
{
    private static readonly Framework Nea = TestDocuments.ParseSeed(TestDocuments.Nea2020);

    [Fact]
    public void Has_the_seven_domains_with_their_codes_and_readable_names()
    {
        Nea.Domains.Select(domain => (domain.Code, domain.Name)).Should().Equal(
            ("ADV", "Advocacy"),
            ("COM", "Communication"),
            ("GOV", "Governance and Leadership"),
            ("LOP", "Leading Our Professions"),
            ("ORG", "Organizing"),
            ("SEI", "Social and Emotional Intelligence"),
            ("SFH", "Strategy and Fiscal Health"));
    }

    [Fact]
    public void Has_33_themes_spread_over_the_domains_as_printed()
    {
        Nea.AllThemes().Should().HaveCount(33);
        Nea.Domains.ToDictionary(domain => domain.Code, domain => domain.Themes.Count).Should().Equal(new Dictionary<string, int>
        {
            ["ADV"] = 6, ["COM"] = 2, ["GOV"] = 5, ["LOP"] = 4, ["ORG"] = 6, ["SEI"] = 5, ["SFH"] = 5,
        });
    }

    [Fact]
    public void Theme_codes_number_each_domain_in_document_order()
    {
        foreach (var domain in Nea.Domains)
        {
            domain.Themes.Select(theme => theme.Code).Should().Equal(
                Enumerable.Range(1, domain.Themes.Count).Select(n => $"{domain.Code}.{n}"));
        }
    }

    [Fact]
    public void Level_scale_is_read_from_the_header_rows()
    {
        Nea.LevelScale.Should().Equal(
            new Level(1, "Foundational"),
            new Level(2, "Mobilizing and Power Building"),
            new Level(3, "Agenda Driving"));
    }

    [Fact]
    public void Every_theme_has_three_levels_each_with_descriptor_and_considerations()
    {
        foreach (var theme in Nea.AllThemes())
        {
            theme.Levels.Select(level => (level.Number, level.Name)).Should().Equal(
                [(1, "Foundational"), (2, "Mobilizing and Power Building"), (3, "Agenda Driving")], theme.Code);
            theme.Levels.Should().OnlyContain(level => level.Descriptor.Length > 0 && level.Considerations.Length > 0, theme.Code);
        }
    }

    [Fact]
    public void Domain_descriptions_are_the_paragraph_under_the_heading_without_footnote_marks()
    {
        Nea.Domain("ADV").Description.Should().Be(
            "Advances the cause of public education through advocacy for students, including addressing racial and social justice in education and how it benefits students and members' professional needs and rights.");
        Nea.Domains.Should().OnlyContain(domain => domain.Description.Length > 0);
    }

    [Theory]
    [InlineData("COM.2", "Identifies and utilizes appropriate messages in acting as a compelling advocate for the organization")]
    [InlineData("ORG.5", "Creates conditions for continuous Association growth and strength")]
    [InlineData("ORG.6", "Fosters the development of leaders at all levels of the organization")]
    [InlineData("ORG.2", "Builds and maintains meaningful community partnerships")]
    [InlineData("LOP.4", "Analyzes and applies research to determine the potential impact on our professions and the learning of all students")]
    [InlineData("GOV.5", "Ongoing commitment to personal and organizational culturally relevant leadership development (cultural intelligence, cultural competency, cross-cultural networking)")]
    [InlineData("SFH.5", "Utilizes data and analyzes trends to inform decision-making")]
    public void Titles_are_repaired(string code, string title)
    {
        Nea.Theme(code).Title.Should().Be(title);
    }

    [Fact]
    public void The_split_header_table_continues_its_domain()
    {
        // LOP's second table and SEI's second table have the header "Competency / Theme" over two rows.
        Nea.Theme("SEI.3").Title.Should().Be("Understand the perspectives of and empathize with others, including those from diverse backgrounds, cultures, and contexts");
        Nea.Theme("SEI.3").Levels.Should().HaveCount(3);
    }

    [Fact]
    public void The_table_whose_separator_follows_its_first_row_keeps_that_row_as_a_theme()
    {
        Nea.Theme("SFH.4").Title.Should().Be("Supports financial health");
        Nea.Theme("SFH.4").Levels[0].Descriptor.Should().StartWith("Gains basic finance and accounting knowledge");
    }

    [Fact]
    public void A_compound_broken_at_its_hyphen_keeps_the_hyphen_because_the_document_prints_it_elsewhere()
    {
        Nea.Theme("LOP.4").Levels[2].Considerations.Should().Contain("evaluation of system-level strategies");
    }

    [Fact]
    public void Words_broken_at_a_syllable_are_joined()
    {
        var text = string.Join(' ', Nea.AllText());
        text.Should().Contain("effectively for public education")
            .And.Contain("diverse communities to garner")
            .And.Contain("partnerships/relationships")
            .And.Contain("race-inclusive")
            .And.NotContain("appro-")
            .And.NotContain("condi-");
    }

    [Fact]
    public void No_text_keeps_hyphenation_leftovers_except_suspended_hyphens()
    {
        foreach (var text in Nea.AllText())
        {
            var index = text.IndexOf("- ", StringComparison.Ordinal);
            while (index >= 0)
            {
                text[(index + 2)..].Should().MatchRegex("^(and|or|to) ", $"'- ' must be a suspended hyphen in: {text}");
                index = text.IndexOf("- ", index + 1, StringComparison.Ordinal);
            }
        }

        string.Join(' ', Nea.AllText()).Should().Contain("short- and long-term goals");
    }

    [Fact]
    public void No_text_keeps_footnote_marks_or_labels()
    {
        foreach (var text in Nea.AllText())
        {
            text.Should().NotContain("*").And.NotContain("^{").And.NotContainAny("⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹");
            text.Should().NotContain("  ").And.Be(text.Trim());
        }

        Nea.AllThemes().SelectMany(theme => theme.Levels).Should().OnlyContain(level =>
            !level.Descriptor.Contains("Considerations") && !level.Considerations.Contains("Considerations"));
    }

    [Fact]
    public void Footnote_paragraphs_between_tables_are_not_framework_text()
    {
        Nea.AllText().Should().NotContain(text => text.Contains("A race equity lens is a transformative approach"));
    }

    [Fact]
    public void Descriptor_and_considerations_are_split_at_the_label()
    {
        var level = Nea.Theme("ADV.1").Levels[0];
        level.Descriptor.Should().Be("Identifies and discusses fundamentals of advocacy practice and theory");
        level.Considerations.Should().Be(
            "Understands key concepts that prepares leader to advocate effectively for public education in a manner that garners widespread support; learns how to identify issues");
    }

    [Fact]
    public void States_no_framework_name()
    {
        Nea.Name.Should().BeNull();
    }
}
