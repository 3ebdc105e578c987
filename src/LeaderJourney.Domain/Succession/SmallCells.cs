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
/// caller must not show its total. Column totals (the same cells summed down a column) are protected by
/// <see cref="SuppressCategory"/>.</para></summary>
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
    /// One category's rows (a row per value, a cell per stage) together with how many people answered the
    /// category at each stage, which is shown too (the share of a value is its cell over that count). Small
    /// cells and small counts are suppressed, and then, until nothing changes:
    /// <list type="bullet">
    /// <item>a row with exactly one suppressed cell gets a complement, as <see cref="Suppress"/> does;</item>
    /// <item>a column with its count shown and exactly one suppressed cell gives that cell away (where each
    /// person has one value, the count minus the shown cells recovers it), so the next smallest cell with
    /// people in that column is suppressed too, or, when no other cell has people, the count itself.</item>
    /// </list>
    /// A category where a person may give several values (race and ethnicity) is protected the same way:
    /// where most give one, the count minus the shown cells nearly recovers a hidden one.
    /// </summary>
    public static (IReadOnlyList<IReadOnlyList<int?>> Rows, IReadOnlyList<int?> Answered) SuppressCategory(
        IReadOnlyList<IReadOnlyList<int>> rows, IReadOnlyList<int> answered)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(answered);
        if (rows.Any(r => r.Count != answered.Count)) throw new ArgumentException("Every row needs a cell per answered count.", nameof(rows));
        if (rows.SelectMany(r => r).Concat(answered).Any(c => c < 0)) throw new ArgumentOutOfRangeException(nameof(rows), "A count of people cannot be negative.");
        var cells = rows.Select(r => r.Select(c => IsSmall(c) ? null : (int?)c).ToArray()).ToArray();
        var totals = answered.Select(c => IsSmall(c) ? null : (int?)c).ToArray();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var row in cells)
            {
                if (row.Count(c => c is null) != 1 || NextToSuppress(row) is not { } index) continue;
                row[index] = null;
                changed = true;
            }
            for (var column = 0; column < totals.Length; column++)
            {
                if (totals[column] is null) continue;
                var down = cells.Select(row => row[column]).ToArray();
                if (down.Count(c => c is null) != 1) continue;
                if (NextWithPeople(down) is { } index) cells[index][column] = null;
                else totals[column] = null;
                changed = true;
            }
        }
        return (cells, totals);
    }

    /// <summary>The text for pages and CSV: the count, or "&lt;5" when suppressed.</summary>
    public static string Display(int? cell) => cell?.ToString(CultureInfo.InvariantCulture) ?? SuppressedText;

    private static int? NextWithPeople(int?[] cells)
    {
        int? found = null;
        for (var i = 0; i < cells.Length; i++)
            if (cells[i] is > 0 and var count && (found is null || count < cells[found.Value])) found = i;
        return found;
    }

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
