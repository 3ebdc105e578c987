using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

public sealed class TextRepairTests
{
    private static string Clean(string text, string? document = null) =>
        new TextRepair(document ?? text).Clean(text);

    [Theory]
    [InlineData("appro- priate messages", "appropriate messages")]
    [InlineData("condi- tions for contin- uous growth", "conditions for continuous growth")]
    [InlineData("partnerships/rela- tionships", "partnerships/relationships")]
    [InlineData("deci- sion-making", "decision-making")]
    [InlineData("race-inclu- sive", "race-inclusive")]
    public void A_word_broken_at_a_syllable_is_joined(string text, string expected)
    {
        Clean(text).Should().Be(expected);
    }

    [Theory]
    [InlineData("short- and long-term goals")]
    [InlineData("member- and Association-led solutions")]
    [InlineData("pre- or post-bargaining")]
    [InlineData("full- to part-time")]
    public void A_suspended_hyphen_before_a_conjunction_is_kept(string text)
    {
        Clean(text).Should().Be(text);
    }

    [Fact]
    public void A_compound_broken_at_its_hyphen_keeps_the_hyphen_when_the_document_prints_it_hyphenated()
    {
        Clean("uses system- level strategies", document: "uses system- level strategies. Elsewhere: system-level plans.")
            .Should().Be("uses system-level strategies");
    }

    [Fact]
    public void Without_evidence_a_break_is_joined()
    {
        Clean("uses system- level strategies").Should().Be("uses systemlevel strategies");
    }

    [Fact]
    public void Joined_evidence_outweighing_hyphenated_evidence_joins()
    {
        const string Document = "a work- place; the workplace; every workplace; one work-place";
        Clean("a work- place", Document).Should().Be("a workplace");
    }

    [Fact]
    public void Evidence_is_case_insensitive()
    {
        Clean("system- level", document: "system- level and System-Level").Should().Be("system-level");
    }

    [Fact]
    public void A_break_before_a_capitalised_word_keeps_the_hyphen()
    {
        Clean("anti- Black racism").Should().Be("anti-Black racism");
    }

    [Fact]
    public void A_dash_between_spaces_is_not_a_break()
    {
        Clean("Each/All – The intentional - inclusion").Should().Be("Each/All – The intentional - inclusion");
    }

    [Fact]
    public void A_break_after_a_slash_is_closed()
    {
        Clean("labor/ management collaboration and individuals/ organizations").Should().Be("labor/management collaboration and individuals/organizations");
    }

    [Theory]
    [InlineData("needs and rights.*", "needs and rights.")]
    [InlineData("of the organization* | x", "of the organization | x")]
    [InlineData("***Why did we build these competencies?***", "Why did we build these competencies?")]
    [InlineData("all students ⁸", "all students")]
    [InlineData("opportunities.⁷", "opportunities.")]
    [InlineData("note¹²³ text⁰⁴⁵⁶⁹", "note text")]
    [InlineData("organi- zations.^{*}", "organizations.")]
    [InlineData("stake- holders^{1} map", "stakeholders map")]
    [InlineData("^{12}Footnoted", "Footnoted")]
    public void Footnote_marks_of_every_kind_are_dropped(string text, string expected)
    {
        Clean(text).Should().Be(expected);
    }

    [Fact]
    public void A_long_brace_group_is_not_taken_for_a_footnote_mark()
    {
        Clean("x^{not a footnote mark}").Should().Be("x^{not a footnote mark}");
    }

    [Fact]
    public void White_space_runs_fold_into_one_space_and_the_ends_are_trimmed()
    {
        Clean("  Learns \t key\u00A0 concepts \n and  skills  ").Should().Be("Learns key concepts and skills");
    }

    [Fact]
    public void Marks_go_before_breaks_so_a_mark_inside_a_break_does_not_stop_the_repair()
    {
        Clean("organiza-⁷ tion").Should().Be("organization");
    }

    [Theory]
    [InlineData("^{*} A race equity lens is ...", true)]
    [InlineData("⁷ A race equity lens is ...", true)]
    [InlineData("* Potential members are ...", true)]
    [InlineData("*Potential members are ...", true)]
    [InlineData("**Bold heading**", false)]
    [InlineData("A race equity lens is ...", false)]
    public void Footnote_paragraphs_are_recognised_by_their_leading_mark(string line, bool isFootnote)
    {
        TextRepair.IsFootnoteParagraph(line).Should().Be(isFootnote);
    }
}
