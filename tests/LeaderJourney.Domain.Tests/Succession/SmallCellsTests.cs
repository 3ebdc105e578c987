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

    // Stage totals with room to spare, where a test is not about them.
    private static int[] Roomy(int stages) => [.. Enumerable.Repeat(1000, stages)];

    [Fact]
    public void A_category_with_nothing_small_shows_every_cell_and_every_answered_count()
    {
        var (rows, answered) = SmallCells.SuppressCategory([[10, 8, 6], [12, 20, 9]], [22, 28, 15], [30, 40, 30]);
        rows.Should().BeEquivalentTo(new[] { new int?[] { 10, 8, 6 }, [12, 20, 9] }, o => o.WithStrictOrdering());
        answered.Should().Equal(22, 28, 15);
    }

    [Fact]
    public void A_stage_with_a_hidden_cell_hides_how_many_answered_since_the_count_minus_the_shown_cells_would_narrow_the_hidden_ones()
    {
        // Row 1: the 3 is hidden with the 8 beside it, as a row alone would be; the stages of those two keep their counts back.
        var (rows, answered) = SmallCells.SuppressCategory([[10, 3, 8], [12, 20, 9], [30, 25, 7]], [52, 48, 24], Roomy(3));
        rows.Should().BeEquivalentTo(new[] { new int?[] { 10, null, null }, [12, 20, 9], [30, 25, 7] }, o => o.WithStrictOrdering());
        answered.Should().Equal(52, null, null);
        // Man 1 and non-binary 1 at a stage where 12 answered: shown, 12 minus the woman's 10 would give 2, so 1 and 1.
        (_, answered) = SmallCells.SuppressCategory([[12, 9, 10, 6], [6, 8, 1, 7], [5, 6, 1, 9]], [23, 23, 12, 22], Roomy(4));
        answered[2].Should().BeNull();
    }

    [Fact]
    public void A_stage_whose_total_leaves_its_hidden_cells_too_little_room_hides_more_of_its_cells()
    {
        // Woman 6 shown beside a stage of 7: man's hidden cell could only be 1. The 6 is hidden too, and then
        // the woman's row needs a second hidden cell, as any row does.
        var (rows, _) = SmallCells.SuppressCategory([[20, 6], [15, 1], [9, 0]], [44, 7], [50, 7]);
        rows.Should().BeEquivalentTo(new[] { new int?[] { null, null }, [null, null], [9, 0] }, o => o.WithStrictOrdering());
        // Room enough: a stage of 30 beside a shown 6 leaves the hidden cell anywhere from 1 to 24.
        (rows, _) = SmallCells.SuppressCategory([[20, 6], [15, 1], [9, 0]], [44, 7], [50, 30]);
        rows[0].Should().Equal(20, 6);
    }

    [Fact]
    public void Where_people_may_give_several_values_a_count_that_would_say_how_few_gave_more_than_one_is_hidden()
    {
        // At stage 0, 10 people gave 11 values: one gave two, a group of one.
        var (_, answered) = SmallCells.SuppressCategory([[5, 10], [6, 10]], [10, 20], Roomy(2));
        answered.Should().Equal(null, 20);
        // Five more values than people, in two rows: one value each more, so five people gave two.
        (_, answered) = SmallCells.SuppressCategory([[10, 10], [10, 10]], [15, 20], Roomy(2));
        answered.Should().Equal([15, 20], "five who gave two values are no small group");
        // In three rows, five more values could be one person's two and another's... fewer than five people: hidden.
        (_, answered) = SmallCells.SuppressCategory([[10], [10], [10]], [25], Roomy(1));
        answered.Should().Equal([null]);
    }

    [Fact]
    public void A_small_answered_count_or_a_few_who_did_not_answer_is_suppressed()
    {
        var (rows, answered) = SmallCells.SuppressCategory([[3], [0]], [3], Roomy(1));
        rows.Should().BeEquivalentTo(new[] { new int?[] { null }, [0] }, o => o.WithStrictOrdering());
        answered.Should().Equal([null]);
        (_, answered) = SmallCells.SuppressCategory([[10], [10]], [20], [22]);
        answered.Should().Equal([null], "two leaders at the stage did not answer");
    }

    [Fact]
    public void Every_hidden_cell_keeps_room_and_a_count_is_shown_only_over_a_stage_whose_cells_are_all_shown()
    {
        var random = new Random(20261206);
        for (var table = 0; table < 3000; table++)
        {
            var width = random.Next(1, 5);
            var raw = Enumerable.Range(0, random.Next(1, 6)).Select(_ => Enumerable.Range(0, width).Select(_ => random.Next(3) == 0 ? random.Next(0, 5) : random.Next(0, 40)).ToArray()).ToArray();
            // Now and then some gave two values (the count is below the cells' sum), and some did not answer (the stage is above it).
            var counts = Enumerable.Range(0, width).Select(c => Math.Max(0, raw.Sum(r => r[c]) - (random.Next(4) == 0 ? random.Next(0, 7) : 0))).ToArray();
            var stages = counts.Select(c => c + (random.Next(2) == 0 ? random.Next(0, 8) : 0)).ToArray();
            var (rows, answered) = SmallCells.SuppressCategory(raw, counts, stages);
            for (var r = 0; r < raw.Length; r++)
                for (var c = 0; c < width; c++)
                {
                    if (SmallCells.IsSmall(raw[r][c])) rows[r][c].Should().BeNull();
                    if (rows[r][c] is { } shown) shown.Should().Be(raw[r][c]);
                }
            foreach (var row in rows)
                if (row.Count(c => c is null) == 1) row.Count(c => c is > 0).Should().Be(0, "table {0}: a lone hidden cell is left only where nothing else in its row has people", table);
            for (var c = 0; c < width; c++)
            {
                var hidden = rows.Count(row => row[c] is null);
                if (hidden > 0 && rows.Any(row => row[c] is > 0))
                    (stages[c] - rows.Sum(row => row[c] ?? 0) - hidden).Should().BeGreaterThanOrEqualTo(SmallCells.RoomAtAStage, "table {0}, stage {1}", table, c);
                if (answered[c] is not { } shown) continue;
                shown.Should().Be(counts[c]);
                hidden.Should().Be(0, "table {0}, stage {1}: a count beside a hidden cell narrows it", table, c);
                SmallCells.IsSmall(stages[c] - shown).Should().BeFalse("table {0}, stage {1}: a few who did not answer", table, c);
            }
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
