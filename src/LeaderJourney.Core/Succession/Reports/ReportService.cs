namespace LeaderJourney.Core.Succession.Reports;

/// <summary>Computes the reports, now or as of a moment, the same way for both.</summary>
public sealed class ReportService(SuccessionData data, TimeProvider clock)
{
    public async Task<SuccessionReport> SuccessionAsync(string affiliate, DateTimeOffset? asOf, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var at = asOf ?? now;
        return SuccessionReport.Build(affiliate, at, now, await data.PositionsAsync(affiliate, at, ct), await data.LeadersAsync(affiliate, at, ct));
    }

    /// <summary>The names known now of the affiliate's leaders enrolled by that moment (erased ones by <see cref="Domain.Leaders.Leader.ErasedName"/>).</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(string affiliate, DateTimeOffset asOf, CancellationToken ct) =>
        (await data.LeadersAsync(affiliate, asOf, ct)).ToDictionary(l => l.Id, l => l.DisplayName);

    public async Task<PipelineReport> PipelineAsync(string affiliate, DateTimeOffset? asOf, CancellationToken ct)
    {
        var at = asOf ?? clock.GetUtcNow();
        var leaders = await data.LeadersAsync(affiliate, at, ct);
        var yearEarlier = at.AddYears(-1);
        var earlier = PipelineReport.Snapshot(yearEarlier, await data.LeadersAsync(affiliate, yearEarlier, ct));
        var equity = await data.EquityAsync(leaders.Select(l => l.Id).ToArray(), at, ct);
        return PipelineReport.Build(affiliate, at, leaders, earlier, equity);
    }
}
