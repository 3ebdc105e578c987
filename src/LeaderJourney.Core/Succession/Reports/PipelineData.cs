using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Succession;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Core.Succession.Reports;

/// <summary>
/// What the pipeline report counts, from the stage and domain spells the pipeline-history read model
/// keeps (<see cref="PipelineHistoryProjection"/>): read once per report (a few rows per leader), then
/// looked at as of each moment the report needs. A leader counts at a moment when they were enrolled
/// by then and not withdrawn then.
/// </summary>
public sealed class PipelineData(ProjectionRuntime projections, NpgsqlDataSource dataSource, FrameworkScopes scopes)
{
    /// <summary>
    /// Waits until the read models the pipeline report counts (pipeline-history, equity; both under the
    /// daemon) have applied every event stored so far: a report that is issued, kept and hashed for the
    /// board must not leave out a change made a moment before. Not caught up in time: refused, to be
    /// issued again.
    /// </summary>
    public async Task CatchUpAsync(TimeSpan timeout, CancellationToken ct)
    {
        var head = await projections.Store.ReadLastSequenceAsync(ct);
        foreach (var name in new[] { PipelineHistoryProjection.ProjectionName, EquityProjection.ProjectionName })
        {
            try
            {
                await projections.WaitForAsync(name, head, timeout, ct);
            }
            catch (TimeoutException)
            {
                throw new ReadModelNotReadyException(name, "The reports have not caught up with the latest changes yet; issue the report again in a moment.");
            }
        }
    }

    /// <summary>The affiliate's stage and domain spells that began by <paramref name="upTo"/>.</summary>
    public async Task<PipelineSpells> SpellsAsync(string affiliate, DateTimeOffset upTo, CancellationToken ct)
    {
        var leaders = new Dictionary<Guid, PipelineSpells.Leader>();
        // No order asked of the database: each leader's few spells are put in order here.
        await ReadAsync($"select leader_id, edition_id, stage, withdrawn, valid_from, valid_to from {await Table("stages", ct)} where affiliate = $1 and valid_from <= $2",
            affiliate, upTo, r =>
            {
                var id = r.GetGuid(0);
                if (!leaders.TryGetValue(id, out var leader)) leaders[id] = leader = new(id, r.GetGuid(1));
                leader.Stages.Add(new(r.GetInt32(2), r.GetBoolean(3), r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5)));
            }, ct);
        await ReadAsync($"select leader_id, domain_code, level, valid_from, valid_to from {await Table("domains", ct)} where affiliate = $1 and valid_from <= $2",
            affiliate, upTo, r =>
            {
                if (leaders.TryGetValue(r.GetGuid(0), out var leader))
                    leader.Domains.Add(new(r.GetString(1), r.GetInt32(2), r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4)));
            }, ct);
        var domains = new Dictionary<Guid, IReadOnlyCollection<string>>();
        foreach (var edition in leaders.Values.Select(l => l.Edition).Distinct())
            domains[edition] = (await scopes.FindAsync(edition, ct) ?? throw new InvalidOperationException($"Framework edition {edition} is not in the catalog.")).DomainThemes.Keys.ToArray();
        foreach (var leader in leaders.Values) leader.Stages.Sort((a, b) => a.From.CompareTo(b.From));
        return new PipelineSpells(upTo, leaders.Values.ToArray(), domains);
    }

    /// <summary>
    /// The equity breakdown at the moment: consenting leaders counted by category value and stage, and by
    /// category and stage those who answered it (a value's share is of them), small cells suppressed a
    /// category at a time (<see cref="SmallCells.SuppressCategory"/>).
    /// </summary>
    /// <param name="atStage">How many leaders the report shows at each stage at <paramref name="at"/>: they bound what is hidden.</param>
    public async Task<(IReadOnlyList<EquityRowView> Rows, IReadOnlyList<EquityAnsweredView> Answered)> EquityAsync(string affiliate, DateTimeOffset at,
        IReadOnlyList<int> atStage, CancellationToken ct)
    {
        var values = await projections.ActiveTableAsync(EquityProjection.ProjectionName, "values", ct) ?? throw new ReadModelNotReadyException(EquityProjection.ProjectionName);
        var rows = new Dictionary<(string Category, string Value), int[]>();
        var answered = new Dictionary<string, int[]>();
        // Grouped byte-wise ("C"): the order is made here, and grouping under the database's collation
        // is slower. Distinct leaders: records whose times came out of order can leave two rows of one
        // value covering the same moment.
        await ReadAsync($"""
            select category, value, stage, count(distinct leader_id)::int, grouping(value) = 1
              from (select v.category collate "C" as category, v.value collate "C" as value, s.stage, v.leader_id
                      from {values} v
                      join {await Table("stages", ct)} s on s.leader_id = v.leader_id and s.affiliate = $1
                           and not s.withdrawn and s.valid_from <= $2 and (s.valid_to is null or s.valid_to > $2)
                     where v.valid_from <= $2 and (v.valid_to is null or v.valid_to > $2)) counted
             group by grouping sets ((category, value, stage), (category, stage))
            """, affiliate, at, r =>
        {
            // The second set counts each category's answers once per person, whatever values they gave.
            var counts = r.GetBoolean(4)
                ? Counts(answered, r.GetString(0))
                : Counts(rows, (r.GetString(0), r.GetString(1)));
            counts[Math.Clamp(r.GetInt32(2), 0, PipelineStatistics.TopStage)] += r.GetInt32(3);
        }, ct);
        var equity = new List<EquityRowView>();
        var answers = new List<EquityAnsweredView>();
        foreach (var category in answered.Keys.Order(StringComparer.Ordinal))
        {
            var ofCategory = rows.Where(r => r.Key.Category == category).OrderBy(r => r.Key.Value, StringComparer.Ordinal).ToArray();
            var (cells, totals) = SmallCells.SuppressCategory([.. ofCategory.Select(v => (IReadOnlyList<int>)v.Value)], answered[category], atStage);
            equity.AddRange(ofCategory.Select((v, i) => new EquityRowView(category, v.Key.Value, cells[i])));
            answers.Add(new EquityAnsweredView(category, totals));
        }
        return (equity, answers);

        static int[] Counts<TKey>(Dictionary<TKey, int[]> counts, TKey key) where TKey : notnull =>
            counts.TryGetValue(key, out var found) ? found : counts[key] = new int[PipelineStatistics.TopStage + 1];
    }

    /// <summary>
    /// The leaders' names as known now (erased ones by their erased name), by name (ordinal), and by id
    /// in the database's order where names are the same.
    /// </summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> NamesAsync(IReadOnlyCollection<Guid> leaders, CancellationToken ct)
    {
        if (leaders.Count == 0) return [];
        var table = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct) ?? throw new ReadModelNotReadyException(LeaderProgressProjection.ProjectionName);
        var names = new List<(Guid Id, string Name, string Key)>();
        await using var command = dataSource.CreateCommand($"select leader_id, display_name from {table} where leader_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = leaders.ToArray() });
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) names.Add((reader.GetGuid(0), reader.GetString(1), reader.GetGuid(0).ToString()));
        // A uuid's text sorts as PostgreSQL orders uuids (byte by byte); Guid.CompareTo does not.
        return names.OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Key, StringComparer.Ordinal).Select(n => (n.Id, n.Name)).ToArray();
    }

    /// <summary>
    /// A page of <paramref name="leaders"/> by the day they last rose, then name, with their names: ordered and cut in
    /// the database, so only the page's names are read (the order by name needs no name outside it).
    /// </summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> NamesPageAsync(string affiliate, IReadOnlyList<(Guid Id, DateOnly Day)> leaders, int skip, int take, CancellationToken ct)
    {
        if (leaders.Count == 0 || take <= 0) return [];
        var table = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct) ?? throw new ReadModelNotReadyException(LeaderProgressProjection.ProjectionName);
        var page = new List<(Guid, string)>();
        // collate "C" and the uuid's text: the order NamesAsync gives (ordinal names, then the id as PostgreSQL orders uuids).
        await using var command = dataSource.CreateCommand($"""
            select l.leader_id, l.display_name from unnest($1::uuid[], $2::date[]) as s(id, day) join {table} l on l.leader_id = s.id and l.affiliate = $5
             order by s.day, l.display_name collate "C", l.leader_id offset $3 limit $4
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = leaders.Select(l => l.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = leaders.Select(l => l.Day).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = skip });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = take });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) page.Add((reader.GetGuid(0), reader.GetString(1)));
        return page;
    }

    private async Task ReadAsync(string sql, string affiliate, DateTimeOffset at, Action<NpgsqlDataReader> row, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) row(reader);
    }

    /// <summary>
    /// Of these leaders, those who attained a level in any theme after <paramref name="from"/> and by
    /// <paramref name="to"/>, one not taken back by then (a mentor's undo of a wrong tap is no step). Read for
    /// the stalled leaders: their stage stood still, but most grow a theme at a time meanwhile.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> AttainedBetweenAsync(IReadOnlyCollection<Guid> leaders, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var found = new HashSet<Guid>();
        if (leaders.Count == 0) return found;
        var changes = await Table("changes", ct);
        await using var command = dataSource.CreateCommand($"""
            select distinct c.leader_id from {changes} c
             where c.leader_id = any($1) and c.attained and c.at > $2 and c.at <= $3
               and not exists (select 1 from {changes} r where r.leader_id = c.leader_id and r.number > c.number and r.at <= $3
                                 and r.attained = false and r.theme_code = c.theme_code and r.level = c.level)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = leaders.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found.Add(reader.GetGuid(0));
        return found;
    }

    private async Task<string> Table(string table, CancellationToken ct) =>
        await projections.ActiveTableAsync(PipelineHistoryProjection.ProjectionName, table, ct) ?? throw new ReadModelNotReadyException(PipelineHistoryProjection.ProjectionName);
}

/// <summary>An affiliate's stage and domain spells up to a moment (<see cref="PipelineData.SpellsAsync"/>), looked at as of any moment up to it.</summary>
public sealed class PipelineSpells
{
    public sealed record Leader(Guid Id, Guid Edition)
    {
        /// <summary>In time order.</summary>
        public List<StageSpell> Stages { get; } = [];
        public List<DomainSpell> Domains { get; } = [];

        /// <summary>The stage spell covering the moment; null before enrolment.</summary>
        public StageSpell? At(DateTimeOffset moment)
        {
            for (var i = Stages.Count - 1; i >= 0; i--)
                if (Stages[i].From <= moment) return Stages[i].To is null || Stages[i].To > moment ? Stages[i] : null;
            return null;
        }
    }

    private readonly DateTimeOffset _upTo;
    private readonly IReadOnlyList<Leader> _leaders;
    private readonly IReadOnlyDictionary<Guid, IReadOnlyCollection<string>> _domains;

    internal PipelineSpells(DateTimeOffset upTo, IReadOnlyList<Leader> leaders, IReadOnlyDictionary<Guid, IReadOnlyCollection<string>> domains) =>
        (_upTo, _leaders, _domains) = (upTo, leaders, domains);

    private IEnumerable<(Leader Leader, int Stage)> Counted(DateTimeOffset moment)
    {
        if (moment > _upTo) throw new ArgumentOutOfRangeException(nameof(moment), $"The spells were read up to {_upTo:O}.");
        foreach (var leader in _leaders)
            if (leader.At(moment) is { Withdrawn: false } spell) yield return (leader, spell.Stage);
    }

    /// <summary>The leaders counted at the moment, by stage and by level in every domain of their frameworks.</summary>
    public PipelineSnapshot Snapshot(DateTimeOffset moment)
    {
        var stages = new int[PipelineStatistics.TopStage + 1];
        var domainLevels = new Dictionary<string, int[]>(StringComparer.Ordinal);
        // Leaders whose framework has each domain: only they stand at one of its levels, Level 0 included.
        var inDomain = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (leader, stage) in Counted(moment))
        {
            stages[Math.Clamp(stage, 0, PipelineStatistics.TopStage)]++;
            foreach (var code in _domains[leader.Edition]) inDomain[code] = inDomain.GetValueOrDefault(code) + 1;
            foreach (var d in leader.Domains)
                if (d.From <= moment && (d.To is null || d.To > moment))
                {
                    if (!domainLevels.TryGetValue(d.Domain, out var counts)) domainLevels[d.Domain] = counts = new int[PipelineStatistics.TopStage + 1];
                    counts[Math.Clamp(d.Level, 0, PipelineStatistics.TopStage)]++;
                }
        }
        var counted = stages.Sum();
        // Level 0 is everyone counted on a framework with the domain who stands higher in none (the read model keeps levels of 1 and above).
        var domains = inDomain.Keys.Order(StringComparer.Ordinal).Select(code =>
        {
            var counts = domainLevels.TryGetValue(code, out var found) ? found : new int[PipelineStatistics.TopStage + 1];
            counts[0] = inDomain[code] - counts.Skip(1).Sum();
            return new DomainLevelsView(code, counts);
        }).ToArray();
        return new PipelineSnapshot(moment, counted, stages, domains);
    }

    /// <summary>The stage histories, up to the moment, of the leaders counted then (a stage split only where they were withdrawn is one spell).</summary>
    public IReadOnlyList<StageHistory> Histories(DateTimeOffset moment)
    {
        var histories = new List<StageHistory>();
        foreach (var (leader, _) in Counted(moment))
        {
            var spells = new List<LevelSpell>(leader.Stages.Count);
            foreach (var s in leader.Stages)
            {
                if (s.From > moment) break;
                if (spells.Count > 0 && spells[^1].Level == s.Stage) spells[^1] = spells[^1] with { To = s.To };
                else spells.Add(new LevelSpell(s.Stage, s.From, s.To));
            }
            histories.Add(new StageHistory(leader.Id, spells));
        }
        return histories;
    }
}
