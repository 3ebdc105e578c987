using System.Globalization;

namespace LeaderJourney.Domain.Succession;

/// <summary>Small-cell suppression of counts of people broken down by a demographic category (API.md, "Small cells").
/// <para>A count of 1 to 4 is suppressed (null; "&lt;5" on pages and CSV). Zero is shown: it is not a small cell, and
/// showing it tells no more than the row's other cells do.</para>
/// <para>Complementary suppression: a row with exactly one suppressed cell gives it away, since the row total (or the
/// same count shown elsewhere) minus the shown cells recovers it. Then the next smallest shown cell with people in it
/// is suppressed as well (ties: the first in row order). A zero is passed over because hiding it beside the small
/// cell would leave the pair summing to that small count, and a zero is often guessable; a cell with people mixes the
/// small count into a larger, unknown one. Only when no other cell has people is the smallest other cell (a zero, the
/// first one) suppressed, since that is then the only way to stop the subtraction.</para>
/// <para>Rows are handled one at a time. A row of a single suppressed cell cannot be protected inside the row: the
/// caller must not show its total. A column's total (how many answered at a stage) is shown only where it gives
/// nothing away (<see cref="SuppressCategory"/>).</para></summary>
public static class SmallCells
{
    /// <summary>What pages and CSV show in place of a suppressed cell.</summary>
    public const string SuppressedText = "<5";

    public static bool IsSmall(int count) => count is >= 1 and <= 4;

    public static IReadOnlyList<int?> Suppress(IReadOnlyList<int> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Any(c => c < 0)) throw new ArgumentOutOfRangeException(nameof(row), "A count of people cannot be negative.");
        var cells = row.Select(c => IsSmall(c) ? null : (int?)c).ToArray();
        // One pass suffices today (it leaves two suppressed cells), but the loop states the rule: go on while exactly one
        // cell is suppressed and there is another cell to hide.
        while (cells.Count(c => c is null) == 1 && NextToSuppress(cells) is { } index)
        {
            cells[index] = null;
        }
        return cells;
    }

    /// <summary>Suppresses each row of a table on its own (see the class remarks on column totals).</summary>
    public static IReadOnlyList<IReadOnlyList<int?>> SuppressTable(IReadOnlyList<IReadOnlyList<int>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Select(Suppress).ToList();
    }

    /// <summary>
    /// One category's rows (a row per value, a cell per stage), each suppressed as <see cref="Suppress"/> does,
    /// together with how many people answered the category at each stage (a value's share is its cell over
    /// that count). A count is shown only where it tells nothing a hidden cell could be worked out from:
    /// <list type="bullet">
    /// <item>not where it is small itself;</item>
    /// <item>not in a stage where any cell is hidden: where each person gives one value, the count minus the
    /// shown cells is the sum of the hidden ones, and with bounds on them (a stand-in hidden cell is the
    /// smallest of its row) that can pin each down;</item>
    /// <item>not where the cells add up to 1 to 4 more than it: where a person may give several values
    /// (race and ethnicity), that is how many gave more than one, a small group of its own.</item>
    /// </list>
    /// So the cells are exactly those <see cref="Suppress"/> shows row by row, and a report of an earlier
    /// shape (which showed no counts) hides no cell this one shows: the two cannot be compared to recover one.
    /// </summary>
    public static (IReadOnlyList<IReadOnlyList<int?>> Rows, IReadOnlyList<int?> Answered) SuppressCategory(
        IReadOnlyList<IReadOnlyList<int>> rows, IReadOnlyList<int> answered)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(answered);
        if (rows.Any(r => r.Count != answered.Count)) throw new ArgumentException("Every row needs a cell per answered count.", nameof(rows));
        if (answered.Any(c => c < 0)) throw new ArgumentOutOfRangeException(nameof(answered), "A count of people cannot be negative.");
        var cells = rows.Select(Suppress).ToArray();
        var totals = answered.Select((count, stage) =>
            IsSmall(count) || cells.Any(row => row[stage] is null) || IsSmall(rows.Sum(row => row[stage]) - count) ? null : (int?)count).ToArray();
        return (cells, totals);
    }

    /// <summary>The text for pages and CSV: the count, or "&lt;5" when suppressed.</summary>
    public static string Display(int? cell) => cell?.ToString(CultureInfo.InvariantCulture) ?? SuppressedText;

    private static int? NextToSuppress(int?[] cells)
    {
        int? withPeople = null, any = null;
        for (var i = 0; i < cells.Length; i++)
        {
            if (cells[i] is not { } count) continue;
            // Strictly smaller only, so the first of equal cells wins.
            if (any is null || count < cells[any.Value]) any = i;
            if (count > 0 && (withPeople is null || count < cells[withPeople.Value])) withPeople = i;
        }
        return withPeople ?? any;
    }
}
