using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

// Inside LeaderJourney.*, a bare "Domain" names the LeaderJourney.Domain namespace.
using Domain = LeaderJourney.Domain.Frameworks.Domain;

/// <summary>Rules of the table shape, each on the smallest document that shows it.</summary>
public sealed class TableShapeTests
{
    private const string Header = "Competency Theme\tLevel 1: Basic\tLevel 2: Advanced";

    private static Framework Parse(params string[] lines) => FrameworkDocumentParser.Parse(string.Join('\n', lines));

    private static FrameworkDocumentException Failure(params string[] lines)
    {
        var act = () => Parse(lines);
        return act.Should().Throw<FrameworkDocumentException>().Which;
    }

    [Fact]
    public void Smallest_tab_separated_document()
    {
        var framework = Parse("SAFETY", "", "Keeps everyone safe.", "", Header, "Reports hazards\tSees a hazard Learning Considerations Hazard basics\tFixes hazards");

        framework.Should().BeEquivalentTo(new Framework(null, [new Level(1, "Basic"), new Level(2, "Advanced")],
        [
            new Domain("SAF", "Safety", "Keeps everyone safe.",
            [
                new Theme("SAF.1", "Reports hazards", [new ThemeLevel(1, "Basic", "Sees a hazard", "Hazard basics"), new ThemeLevel(2, "Advanced", "Fixes hazards", "")]),
            ]),
        ]));
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_are_accepted()
    {
        var framework = FrameworkDocumentParser.Parse("\uFEFFSAFETY\r\n\r\n" + Header + "\r\nReports hazards\tA\tB\r\n");

        framework.Theme("SAF.1").Levels[1].Descriptor.Should().Be("B");
    }

    [Fact]
    public void Markdown_table_with_alignment_separator_and_escaped_pipe()
    {
        var framework = Parse("SAFETY", "| Competency Theme | Level 1: Basic | Level 2: Advanced |", "|:---|:--:|---:|", @"| Reports hazards \| risks | A | B |");

        framework.Theme("SAF.1").Title.Should().Be("Reports hazards | risks");
    }

    [Fact]
    public void Markdown_row_without_closing_pipe_is_read()
    {
        Parse("SAFETY", "| Competency Theme | Level 1: Basic | Level 2: Advanced |", "| Reports hazards | A | B")
            .Theme("SAF.1").Levels[1].Descriptor.Should().Be("B");
    }

    [Fact]
    public void Lone_pipes_and_empty_tab_rows_are_debris()
    {
        Parse("SAFETY", Header, "|", "\t\t", "Reports hazards\tA\tB", " | ").AllThemes().Should().ContainSingle();
    }

    [Fact]
    public void Several_description_lines_are_joined()
    {
        Parse("SAFETY", "Keeps everyone", "safe at work.", "", "And at home.", Header, "Reports hazards\tA\tB")
            .Domains[0].Description.Should().Be("Keeps everyone safe at work. And at home.");
    }

    [Fact]
    public void A_marked_footnote_before_the_table_is_not_description()
    {
        Parse("SAFETY", "Keeps everyone safe.*", "* Everyone means staff and students.", Header, "Reports hazards\tA\tB")
            .Domains[0].Description.Should().Be("Keeps everyone safe.");
    }

    [Fact]
    public void A_heading_followed_by_another_heading_is_the_title()
    {
        Parse("SAFETY FRAMEWORK 2021", "", "SAFETY", Header, "Reports hazards\tA\tB").Name.Should().Be("Safety Framework 2021");
    }

    [Fact]
    public void A_mixed_case_first_line_is_the_title()
    {
        Parse("Safety Framework", "SAFETY", Header, "Reports hazards\tA\tB").Name.Should().Be("Safety Framework");
    }

    [Fact]
    public void A_domain_heading_without_a_table_is_an_error()
    {
        var error = Failure("SAFETY", Header, "Reports hazards\tA\tB", "", "WELLBEING", "Cares for people.", "", "FINANCE", Header, "Budgets\tA\tB");

        error.Line.Should().Be(5);
        error.Message.Should().Contain("WELLBEING");
    }

    [Fact]
    public void A_last_domain_without_rows_is_an_error()
    {
        Failure("SAFETY", Header, "Reports hazards\tA\tB", "", "WELLBEING", Header).Line.Should().Be(5);
    }

    [Fact]
    public void A_table_before_any_heading_is_an_error()
    {
        Failure("Some introduction.", Header, "Reports hazards\tA\tB").Line.Should().Be(2);
    }

    [Fact]
    public void A_row_before_any_header_is_an_error()
    {
        var error = Failure("SAFETY", "Reports hazards\tA\tB", "WELLBEING", Header, "Cares\tA\tB");

        error.Line.Should().Be(2);
        error.Message.Should().Contain("header");
    }

    [Fact]
    public void A_continuation_row_with_no_theme_above_is_an_error()
    {
        Failure("SAFETY", Header, "\tA\tB").Line.Should().Be(3);
    }

    [Fact]
    public void A_row_with_an_extra_cell_is_an_error_naming_both_counts()
    {
        var error = Failure("SAFETY", Header, "Reports hazards\tA\tB\tC");

        error.Line.Should().Be(3);
        error.Message.Should().Contain("4 cells").And.Contain("3 columns");
    }

    [Fact]
    public void Tables_of_one_framework_must_share_the_level_scale()
    {
        var error = Failure("SAFETY", Header, "Reports hazards\tA\tB", "WELLBEING", "Competency Theme\tLevel 1: Basic\tLevel 2: Expert", "Cares\tA\tB");

        error.Line.Should().Be(5);
        error.Message.Should().Contain("line 2");
    }

    [Fact]
    public void A_repeated_level_number_is_an_error()
    {
        Failure("SAFETY", "Competency Theme\tLevel 1: Basic\tLevel 1: Advanced", "Reports hazards\tA\tB").Message.Should().Contain("level 1 appears twice");
    }

    [Fact]
    public void A_split_header_whose_second_row_never_comes_is_an_error()
    {
        Failure("SAFETY", "| Competency | Level 1: | Level 2: |", "|---|---|---|", "", "Some prose.").Line.Should().Be(2);
    }

    [Fact]
    public void A_title_cell_of_only_footnote_marks_is_an_error()
    {
        Failure("SAFETY", Header, "*\tA\tB").Line.Should().Be(3);
    }

    [Fact]
    public void A_header_row_wins_over_numbered_lines()
    {
        Parse("SAFETY", "1. Note: numbered prose", Header, "Reports hazards\tA\tB").Domains[0].Description.Should().Be("1. Note: numbered prose");
    }
}
