using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Succession;
using LeaderJourney.EventStore.Projections;
using Npgsql;

namespace LeaderJourney.Core.Succession.Reports;

/// <summary>
/// What the pipeline report counts, at any moment, summed in the database from the stage and domain
/// spells the pipeline-history read model keeps (<see cref="PipelineHistoryProjection"/>). A leader counts
/// at a moment when they were enrolled by then and not withdrawn then.
/// </summary>
public sealed class PipelineData(ProjectionRuntime projections, NpgsqlDataSource dataSource, FrameworkScopes scopes)
{
    // A spell of the alias covers the moment $2, and the leader was not withdrawn then.
    private static string Counted(string alias) =>
        $"not {alias}.withdrawn and {alias}.valid_from <= $2 and ({alias}.valid_to is null or {alias}.valid_to > $2)";

    /// <summary>The leaders counted at the moment, by stage and by level in every domain of their frameworks.</summary>
    public async Task<PipelineSnapshot> SnapshotAsync(string affiliate, DateTimeOffset at, CancellationToken ct)
    {
        var stages = await Table("stages", ct);
        var stageCounts = new int[PipelineStatistics.TopStage + 1];
        var editions = new HashSet<Guid>();
        await ReadAsync($"""
            select l.edition_id, s.stage, count(*)::int from {stages} s join {await Table("leaders", ct)} l on l.leader_id = s.leader_id
             where s.affiliate = $1 and {Counted("s")} group by 1, 2
            """, affiliate, at, r =>
        {
            editions.Add(r.GetGuid(0));
            stageCounts[Math.Clamp(r.GetInt32(1), 0, PipelineStatistics.TopStage)] += r.GetInt32(2);
        }, ct);
        var counted = stageCounts.Sum();

        var codes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var edition in editions)
            codes.UnionWith((await scopes.FindAsync(edition, ct) ?? throw new InvalidOperationException($"Framework edition {edition} is not in the catalog.")).DomainThemes.Keys);
        var levels = codes.ToDictionary(c => c, _ => new int[PipelineStatistics.TopStage + 1], StringComparer.Ordinal);
        await ReadAsync($"""
            select d.domain_code, d.level, count(*)::int from {await Table("domains", ct)} d join {stages} s on s.leader_id = d.leader_id and {Counted("s")}
             where d.affiliate = $1 and d.valid_from <= $2 and (d.valid_to is null or d.valid_to > $2) group by 1, 2
            """, affiliate, at, r =>
        {
            if (levels.TryGetValue(r.GetString(0), out var counts)) counts[Math.Clamp(r.GetInt32(1), 0, PipelineStatistics.TopStage)] += r.GetInt32(2);
        }, ct);
        // Level 0 is everyone counted who stands higher in none: the read model keeps levels of 1 and above.
        foreach (var counts in levels.Values) counts[0] = counted - counts.Skip(1).Sum();
        return new PipelineSnapshot(at, counted, stageCounts, levels.Select(l => new DomainLevelsView(l.Key, l.Value)).ToArray());
    }

    /// <summary>The equity breakdown at the moment: consenting leaders counted by category value and stage, small cells suppressed.</summary>
    public async Task<IReadOnlyList<EquityRowView>> EquityAsync(string affiliate, DateTimeOffset at, CancellationToken ct)
    {
        var values = await projections.ActiveTableAsync(EquityProjection.ProjectionName, "values", ct) ?? throw new ReadModelNotReadyException(EquityProjection.ProjectionName);
        var rows = new Dictionary<(string Category, string Value), int[]>();
        await ReadAsync($"""
            select v.category, v.value, s.stage, count(distinct v.leader_id)::int
              from {values} v join {await Table("stages", ct)} s on s.leader_id = v.leader_id and s.affiliate = $1 and {Counted("s")}
             where v.valid_from <= $2 and (v.valid_to is null or v.valid_to > $2)
             group by 1, 2, 3
            """, affiliate, at, r =>
        {
            var key = (r.GetString(0), r.GetString(1));
            if (!rows.TryGetValue(key, out var counts)) rows[key] = counts = new int[PipelineStatistics.TopStage + 1];
            counts[Math.Clamp(r.GetInt32(2), 0, PipelineStatistics.TopStage)] += r.GetInt32(3);
        }, ct);
        return rows.OrderBy(r => r.Key.Category, StringComparer.Ordinal).ThenBy(r => r.Key.Value, StringComparer.Ordinal)
            .Select(r => new EquityRowView(r.Key.Category, r.Key.Value, SmallCells.Suppress(r.Value))).ToArray();
    }

    /// <summary>The stage histories, up to the moment, of the leaders counted then.</summary>
    public async Task<IReadOnlyList<StageHistory>> StageHistoriesAsync(string affiliate, DateTimeOffset at, CancellationToken ct)
    {
        var stages = await Table("stages", ct);
        var histories = new List<StageHistory>();
        var (leader, spells) = (Guid.Empty, new List<LevelSpell>());
        await ReadAsync($"""
            select s.leader_id, s.stage, s.valid_from, s.valid_to from {stages} s
             where s.affiliate = $1 and s.valid_from <= $2
               and s.leader_id in (select c.leader_id from {stages} c where c.affiliate = $1 and {Counted("c")})
             order by s.leader_id, s.valid_from
            """, affiliate, at, r =>
        {
            var id = r.GetGuid(0);
            if (id != leader)
            {
                if (spells.Count > 0) histories.Add(new StageHistory(leader, spells));
                (leader, spells) = (id, []);
            }
            var spell = new LevelSpell(r.GetInt32(1), r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3));
            // Spells split only where the leader was withdrawn or came back are one spell at that stage.
            if (spells.Count > 0 && spells[^1].Level == spell.Level) spells[^1] = spells[^1] with { To = spell.To };
            else spells.Add(spell);
        }, ct);
        if (spells.Count > 0) histories.Add(new StageHistory(leader, spells));
        return histories;
    }

    /// <summary>The leaders' names as known now (erased ones by their erased name), by name.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> NamesAsync(IReadOnlyCollection<Guid> leaders, CancellationToken ct)
    {
        var table = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct) ?? throw new ReadModelNotReadyException(LeaderProgressProjection.ProjectionName);
        var names = new List<(Guid, string)>();
        await using var command = dataSource.CreateCommand($"select leader_id, display_name from {table} where leader_id = any($1) order by display_name, leader_id");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = leaders.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names.Add((reader.GetGuid(0), reader.GetString(1)));
        return names;
    }

    private async Task ReadAsync(string sql, string affiliate, DateTimeOffset at, Action<NpgsqlDataReader> row, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) row(reader);
    }

    private async Task<string> Table(string table, CancellationToken ct) =>
        await projections.ActiveTableAsync(PipelineHistoryProjection.ProjectionName, table, ct) ?? throw new ReadModelNotReadyException(PipelineHistoryProjection.ProjectionName);
}
