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

    [Fact]
    public void A_category_with_nothing_small_shows_every_cell_and_every_answered_count()
    {
        var (rows, answered) = SmallCells.SuppressCategory([[10, 8, 6], [12, 20, 9]], [22, 28, 15]);
        rows.Should().BeEquivalentTo(new[] { new int?[] { 10, 8, 6 }, [12, 20, 9] }, o => o.WithStrictOrdering());
        answered.Should().Equal(22, 28, 15);
    }

    [Fact]
    public void A_lone_suppressed_cell_in_a_column_whose_answered_count_is_shown_gets_a_complement_in_that_column()
    {
        // The 3 is hidden with the 8 beside it (rows); then 20 and 7 hide below them, since each column's
        // count minus its shown cells would give them away; then those rows need their own complements.
        var (rows, answered) = SmallCells.SuppressCategory([[10, 3, 8], [12, 20, 9], [30, 25, 7]], [52, 48, 24]);
        rows.Should().BeEquivalentTo(new[] { new int?[] { 10, null, null }, [12, null, null], [30, null, null] }, o => o.WithStrictOrdering());
        answered.Should().Equal(52, 48, 24);
    }

    [Fact]
    public void A_small_answered_count_is_suppressed_and_where_no_other_cell_has_people_the_count_is_hidden_instead()
    {
        var (rows, answered) = SmallCells.SuppressCategory([[3], [0]], [3]);
        rows.Should().BeEquivalentTo(new[] { new int?[] { null }, [0] }, o => o.WithStrictOrdering());
        answered.Should().Equal([null]);

        // The 7 hides beside the 3; below it in its column is a zero, nobody to hide it among, so the count goes.
        (rows, answered) = SmallCells.SuppressCategory([[3, 7, 9], [0, 0, 6]], [3, 7, 15]);
        rows.Should().BeEquivalentTo(new[] { new int?[] { null, null, 9 }, [0, 0, 6] }, o => o.WithStrictOrdering());
        answered.Should().Equal(null, null, 15);
    }

    [Fact]
    public void After_suppression_no_hidden_cell_can_be_worked_out_from_its_row_or_its_shown_column_count()
    {
        var random = new Random(20261206);
        for (var table = 0; table < 2000; table++)
        {
            var width = random.Next(1, 5);
            var raw = Enumerable.Range(0, random.Next(1, 6)).Select(_ => Enumerable.Range(0, width).Select(_ => random.Next(3) == 0 ? random.Next(0, 5) : random.Next(0, 40)).ToArray()).ToArray();
            var counts = Enumerable.Range(0, width).Select(c => raw.Sum(r => r[c])).ToArray();
            var (rows, answered) = SmallCells.SuppressCategory(raw, counts);
            for (var r = 0; r < raw.Length; r++)
                for (var c = 0; c < width; c++)
                {
                    if (SmallCells.IsSmall(raw[r][c])) rows[r][c].Should().BeNull();
                    if (rows[r][c] is { } shown) shown.Should().Be(raw[r][c]);
                }
            foreach (var row in rows)
                if (row.Count(c => c is null) == 1) row.Should().HaveCount(1, "a lone hidden cell is left only where the row has nothing else");
            for (var c = 0; c < width; c++)
                if (answered[c] is not null) rows.Count(row => row[c] is null).Should().NotBe(1, "table {0}, column {1}", table, c);
        }
    }

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
