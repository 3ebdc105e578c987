using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

/// <summary>
/// Documents written for these tests, with invented domains, a four-level scale and the artifacts
/// of the seeds in new places: the parser must not depend on the NEA wording.
/// </summary>
public sealed class OwnDocumentTests
{
    [Fact]
    public void Tab_separated_document_with_title_two_domains_and_four_levels()
    {
        var framework = TestDocuments.ParseOwn("steward_framework_tabs.txt");

        framework.Name.Should().Be("Union Steward Leadership Framework");
        framework.LevelScale.Should().Equal(new Level(1, "Emerging"), new Level(2, "Developing"), new Level(3, "Leading"), new Level(4, "Transforming"));
        framework.Domains.Select(domain => (domain.Code, domain.Name)).Should().Equal(
            ("COL", "Collective Bargaining"),
            ("MEO", "Member Engagement and Outreach"));
        framework.Domain("COL").Description.Should().Be(
            "Prepares, conducts and enforces agreements that secure fair pay and working conditions for every member. Bargaining is a year-round, member-driven activity.");
        framework.Domain("MEO").Description.Should().Be(
            "Builds relationships with members and potential members so that the union grows in numbers and in activity.");
    }

    [Fact]
    public void Tab_separated_document_keeps_tables_after_notes_in_their_domain()
    {
        var framework = TestDocuments.ParseOwn("steward_framework_tabs.txt");

        framework.Domain("COL").Themes.Select(theme => theme.Title).Should().Equal(
            "Prepares for negotiation using member surveys and cost data",
            "Enforces the agreement at the worksite",
            "Communicates bargaining progress to members");
        framework.Domain("MEO").Themes.Select(theme => theme.Title).Should().Equal(
            "Holds one-to-one conversations with members",
            "Welcomes new hires");
        framework.AllText().Should().NotContain(text => text.Contains("Glossary") || text.Contains("Fair pay includes") || text.Contains("Potential members are"));
    }

    [Fact]
    public void Tab_separated_document_applies_every_repair()
    {
        var framework = TestDocuments.ParseOwn("steward_framework_tabs.txt");
        var first = framework.Theme("COL.1");

        first.Levels[2].Considerations.Should().Be("Leads pre- and post-bargaining debriefs");
        first.Levels[3].Considerations.Should().Be("Coaches teams on contract-level costing models", "the document prints 'contract-level' elsewhere");
        first.Levels[0].Should().Be(new ThemeLevel(1, "Emerging", "Collects survey data", "Learns survey design"));
    }

    [Fact]
    public void Tab_separated_continuation_row_adds_considerations_to_every_level()
    {
        var theme = TestDocuments.ParseOwn("steward_framework_tabs.txt").Theme("COL.2");

        theme.Levels.Select(level => (level.Descriptor, level.Considerations)).Should().Equal(
            ("Files a grievance with support", "Reads the contract and grievance procedure"),
            ("Represents members in grievance meetings", "Practices investigation interviews"),
            ("Leads arbitration preparation", "Studies arbitration awards"),
            ("Designs enforcement campaigns", "Evaluates enforcement data across locals"));
    }

    [Fact]
    public void Level_cells_without_a_label_are_all_descriptor()
    {
        var theme = TestDocuments.ParseOwn("steward_framework_tabs.txt").Theme("MEO.2");

        theme.Levels.Select(level => level.Descriptor).Should().Equal("Greets new hires", "Runs orientations", "Designs welcome programs", "Negotiates new-hire access");
        theme.Levels.Should().OnlyContain(level => level.Considerations.Length == 0);
    }

    [Fact]
    public void Markdown_document_with_split_header_late_separator_and_footnote_block()
    {
        var framework = TestDocuments.ParseOwn("partnerships_markdown.txt");

        framework.Name.Should().BeNull();
        framework.LevelScale.Should().Equal(new Level(1, "Novice"), new Level(2, "Practitioner"), new Level(3, "Expert"));
        framework.Domains.Select(domain => (domain.Code, domain.Name)).Should().Equal(
            ("COM", "Community Partnerships"),
            ("COM2", "Communications"));
        framework.Domain("COM").Description.Should().Be("Builds lasting alliances with parents, students and neighbourhood organizations.");
        framework.Domain("COM").Themes.Select(theme => (theme.Code, theme.Title)).Should().Equal(
            ("COM.1", "Maps community stakeholders"),
            ("COM.2", "Builds joint campaigns with partners"),
            ("COM.3", "Sustains partnerships over time"));
        framework.Domain("COM2").Themes.Select(theme => theme.Code).Should().Equal("COM2.1");
    }

    [Fact]
    public void Markdown_document_cells_are_repaired_and_split()
    {
        var framework = TestDocuments.ParseOwn("partnerships_markdown.txt");

        framework.Theme("COM.1").Levels.Select(level => (level.Descriptor, level.Considerations)).Should().Equal(
            ("Lists local organizations", "Uses a stakeholder template"),
            ("Meets stakeholders", "Practices listening campaigns"),
            ("Convenes coalitions", "Studies coalition case studies"));
        framework.Theme("COM2.1").Levels[1].Considerations.Should().Be("Practices short- and long-form editing");
        framework.AllText().Should().NotContain(text => text.Contains("Stakeholders are people") || text.Contains('*') || text.Contains('|'));
    }

    [Fact]
    public void Outline_document_with_wrapped_line_and_version_in_title()
    {
        var framework = TestDocuments.ParseOwn("steward_outline.txt");

        framework.Name.Should().Be("Steward Leadership Competencies");
        framework.Domains.Select(domain => (domain.Code, domain.Name, domain.Description)).Should().Equal(
            ("1", "Represent members", "Stand up for members at the worksite and in grievance meetings"),
            ("2", "Build the union", "Grow membership and activity"));
        framework.AllThemes().Select(theme => (theme.Code, theme.Title)).Should().Equal(
            ("1.1", "Explain the contract clearly to members"),
            ("1.2", "Investigate grievances thoroughly and document every step"),
            ("2.1", "Recruit new members"),
            ("2.2", "Identify and develop new stewards"));
    }
}
