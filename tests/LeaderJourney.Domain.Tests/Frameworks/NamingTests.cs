using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

public sealed class NamingTests
{
    [Theory]
    [InlineData("Advocacy", "ADV")]
    [InlineData("Communication", "COM")]
    [InlineData("Governance and Leadership", "GOV")]
    [InlineData("Leading Our Professions", "LOP")]
    [InlineData("Organizing", "ORG")]
    [InlineData("Social and Emotional Intelligence", "SEI")]
    [InlineData("Strategy and Fiscal Health", "SFH")]
    [InlineData("Member Engagement and Outreach", "MEO")]
    [InlineData("IT Security", "ITS")]
    [InlineData("HR", "HR")]
    [InlineData("Research, Policy & the Practice of Teaching", "RPP")]
    [InlineData("2020", "DOM")]
    public void Domain_code_rule(string name, string code)
    {
        DomainCodes.BaseCode(name).Should().Be(code);
    }

    [Fact]
    public void Colliding_codes_get_a_number_in_document_order()
    {
        DomainCodes.ForNames(["Communication", "Community Partnerships", "Advocacy", "Communications"])
            .Should().Equal("COM", "COM2", "ADV", "COM3");
    }

    [Theory]
    [InlineData("LEADING OUR PROFESSIONS", "Leading Our Professions")]
    [InlineData("GOVERNANCE AND LEADERSHIP", "Governance and Leadership")]
    [InlineData("SOCIAL AND EMOTIONAL INTELLIGENCE", "Social and Emotional Intelligence")]
    [InlineData("THE STATE OF THE UNION", "The State of the Union")]
    [InlineData("SELF-AWARENESS AND SELF-CARE", "Self-Awareness and Self-Care")]
    [InlineData("Already Mixed case", "Already Mixed case")]
    [InlineData("UNIFIED SET OF BPS LEADER COMPETENCIES", "Unified Set of BPS Leader Competencies")]
    public void Names_in_capitals_become_title_case_keeping_acronyms_the_document_uses(string name, string readable)
    {
        var casing = new NameCasing("a guide for BPS leaders\nSET IN CAPITALS ONLY\nTHE UNION OF\nUse reflection");

        casing.Readable(name).Should().Be(readable);
    }

    [Fact]
    public void A_capitals_line_between_lines_of_running_text_is_no_acronym_evidence()
    {
        var casing = new NameCasing("Topics\nSAFETY\nfirst of all");

        casing.Readable("SAFETY").Should().Be("Safety");
    }

    [Theory]
    [InlineData("VERSION 4 (3/20/17) - UNIFIED SET OF BPS LEADER COMPETENCIES", "Unified Set of BPS Leader Competencies")]
    [InlineData("DRAFT 2 - STEWARD COMPETENCIES", "Steward Competencies")]
    [InlineData("Steward Competencies – v1.2", "Steward Competencies")]
    [InlineData("NEA LEADERSHIP COMPETENCY FRAMEWORK*", "NEA Leadership Competency Framework")]
    [InlineData("DRAFT FRAMING:", null)]
    [InlineData("ANY LINE LONGER THAN THREE HUNDRED CHARACTERS IS PROSE RATHER THAN A TITLE, WHATEVER ITS CASE. ANY LINE LONGER THAN THREE HUNDRED CHARACTERS IS PROSE RATHER THAN A TITLE, WHATEVER ITS CASE. ANY LINE LONGER THAN THREE HUNDRED CHARACTERS IS PROSE RATHER THAN A TITLE, WHATEVER ITS CASE. ANY LINE LONGER THAN 300.", null)]
    public void Title_lines_lose_edition_details(string line, string? name)
    {
        var casing = new NameCasing("BPS and NEA leaders");

        FrameworkName.FromTitleLine(line, new TextRepair(string.Empty), casing).Should().Be(name);
    }
}
