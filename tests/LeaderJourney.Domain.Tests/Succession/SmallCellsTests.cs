using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class SmallCellsTests
{
    // Rows as text: counts separated by commas; "-" marks a suppressed cell in the expected row.
    [Theory]
    // Nothing small: shown as is.
    [InlineData("10,20,30", "10,20,30")]
    [InlineData("5,6,7", "5,6,7")]
    // Zero is not a small cell; an all-zero row stays shown.
    [InlineData("0,0,0,0", "0,0,0,0")]
    [InlineData("0", "0")]
    // A row of one cell: suppressed, and there is nothing else in the row to hide.
    [InlineData("3", "-")]
    [InlineData("5", "5")]
    // Complementary suppression: the next smallest cell with people in it, zeros passed over.
    [InlineData("3,10,7,0", "-,10,-,0")]
    [InlineData("10,1,0,5", "10,-,0,-")]
    [InlineData("4,5,0,6", "-,-,0,6")]
    [InlineData("7,3", "-,-")]
    [InlineData("5,4", "-,-")]
    // Ties: the first of the equal cells.
    [InlineData("2,9,9,12", "-,-,9,12")]
    [InlineData("12,9,2,9", "12,-,-,9")]
    // No other cell has people: the first zero is hidden, the only way to stop the subtraction.
    [InlineData("3,0,0,0", "-,-,0,0")]
    [InlineData("0,3", "-,-")]
    // Two or more cells already small: nothing more to hide.
    [InlineData("2,4,10,20", "-,-,10,20")]
    [InlineData("1,2,3,4", "-,-,-,-")]
    [InlineData("0,1,0,1", "0,-,0,-")]
    public void Small_cells_are_suppressed_and_a_lone_one_gets_a_complement(string row, string expected) =>
        SmallCells.Suppress(Parse(row)).Should().Equal(Expected(expected));

    [Fact]
    public void A_table_is_suppressed_row_by_row() =>
        SmallCells.SuppressTable([[3, 10, 7, 0], [0, 0, 0, 0], [20, 2, 1, 9]])
            .Should().BeEquivalentTo(new[] { new int?[] { null, 10, null, 0 }, [0, 0, 0, 0], [20, null, null, 9] },
                o => o.WithStrictOrdering());

    [Theory]
    [InlineData(null, "<5")]
    [InlineData(0, "0")]
    [InlineData(12, "12")]
    [InlineData(12345, "12345")]
    public void Display_shows_a_suppressed_cell_as_less_than_5(int? cell, string text) =>
        SmallCells.Display(cell).Should().Be(text);

    [Fact]
    public void A_negative_count_is_a_programming_error() =>
        FluentActions.Invoking(() => SmallCells.Suppress([3, -1])).Should().Throw<ArgumentOutOfRangeException>();

    private static int[] Parse(string row) => row.Split(',').Select(int.Parse).ToArray();

    private static int?[] Expected(string row) => row.Split(',').Select(c => c == "-" ? null : (int?)int.Parse(c)).ToArray();
}
