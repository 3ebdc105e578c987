using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Core.Leaders.View;

/// <summary>
/// Progress from the leader-progress read model: now, or as of a moment from its history rows. Each
/// read is one round trip (<see cref="ProjectionRuntime.ReadActiveAsync{T}"/>): the leader's row, which
/// says who may see them, and the rows of their progress together; the caller shows the progress only
/// to someone the row allows.
/// </summary>
public sealed class LeaderProgressQueries(ProjectionRuntime projections)
{
    public sealed record LeaderRow(Guid LeaderId, string Affiliate, Guid FrameworkEditionId);

    /// <summary>
    /// What a leader's progress is shown from: their row (null when the read model has none), each
    /// theme's level with when it was attained, and the levels requested next (none as of a moment:
    /// requests are not kept in the history).
    /// </summary>
    public sealed record ProgressRows(LeaderRow? Leader, IReadOnlyDictionary<string, (int Level, DateTimeOffset At)> Levels, IReadOnlyList<(string Theme, int Level)> Requested)
    {
        /// <summary>Every theme of the framework at its level; a domain at the lowest level among its themes (the API's rule).</summary>
        public ProgressView View(Guid leaderId, FrameworkScope scope)
        {
            var themes = scope.ThemeToDomain.Keys.Order(StringComparer.Ordinal).Select(code =>
            {
                var (level, at) = Levels.TryGetValue(code, out var found) ? found : (0, default(DateTimeOffset));
                var next = Requested.Where(r => r.Theme == code && r.Level > level).Select(r => (int?)r.Level).Min();
                return new ThemeProgress(code, level, next, level == 0 ? null : at);
            }).ToList();
            var levelOf = themes.ToDictionary(t => t.Code, t => t.Level);
            var domains = scope.ThemeToDomain.GroupBy(p => p.Value).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new DomainProgress(g.Key, g.Min(p => levelOf[p.Key]))).ToList();
            return new ProgressView(leaderId, themes, domains);
        }
    }

    /// <summary>The leader's row and their progress now, or as of <paramref name="asOf"/>; null while the read model has no active generation (callers then fold the stream).</summary>
    /// <param name="ahead">The caller's token check, sent ahead of the read in its batch.</param>
    /// <param name="entry">The audit's entry of the read, written in the check's transaction (<see cref="Privacy.Audit.SensitiveReads.EntryOfLeaderRead"/>).</param>
    public Task<ProgressRows?> ReadAsync(Guid leaderId, DateTimeOffset? asOf, CancellationToken ct, LeaderJourney.Storage.IStatementAhead? ahead = null,
        NpgsqlBatchCommand? entry = null) =>
        projections.ReadActiveAsync(LeaderProgressProjection.ProjectionName, table => asOf is { } moment
            ?
            [
                Command($"select affiliate, framework_edition_id from {table("leaders")} where leader_id = $1", leaderId),
                Command($"""
                    select theme_code, level, attained_at from {table("history")}
                     where leader_id = $1 and valid_from <= $2 and (valid_to is null or valid_to > $2)
                    """, leaderId, moment),
            ]
            :
            [
                Command($"select affiliate, framework_edition_id from {table("leaders")} where leader_id = $1", leaderId),
                Command($"""
                    select distinct on (theme_code) theme_code, level, attained_at from {table("attainments")} where leader_id = $1 order by theme_code, level desc
                    """, leaderId),
                Command($"select theme_code, level from {table("pending")} where leader_id = $1", leaderId),
            ],
            async (reader, ct) =>
            {
                var leader = await reader.ReadAsync(ct) ? new LeaderRow(leaderId, reader.GetString(0), reader.GetGuid(1)) : null;
                await reader.NextResultAsync(ct);
                var levels = new Dictionary<string, (int Level, DateTimeOffset At)>();
                while (await reader.ReadAsync(ct)) levels[reader.GetString(0)] = (reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
                var requested = new List<(string Theme, int Level)>();
                if (await reader.NextResultAsync(ct))
                    while (await reader.ReadAsync(ct)) requested.Add((reader.GetString(0), reader.GetInt32(1)));
                return new ProgressRows(leader, levels, requested);
            }, ct, ahead, entry);

    /// <summary>The leader's progress now, from the read model (which must have an active generation).</summary>
    public async Task<ProgressView> CurrentAsync(Guid leaderId, FrameworkScope scope, CancellationToken ct) =>
        (await ReadAsync(leaderId, null, ct) ?? throw new InvalidOperationException("The leader-progress read model has no active generation.")).View(leaderId, scope);

    private static NpgsqlBatchCommand Command(string sql, Guid leaderId, DateTimeOffset? asOf = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        if (asOf is { } moment) command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = moment });
        return command;
    }
}
