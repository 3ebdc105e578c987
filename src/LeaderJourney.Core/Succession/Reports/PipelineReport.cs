using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Core.Succession.Reports;

public sealed record DomainLevelsView(string Code, IReadOnlyList<int> Levels);
public sealed record EquityRowView(string Category, string Value, IReadOnlyList<int?> Stages);
/// <param name="LastProgress">The day of the leader's last step (a date: nobody's exact times leave their record).</param>
public sealed record StalledView(Guid LeaderId, string DisplayName, int Stage, DateOnly? LastProgress);
public sealed record PipelineSnapshot(DateTimeOffset AsOf, int Leaders, IReadOnlyList<int> Stages, IReadOnlyList<DomainLevelsView> Domains);

/// <summary>
/// The pipeline report of API.md: leaders counted by stage (highest level in any theme) and by domain
/// level, the equity breakdown of consenting leaders with small cells suppressed, the same counts a year
/// earlier, the median days spent at each stage, and the leaders with no progress in twelve months.
/// Withdrawn leaders are not counted.
/// </summary>
public sealed record PipelineReport(
    string Affiliate, DateTimeOffset AsOf, int Leaders, IReadOnlyList<int> Stages, IReadOnlyList<DomainLevelsView> Domains,
    IReadOnlyList<EquityRowView> Equity, PipelineSnapshot YearEarlier, IReadOnlyList<int> StageChange,
    IReadOnlyDictionary<int, double?> MedianDaysAtStage, IReadOnlyList<StalledView> Stalled)
{
    /// <summary>
    /// The moment the equity breakdown counts to: <see cref="AsOf"/>, or for the board the end of the last
    /// complete UTC day when that is earlier, so reloading a report cannot show which row one person just left.
    /// </summary>
    public DateTimeOffset EquityAsOf { get; init; } = AsOf;

    public static PipelineSnapshot Snapshot(DateTimeOffset asOf, IReadOnlyList<LeaderAt> leaders)
    {
        var counted = leaders.Where(l => l.Status != "withdrawn").ToList();
        var domains = counted.SelectMany(l => l.Scope.ThemeToDomain.Values).Distinct().Order(StringComparer.Ordinal)
            .Select(code => new DomainLevelsView(code, Count(counted.Select(l => l.DomainLevel(code)))))
            .ToArray();
        return new PipelineSnapshot(asOf, counted.Count, Count(counted.Select(l => l.Stage)), domains);
    }

    public static PipelineReport Build(string affiliate, DateTimeOffset asOf, IReadOnlyList<LeaderAt> leaders, PipelineSnapshot yearEarlier,
        IReadOnlyList<(Guid LeaderId, string Category, string Value)> equity)
    {
        var now = Snapshot(asOf, leaders);
        var counted = leaders.Where(l => l.Status != "withdrawn").ToDictionary(l => l.Id);
        var equityRows = equity.Where(e => counted.ContainsKey(e.LeaderId))
            .GroupBy(e => (e.Category, e.Value))
            .OrderBy(g => g.Key.Category, StringComparer.Ordinal).ThenBy(g => g.Key.Value, StringComparer.Ordinal)
            .Select(g => new EquityRowView(g.Key.Category, g.Key.Value,
                SmallCells.Suppress(Count(g.Select(e => e.LeaderId).Distinct().Select(id => counted[id].Stage)))))
            .ToArray();

        var histories = counted.Values.Select(l => StageTimeline(l, asOf)).ToList();
        var stalledIds = PipelineStatistics.Stalled(histories, asOf).ToHashSet();
        var stalled = histories.Where(h => stalledIds.Contains(h.LeaderId))
            .Select(h => new StalledView(h.LeaderId, counted[h.LeaderId].DisplayName, counted[h.LeaderId].Stage,
                PipelineStatistics.LastProgress(h, asOf) is { } last ? DateOnly.FromDateTime(last.UtcDateTime) : null))
            .OrderBy(s => s.DisplayName, StringComparer.Ordinal).ToArray();

        return new PipelineReport(affiliate, asOf, now.Leaders, now.Stages, now.Domains, equityRows, yearEarlier,
            now.Stages.Zip(yearEarlier.Stages, (a, b) => a - b).ToArray(), PipelineStatistics.MedianTimeAtLevel(histories, asOf), stalled);
    }

    /// <summary>n0..n3: how many of the levels given are 0, 1, 2 and 3.</summary>
    private static int[] Count(IEnumerable<int> levels)
    {
        var counts = new int[4];
        foreach (var level in levels) counts[Math.Clamp(level, 0, 3)]++;
        return counts;
    }

    /// <summary>The leader's stage over time, from enrolment (stage 0) through every change of their theme levels up to the moment.</summary>
    public static StageHistory StageTimeline(LeaderAt leader, DateTimeOffset asOf)
    {
        var moments = leader.History.SelectMany(h => h.To is { } to ? new[] { h.From, to } : [h.From])
            .Where(m => m <= asOf && m > leader.EnrolledAt).Append(leader.EnrolledAt).Distinct().Order().ToList();
        var spells = new List<LevelSpell>();
        foreach (var moment in moments)
        {
            var stage = leader.History.Where(h => h.From <= moment && (h.To is null || h.To > moment)).Select(h => h.Level).DefaultIfEmpty(0).Max();
            if (spells.Count > 0 && spells[^1].Level == stage) continue;
            if (spells.Count > 0) spells[^1] = spells[^1] with { To = moment };
            spells.Add(new LevelSpell(stage, moment, null));
        }
        return new StageHistory(leader.Id, spells);
    }
}
