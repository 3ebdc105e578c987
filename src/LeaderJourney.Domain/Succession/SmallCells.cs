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
/// caller must not show its total. A stage's totals (how many answered it, how many leaders stand at it) are
/// weighed by <see cref="SuppressCategory"/>.</para></summary>
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
    /// How much room a stage's total must leave its hidden cells, beyond one person each: the total (every
    /// leader at the stage, on the same page) less the stage's shown cells bounds what is hidden there, and
    /// with less room than this a hidden cell of 1 to 4 could be pinned down (a total of 7 beside a shown 6
    /// leaves one person for the hidden cell).
    /// </summary>
    public const int RoomAtAStage = 4;

    /// <summary>
    /// One category's rows (a row per value, a cell per stage) and how many people answered it at each stage
    /// (a value's share is its cell over that count), given how many leaders the report shows at each stage.
    /// <list type="bullet">
    /// <item>Each row is suppressed as <see cref="Suppress"/> does.</item>
    /// <item>At a stage with a hidden cell, the stage's total less its shown cells bounds the hidden ones:
    /// while that leaves less than <see cref="RoomAtAStage"/> beyond one person per hidden cell, the stage's
    /// smallest shown cell with people is hidden too (and the rows again, until nothing changes).</item>
    /// <item>How many answered is shown only where it tells nothing more: not when 1 to 4, not at a stage with
    /// a hidden cell (the count less the shown cells would narrow the hidden ones), not when 1 to 4 at the
    /// stage did not answer, and not where people gave several values (race and ethnicity) unless so many
    /// more values than people were given that at least 5 people gave several.</item>
    /// </list>
    /// </summary>
    public static (IReadOnlyList<IReadOnlyList<int?>> Rows, IReadOnlyList<int?> Answered) SuppressCategory(
        IReadOnlyList<IReadOnlyList<int>> rows, IReadOnlyList<int> answered, IReadOnlyList<int> atStage)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(answered);
        ArgumentNullException.ThrowIfNull(atStage);
        if (rows.Any(r => r.Count != answered.Count) || atStage.Count != answered.Count)
            throw new ArgumentException("Every row, the answered counts and the stage totals need a cell per stage.", nameof(rows));
        if (answered.Concat(atStage).Any(c => c < 0)) throw new ArgumentOutOfRangeException(nameof(answered), "A count of people cannot be negative.");
        var cells = rows.Select(r => Suppress(r).ToArray()).ToArray();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var row in cells)
                if (row.Count(c => c is null) == 1 && NextToSuppress(row) is { } index)
                {
                    row[index] = null;
                    changed = true;
                }
            for (var stage = 0; stage < atStage.Count; stage++)
            {
                var down = cells.Select(row => row[stage]).ToArray();
                var hidden = down.Count(c => c is null);
                if (hidden == 0 || atStage[stage] - down.Sum(c => c ?? 0) - hidden >= RoomAtAStage || NextWithPeople(down) is not { } index) continue;
                cells[index][stage] = null;
                changed = true;
            }
        }
        // A person gives at most one value per row: k people giving several gave at most k * (rows - 1) more values than people.
        var perPerson = Math.Max(1, rows.Count - 1);
        var totals = answered.Select((count, stage) =>
        {
            var extra = rows.Sum(row => row[stage]) - count;
            return IsSmall(count) || cells.Any(row => row[stage] is null) || IsSmall(atStage[stage] - count) || (extra > 0 && extra < 5 * perPerson)
                ? null : (int?)count;
        }).ToArray();
        return (cells, totals);
    }

    /// <summary>The text for pages and CSV: the count, or "&lt;5" when suppressed.</summary>
    public static string Display(int? cell) => cell?.ToString(CultureInfo.InvariantCulture) ?? SuppressedText;

    /// <summary>The smallest shown cell with people in it, else the smallest shown cell (a zero); the first of equal cells.</summary>
    private static int? NextToSuppress(int?[] cells) => NextWithPeople(cells) ?? Smallest(cells, withPeopleOnly: false);

    private static int? NextWithPeople(int?[] cells) => Smallest(cells, withPeopleOnly: true);

    private static int? Smallest(int?[] cells, bool withPeopleOnly)
    {
        int? found = null;
        for (var i = 0; i < cells.Length; i++)
            // Strictly smaller only, so the first of equal cells wins.
            if (cells[i] is { } count && (count > 0 || !withPeopleOnly) && (found is null || count < cells[found.Value])) found = i;
        return found;
    }
}
