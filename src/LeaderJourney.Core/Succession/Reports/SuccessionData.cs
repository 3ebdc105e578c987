using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Succession;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Core.Succession.Reports;

/// <summary>A leader as they stood at a moment: status, and level per theme (0 when not attained).</summary>
public sealed record LeaderAt(Guid Id, string DisplayName, string? Local, string Status, DateTimeOffset EnrolledAt, FrameworkScope Scope,
    IReadOnlyDictionary<string, int> ThemeLevels, IReadOnlyList<(string Theme, int Level, DateTimeOffset From, DateTimeOffset? To)> History)
{
    private Dictionary<string, int>? _domainLevels;

    public int ThemeLevel(string code) => ThemeLevels.GetValueOrDefault(code);

    /// <summary>API rule: a domain stands at the lowest level among its themes (worked out once per leader; reports ask often).</summary>
    public int DomainLevel(string domain)
    {
        _domainLevels ??= Scope.DomainThemes.ToDictionary(d => d.Key, d => d.Value.Min(ThemeLevel));
        return _domainLevels.GetValueOrDefault(domain);
    }

    /// <summary>The highest level attained in any theme.</summary>
    public int Stage { get; } = ThemeLevels.Values.DefaultIfEmpty(0).Max();
}

/// <summary>
/// What the succession report and the position pages are computed from, as of any moment: the
/// leader-progress history (levels and status with valid-from / valid-to) and the position streams
/// folded up to that moment (the pipeline report reads <see cref="PipelineData"/>). Computing "now" the
/// same way as "as of" is what makes a past report equal the one produced then.
/// </summary>
public sealed class SuccessionData(Store store, ProjectionRuntime projections, NpgsqlDataSource dataSource, FrameworkScopes scopes)
{
    /// <param name="only">These leaders alone (the people of the positions, say), when given.</param>
    public async Task<IReadOnlyList<LeaderAt>> LeadersAsync(string affiliate, DateTimeOffset asOf, CancellationToken ct, IReadOnlyCollection<Guid>? only = null)
    {
        var leadersTable = await Table(LeaderProgressProjection.ProjectionName, "leaders", ct);
        var statusTable = await Table(LeaderProgressProjection.ProjectionName, "status_history", ct);
        var historyTable = await Table(LeaderProgressProjection.ProjectionName, "history", ct);

        var rows = new List<(Guid Id, string Name, string? Local, Guid Edition, DateTimeOffset Enrolled, string Status)>();
        await using (var command = dataSource.CreateCommand($"""
            select l.leader_id, l.display_name, l.local, l.framework_edition_id, l.enrolled_at,
                   coalesce((select s.status from {statusTable} s where s.leader_id = l.leader_id and s.valid_from <= $2
                              order by s.valid_from desc limit 1), 'active')
              from {leadersTable} l where l.affiliate = $1 and l.enrolled_at <= $2 {(only is null ? "" : "and l.leader_id = any($3)")}
             order by l.display_name, l.leader_id
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
            if (only is not null) command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = only.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetGuid(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5)));
        }

        var history = new Dictionary<Guid, List<(string, int, DateTimeOffset, DateTimeOffset?)>>();
        // By the leaders' ids (the history's index leads with them): joined on the affiliate instead, the
        // planner scans the whole national history for one state's report.
        await using (var command = dataSource.CreateCommand($"""
            select h.leader_id, h.theme_code, h.level, h.valid_from, h.valid_to
              from {historyTable} h
             where h.leader_id = any($1) and h.valid_from <= $2
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = rows.Select(r => r.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                if (!history.TryGetValue(id, out var list)) history[id] = list = [];
                list.Add((reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        var leaders = new List<LeaderAt>();
        foreach (var row in rows)
        {
            var scope = await scopes.FindAsync(row.Edition, ct) ?? throw new InvalidOperationException($"Framework edition {row.Edition} is not in the catalog.");
            var spells = history.GetValueOrDefault(row.Id) ?? [];
            var levels = spells.Where(s => s.Item3 <= asOf && (s.Item4 is null || s.Item4 > asOf)).ToDictionary(s => s.Item1, s => s.Item2);
            leaders.Add(new LeaderAt(row.Id, row.Name, row.Local, row.Status, row.Enrolled, scope, levels, spells));
        }
        return leaders;
    }

    /// <summary>
    /// The affiliate's positions as they stood at the moment, those retired by then left out. Position
    /// streams are few and short, so they are folded, up to the events' own times (as the level history
    /// uses its events' times), so that every part of a report is read on one clock.
    /// </summary>
    public async Task<IReadOnlyList<Position>> PositionsAsync(string affiliate, DateTimeOffset asOf, CancellationToken ct) =>
        [.. (await PositionHistoriesAsync(affiliate, asOf, ct)).Select(h => h.Position).Where(p => !p.IsRetired)];

    /// <summary>The affiliate's positions as they stood at the moment (as <see cref="PositionsAsync"/>, those retired by then included), each with the events that made it so.</summary>
    public async Task<IReadOnlyList<(Position Position, IReadOnlyList<StoredEvent> Events)>> PositionHistoriesAsync(string affiliate, DateTimeOffset asOf, CancellationToken ct)
    {
        var positions = new List<(Position, IReadOnlyList<StoredEvent>)>();
        var ids = await PositionIdsAsync(affiliate, ct);
        var streams = await store.ReadStreamsAsync(ids, ct);
        foreach (var id in ids)
        {
            var events = streams.GetValueOrDefault(id, []).TakeWhile(e => TimeOf(e.Data) <= asOf).ToList();
            var position = events.Select(e => e.Data).Aggregate(Position.Initial, Position.Evolve);
            if (position.IsDefined) positions.Add((position, events));
        }
        return positions;
    }

    /// <summary>The ids of the affiliate's position streams, oldest first; those made at one moment (a bulk load) by id, so that pages keep their order as positions change.</summary>
    public async Task<IReadOnlyList<Guid>> PositionIdsAsync(string affiliate, CancellationToken ct)
    {
        var ids = new List<Guid>();
        await using var command = dataSource.CreateCommand($"select id from {store.Schema}.mt_streams where type = 'position' and tenant_id = $1 order by created, id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// <summary>When a position event was recorded (its own time, on the clock of the level history).</summary>
    public static DateTimeOffset TimeOf(object positionEvent) => positionEvent switch
    {
        PositionDefined e => e.DefinedAt,
        RequirementsChanged e => e.ChangedAt,
        IncumbentSeated e => e.SeatedAt,
        IncumbentVacated e => e.VacatedAt,
        TermEndSet e => e.SetAt,
        CandidateNominated e => e.NominatedAt,
        CandidateWithdrawn e => e.WithdrawnAt,
        ReadinessAssessed e => e.AssessedAt,
        Appointed e => e.AppointedAt,
        PositionRetired e => e.RetiredAt,
        _ => throw new ArgumentException($"Unknown position event {positionEvent.GetType().Name}."),
    };

    private async Task<string> Table(string projection, string table, CancellationToken ct) =>
        await projections.ActiveTableAsync(projection, table, ct) ?? throw new ReadModelNotReadyException(projection);
}

/// <summary>A report needs a read model whose first generation is still being built, or (with its own message) one that has not caught up yet.</summary>
public sealed class ReadModelNotReadyException(string projection, string? message = null)
    : Exception(message ?? $"The {projection} read model is still being built; try again shortly.");
