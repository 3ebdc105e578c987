using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

/// <summary>The Boston Public Schools competencies (003): a numbered outline after a framing section.</summary>
public sealed class OutlineDocumentTests
{
    private static readonly Framework Bps = TestDocuments.ParseSeed(TestDocuments.BostonOutline);

    [Fact]
    public void Competencies_are_domains_coded_by_number()
    {
        Bps.Domains.Select(domain => (domain.Code, domain.Name)).Should().Equal(
            ("1", "Lead with equity and authenticity"),
            ("2", "Inspire commitment to a common vision"),
            ("3", "Use data to make decisions"),
            ("4", "Build and sustain thriving teams"));
        Bps.Domain("1").Description.Should().Be(
            "Use self understanding and reflection to lead anti-bias and anti-racist practices, and affirm, celebrate, and know our students, families, and staff");
    }

    [Fact]
    public void Sub_items_are_the_16_themes_with_their_own_numbers()
    {
        Bps.AllThemes().Select(theme => theme.Code).Should().Equal(
            "1.1", "1.2", "1.3",
            "2.1", "2.2", "2.3", "2.4",
            "3.1", "3.2", "3.3", "3.4",
            "4.1", "4.2", "4.3", "4.4", "4.5");
        Bps.Theme("1.1").Title.Should().Be("Recognize and disrupt the effects of personal biases (of self and others) and structural biases");
        Bps.Theme("2.1").Title.Should().Be("Listen effectively to and learn from different perspectives: educators, school communities, students, and others");
        Bps.Theme("4.5").Title.Should().Be("Provide relevant, job-embedded professional learning experiences/professional development");
    }

    [Fact]
    public void Framing_questions_are_not_themes()
    {
        Bps.AllText().Should().NotContain(text => text.Contains("Why did we build") || text.Contains("What is a competency") || text.Contains('?'));
    }

    [Fact]
    public void Themes_have_no_levels_and_the_scale_is_empty()
    {
        Bps.LevelScale.Should().BeEmpty();
        Bps.AllThemes().Should().OnlyContain(theme => theme.Levels.Count == 0);
    }

    [Fact]
    public void The_title_line_gives_the_name_without_version_and_in_readable_case()
    {
        Bps.Name.Should().Be("Unified Set of BPS Leader Competencies");
    }
}
