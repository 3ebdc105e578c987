using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore.Projections;
using Npgsql;

namespace LeaderJourney.Core.Leaders.View;

/// <summary>Progress from the leader-progress read model: now, or as of a moment from its history rows.</summary>
public sealed class LeaderProgressQueries(ProjectionRuntime projections, NpgsqlDataSource dataSource)
{
    public sealed record LeaderRow(Guid LeaderId, string Affiliate, Guid FrameworkEditionId);

    /// <summary>The leader's row; null when the read model has no active generation yet (callers then fold the stream).</summary>
    public async Task<(bool Ready, LeaderRow? Leader)> FindAsync(Guid leaderId, CancellationToken ct)
    {
        if (await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct) is not { } leaders) return (false, null);
        await using var command = dataSource.CreateCommand($"select affiliate, framework_edition_id from {leaders} where leader_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return (true, await reader.ReadAsync(ct) ? new LeaderRow(leaderId, reader.GetString(0), reader.GetGuid(1)) : null);
    }

    public async Task<ProgressView> CurrentAsync(Guid leaderId, FrameworkScope scope, CancellationToken ct)
    {
        var attainments = await Table("attainments", ct);
        var pending = await Table("pending", ct);
        var levels = new Dictionary<string, (int Level, DateTimeOffset At)>();
        await using (var command = dataSource.CreateCommand($"""
            select distinct on (theme_code) theme_code, level, attained_at from {attainments} where leader_id = $1 order by theme_code, level desc
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) levels[reader.GetString(0)] = (reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
        var requested = new List<(string Theme, int Level)>();
        await using (var command = dataSource.CreateCommand($"select theme_code, level from {pending} where leader_id = $1"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) requested.Add((reader.GetString(0), reader.GetInt32(1)));
        }
        return View(leaderId, scope, code =>
        {
            var (level, at) = levels.TryGetValue(code, out var found) ? found : (0, default(DateTimeOffset));
            var next = requested.Where(r => r.Theme == code && r.Level > level).Select(r => (int?)r.Level).Min();
            return new ThemeProgress(code, level, next, level == 0 ? null : at);
        });
    }

    /// <summary>As of a moment: each theme's level and when it was attained, from the rows valid then. Pending requests are not kept in history, so none are shown.</summary>
    public async Task<ProgressView> AsOfAsync(Guid leaderId, FrameworkScope scope, DateTimeOffset asOf, CancellationToken ct)
    {
        var history = await Table("history", ct);
        var levels = new Dictionary<string, (int Level, DateTimeOffset At)>();
        await using (var command = dataSource.CreateCommand($"""
            select theme_code, level, attained_at from {history}
             where leader_id = $1 and valid_from <= $2 and (valid_to is null or valid_to > $2)
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) levels[reader.GetString(0)] = (reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
        return View(leaderId, scope, code => levels.TryGetValue(code, out var found)
            ? new ThemeProgress(code, found.Level, null, found.At)
            : new ThemeProgress(code, 0, null, null));
    }

    private static ProgressView View(Guid leaderId, FrameworkScope scope, Func<string, ThemeProgress> theme)
    {
        var themes = scope.ThemeToDomain.Keys.Order(StringComparer.Ordinal).Select(theme).ToList();
        var levelOf = themes.ToDictionary(t => t.Code, t => t.Level);
        // API rule: a domain stands at the lowest level among its themes.
        var domains = scope.ThemeToDomain.GroupBy(p => p.Value).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DomainProgress(g.Key, g.Min(p => levelOf[p.Key]))).ToList();
        return new ProgressView(leaderId, themes, domains);
    }

    private async Task<string> Table(string baseName, CancellationToken ct) =>
        await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, baseName, ct)
        ?? throw new InvalidOperationException("The leader-progress read model has no active generation.");
}
