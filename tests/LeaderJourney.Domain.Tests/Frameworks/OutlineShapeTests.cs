using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

// Inside LeaderJourney.*, a bare "Domain" names the LeaderJourney.Domain namespace.
using Domain = LeaderJourney.Domain.Frameworks.Domain;

/// <summary>Rules of the numbered-outline shape.</summary>
public sealed class OutlineShapeTests
{
    private static Framework Parse(params string[] lines) => FrameworkDocumentParser.Parse(string.Join('\n', lines));

    private static FrameworkDocumentException Failure(params string[] lines)
    {
        var act = () => Parse(lines);
        return act.Should().Throw<FrameworkDocumentException>().Which;
    }

    [Theory]
    [InlineData("1. Lead: well", new[] { 1 }, "Lead: well")]
    [InlineData("  - 1.2. Build trust", new[] { 1, 2 }, "Build trust")]
    [InlineData("* 1.2 Build trust", new[] { 1, 2 }, "Build trust")]
    [InlineData("3) Decide", new[] { 3 }, "Decide")]
    [InlineData("1.2.3. Deep", new[] { 1, 2, 3 }, "Deep")]
    public void Numbered_lines_are_items(string line, int[] numbers, string text)
    {
        OutlineItem.TryRead(line, out var item).Should().BeTrue();
        item.Numbers.Should().Equal(numbers);
        item.Text.Should().Be(text);
    }

    [Theory]
    [InlineData("1 Lead")]
    [InlineData("2017. A year")]
    [InlineData("3/20/17 - draft")]
    [InlineData("- ***Why?*** Because")]
    [InlineData("1.")]
    public void Other_lines_are_not_items(string line)
    {
        OutlineItem.TryRead(line, out _).Should().BeFalse();
    }

    [Fact]
    public void A_competency_without_a_colon_has_no_description()
    {
        var framework = Parse("1. Lead", "1.1. Listen");

        framework.Name.Should().BeNull();
        framework.Domains[0].Should().BeEquivalentTo(new Domain("1", "Lead", "", [new Theme("1.1", "Listen", [])]));
    }

    [Fact]
    public void A_competency_name_in_capitals_becomes_readable()
    {
        Parse("1. LEAD WITH EQUITY: Use reflection", "1.1. Listen").Domains[0].Name.Should().Be("Lead with Equity");
    }

    [Fact]
    public void Notes_after_an_item_following_a_blank_line_are_skipped()
    {
        Parse("1. Lead: well", "1.1. Listen", "", "Note: this is a draft.").Theme("1.1").Title.Should().Be("Listen");
    }

    [Fact]
    public void A_sub_item_under_the_wrong_competency_is_an_error()
    {
        Failure("1. Lead", "1.1. Listen", "2. Decide", "1.2. Act").Line.Should().Be(4);
    }

    [Fact]
    public void A_sub_item_before_any_competency_is_an_error()
    {
        Failure("Intro", "1.1. Listen").Line.Should().Be(2);
    }

    [Fact]
    public void A_repeated_number_is_an_error()
    {
        Failure("1. Lead", "1.1. Listen", "1.1. Act").Message.Should().Contain("1.1 appears twice");
    }

    [Fact]
    public void Three_level_numbering_is_an_error()
    {
        Failure("1. Lead", "1.1. Listen", "1.1.1. Closely").Line.Should().Be(3);
    }

    [Fact]
    public void A_competency_without_sub_items_is_an_error()
    {
        Failure("1. Lead", "1.1. Listen", "2. Decide").Line.Should().Be(3);
    }
}
