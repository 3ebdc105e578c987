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

    /// <summary>The report from its parts: the counts now and a year earlier, the equity breakdown, the stage histories of the leaders counted now, and which of them are stalled.</summary>
    /// <param name="stalled">The stalled leaders with their names, in the order <see cref="PipelineData.NamesAsync"/> gives.</param>
    public static PipelineReport Build(string affiliate, PipelineSnapshot now, PipelineSnapshot yearEarlier, IReadOnlyList<EquityRowView> equity,
        IReadOnlyList<StageHistory> histories, IReadOnlyList<(Guid Id, string Name)> stalled)
    {
        var asOf = now.AsOf;
        var byId = histories.ToDictionary(h => h.LeaderId);
        var stalledViews = stalled
            .Select(n => new StalledView(n.Id, n.Name, PipelineStatistics.StageAt(byId[n.Id], asOf) ?? 0,
                PipelineStatistics.LastProgress(byId[n.Id], asOf) is { } last ? DateOnly.FromDateTime(last.UtcDateTime) : null))
            .ToArray();
        return new PipelineReport(affiliate, asOf, now.Leaders, now.Stages, now.Domains, equity, yearEarlier,
            now.Stages.Zip(yearEarlier.Stages, (a, b) => a - b).ToArray(),
            PipelineStatistics.MedianTimeAtLevel(histories, asOf), stalledViews);
    }
}
