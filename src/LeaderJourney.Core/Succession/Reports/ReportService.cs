namespace LeaderJourney.Core.Succession.Reports;

/// <summary>Computes the reports, now or as of a moment, the same way for both.</summary>
public sealed class ReportService(SuccessionData data, PipelineData pipeline, TimeProvider clock)
{
    /// <param name="suggestions">
    /// Whether to list the leaders who meet a position's requirements without being nominated: that
    /// weighs every leader of the affiliate against every position. Without them (the pages, which do
    /// not show them) only the positions' own people are read: a few dozen rows, not 20,000 leaders
    /// with their histories.
    /// </param>
    public async Task<SuccessionReport> SuccessionAsync(string affiliate, DateTimeOffset? asOf, CancellationToken ct, bool suggestions = true)
    {
        var now = clock.GetUtcNow();
        var at = asOf ?? now;
        var positions = await data.PositionsAsync(affiliate, at, ct);
        var people = suggestions ? null : SuccessionReport.PeopleOf(positions).ToHashSet();
        return SuccessionReport.Build(affiliate, at, now, positions, await data.LeadersAsync(affiliate, at, ct, only: people), suggestions);
    }

    /// <summary>The names known now of the affiliate's leaders enrolled by that moment (erased ones by <see cref="Domain.Leaders.Leader.ErasedName"/>).</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(string affiliate, DateTimeOffset asOf, CancellationToken ct) =>
        (await data.LeadersAsync(affiliate, asOf, ct)).ToDictionary(l => l.Id, l => l.DisplayName);

    /// <param name="equityInWholeMonths">
    /// For the board (and reports issued to it): the equity breakdown counts to the end of a whole UTC month,
    /// the last one ended at the latest, never to the present (docs/security.md).
    /// </param>
    /// <param name="issuedAt">
    /// For a report issued to the board: when it was issued, whose month's start bounds the breakdown in place of
    /// now, so that a report issued as of its own month counts the same whole months when it is reopened later.
    /// </param>
    /// <param name="stalledNames">Which stalled leaders the report names (<see cref="StalledNames.For"/> the reader); only their names are read.</param>
    /// <param name="equityAt">The breakdown's own moment, given: an issued report asked again counts it where it was counted when issued.</param>
    public async Task<PipelineReport> PipelineAsync(string affiliate, DateTimeOffset? asOf, StalledNames stalledNames, CancellationToken ct, bool equityInWholeMonths = false, DateTimeOffset? issuedAt = null,
        DateTimeOffset? equityAt = null)
    {
        var now = clock.GetUtcNow();
        var at = asOf ?? now;
        // One read of the spells serves both moments the counts look at.
        var spells = await pipeline.SpellsAsync(affiliate, at, ct);
        var histories = spells.Histories(at);
        var stalled = Domain.Succession.PipelineStatistics.StalledLeaders(histories, at);
        var attainedInTheYear = await pipeline.AttainedBetweenAsync([.. stalled.Select(s => s.LeaderId)], Domain.Succession.PipelineStatistics.YearBefore(at), at, ct);
        var named = stalledNames.Count switch
        {
            0 => null,
            null => await pipeline.NamesAsync(stalled.Select(s => s.LeaderId).ToList(), ct),
            var count => await LongestStandingAsync(affiliate, stalled, stalledNames.Skip, count.Value, ct),
        };
        // The board's breakdown as it stood at the end of a whole month: of the report's month when it is as of
        // that month's last day, else of the month before; and of the last month ended at the latest. Two
        // breakdowns of consecutive days (whole days were the rule before) showed who moved on the day between:
        // the cells that changed by one told a level attained by one person with all three of their answers. A
        // month's changes are many people's at once.
        var lastWholeMonth = StartOfMonth(issuedAt ?? now).AddTicks(-10);
        var startOfMonth = StartOfMonth(at);
        // As of a month's last second (the pages' 23:59:59, the API's last tick) is as of that month's end.
        var wholeMonth = at >= startOfMonth.AddMonths(1).AddSeconds(-1) ? at : startOfMonth.AddTicks(-10);
        equityAt ??= !equityInWholeMonths ? at : wholeMonth < lastWholeMonth ? wholeMonth : lastWholeMonth;
        // The leaders at each stage at that moment: the page shows them (as of the report's date), and they bound what is hidden.
        var (equity, answered) = await pipeline.EquityAsync(affiliate, equityAt.Value, spells.Snapshot(equityAt.Value).Stages, ct);
        return PipelineReport.Build(affiliate, spells.Snapshot(at), spells.Snapshot(at.AddYears(-1)), equity, histories, stalled, named, attainedInTheYear)
            with { EquityAsOf = equityAt.Value, EquityAnswered = answered };
    }

    private static DateTimeOffset StartOfMonth(DateTimeOffset moment) => new(moment.UtcDateTime.Year, moment.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The leaders of the affiliate whose stage has not risen in the twelve months before now: those the pipeline report counts as stalled.</summary>
    public async Task<IReadOnlyCollection<Guid>> StalledNowAsync(string affiliate, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var spells = await pipeline.SpellsAsync(affiliate, now, ct);
        return [.. Domain.Succession.PipelineStatistics.StalledLeaders(spells.Histories(now), now).Select(s => s.LeaderId)];
    }

    /// <summary>
    /// The <paramref name="count"/> stalled leaders after the first <paramref name="skip"/> of those who last rose
    /// longest ago, by the day (the moment is no one's to show, docs/security.md), then name, with their names.
    /// </summary>
    private Task<IReadOnlyList<(Guid Id, string Name)>> LongestStandingAsync(string affiliate, IReadOnlyList<Domain.Succession.StalledLeader> stalled, int skip, int count, CancellationToken ct) =>
        pipeline.NamesPageAsync(affiliate, [.. stalled.Select(s => (s.LeaderId, DateOnly.FromDateTime(s.LastProgress.UtcDateTime)))], skip, count, ct);
}
