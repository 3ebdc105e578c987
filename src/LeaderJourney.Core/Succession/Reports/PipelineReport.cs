using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Core.Succession.Reports;

public sealed record DomainLevelsView(string Code, IReadOnlyList<int> Levels);
public sealed record EquityRowView(string Category, string Value, IReadOnlyList<int?> Stages);
/// <summary>How many consenting leaders at each stage answered a category: what a value's share is of. Suppressed as its rows are.</summary>
public sealed record EquityAnsweredView(string Category, IReadOnlyList<int?> Stages);
/// <param name="LastProgress">The day of the leader's last step (a date: nobody's exact times leave their record).</param>
public sealed record StalledView(Guid LeaderId, string DisplayName, int Stage, DateOnly LastProgress)
{
    /// <summary>Whether they attained a level in some theme in those twelve months, their stage standing still.</summary>
    public bool AttainedInTheYear { get; init; }
}

/// <summary>
/// Which of the stalled leaders a pipeline report names. Staff reach out to them, so staff's report names
/// them all (their page, the <see cref="LongestStanding"/> few it shows); the board needs how many there
/// are, not who (docs/security.md), so its reports, and those issued to it, name none.
/// </summary>
public sealed record StalledNames(int? Count, int Skip = 0)
{
    public static readonly StalledNames All = new((int?)null);
    public static readonly StalledNames None = new(0);

    /// <summary>A page of them, those whose stage has stood longest first: <paramref name="count"/> after the first <paramref name="skip"/>.</summary>
    public static StalledNames LongestStanding(int count, int skip = 0) => new(count, Math.Max(0, skip));

    public static StalledNames For(Access.CurrentUser reader) => reader.Role == Access.Roles.Board ? None : All;
}
public sealed record PipelineSnapshot(DateTimeOffset AsOf, int Leaders, IReadOnlyList<int> Stages, IReadOnlyList<DomainLevelsView> Domains);

/// <summary>
/// The pipeline report of API.md: leaders counted by stage (highest level in any theme) and by domain
/// level, the equity breakdown of consenting leaders with small cells suppressed, the same counts a year
/// earlier, the median days spent at each stage, and how many leaders' stage has not risen in twelve months
/// (<see cref="Stalled"/> names them, or some of them, for staff; null when the reader sees no names:
/// <see cref="StalledNames"/>). Withdrawn leaders are not counted.
/// </summary>
public sealed record PipelineReport(
    string Affiliate, DateTimeOffset AsOf, int Leaders, IReadOnlyList<int> Stages, IReadOnlyList<DomainLevelsView> Domains,
    IReadOnlyList<EquityRowView> Equity, PipelineSnapshot YearEarlier, IReadOnlyList<int> StageChange,
    IReadOnlyDictionary<int, double?> MedianDaysAtStage, int StalledCount, IReadOnlyList<StalledView>? Stalled)
{
    /// <summary>The stalled leaders counted by their stage now, [n0, n1, n2, n3] (none at the top stage); null in a report issued before it was counted.</summary>
    public IReadOnlyList<int>? StalledStages { get; init; }

    /// <summary>
    /// Of the stalled leaders, by their stage now, those who attained no level in any theme in the twelve months
    /// either: the ones truly standing still (the others grow a theme at a time below their next stage). Null in
    /// a report issued before it was counted.
    /// </summary>
    public IReadOnlyList<int>? NoLevelStages { get; init; }

    /// <summary>
    /// The moment the equity breakdown counts to: <see cref="AsOf"/>, or for the board the end of the last
    /// complete UTC day when that is earlier, so reloading a report cannot show which row one person just left.
    /// </summary>
    public DateTimeOffset EquityAsOf { get; init; } = AsOf;

    /// <summary>By category, the consenting leaders at each stage who answered it; null in a report issued before it was counted.</summary>
    public IReadOnlyList<EquityAnsweredView>? EquityAnswered { get; init; }

    /// <summary>A value's share of those at the stage who answered its category; null where either count is hidden or the count is 0 (nothing to add to it).</summary>
    public double? Share(EquityRowView row, int stage) =>
        row.Stages[stage] is > 0 and { } count && EquityAnswered?.FirstOrDefault(a => a.Category == row.Category)?.Stages[stage] is { } answered && answered > 0
            ? (double)count / answered
            : null;

    /// <summary>The report from its parts: the counts now and a year earlier, the equity breakdown, the stage histories of the leaders counted now, and which of them are stalled.</summary>
    /// <param name="named">The stalled leaders the report names, in the order they are shown, or null when it names none.</param>
    /// <param name="attainedInTheYear">Those of the stalled who attained a level in some theme in the twelve months.</param>
    public static PipelineReport Build(string affiliate, PipelineSnapshot now, PipelineSnapshot yearEarlier, IReadOnlyList<EquityRowView> equity,
        IReadOnlyList<StageHistory> histories, IReadOnlyList<StalledLeader> stalled, IReadOnlyList<(Guid Id, string Name)>? named, IReadOnlySet<Guid> attainedInTheYear)
    {
        var asOf = now.AsOf;
        var byId = stalled.ToDictionary(s => s.LeaderId);
        var views = named?.Select(n => new StalledView(n.Id, n.Name, byId[n.Id].Stage, DateOnly.FromDateTime(byId[n.Id].LastProgress.UtcDateTime))
            { AttainedInTheYear = attainedInTheYear.Contains(n.Id) }).ToArray();
        return new PipelineReport(affiliate, asOf, now.Leaders, now.Stages, now.Domains, equity, yearEarlier,
            now.Stages.Zip(yearEarlier.Stages, (a, b) => a - b).ToArray(),
            PipelineStatistics.MedianTimeAtLevel(histories, asOf), stalled.Count, views)
        {
            StalledStages = Enumerable.Range(0, PipelineStatistics.TopStage + 1).Select(stage => stalled.Count(s => s.Stage == stage)).ToArray(),
            NoLevelStages = Enumerable.Range(0, PipelineStatistics.TopStage + 1).Select(stage => stalled.Count(s => s.Stage == stage && !attainedInTheYear.Contains(s.LeaderId))).ToArray(),
        };
    }
}
