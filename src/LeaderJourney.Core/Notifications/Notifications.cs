using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Core.Notifications;

/// <summary>One thing someone should hear of: to a leader (<see cref="LeaderId"/>), else to the affiliate's staff.</summary>
public sealed record Notification(long Id, string Kind, Guid? LeaderId, Guid? PositionId, string? ThemeCode, int? Level, DateOnly? OnDate, DateTimeOffset CreatedAt);

/// <summary>
/// What the reactions (<see cref="Reactions"/>) tell people: a leader's level attained or request
/// declined, a position's term coming to an end. Ids, codes and dates only, so nothing here needs
/// sealing; an erasure deletes the leader's. Each is written under a key, once however often the
/// reaction that writes it runs.
/// </summary>
public sealed class NotificationBox(NpgsqlDataSource dataSource, DatabaseSettings settings, TimeProvider clock)
{
    public const string LevelAttained = "level-attained";
    public const string RequestDeclined = "request-declined";
    public const string TermEnding = "term-ending";

    /// <summary>Writes the notification unless one with its key exists; true when written.</summary>
    public async Task<bool> AddAsync(string key, string affiliate, string kind, Guid? leaderId = null, Guid? positionId = null,
        string? themeCode = null, int? level = null, DateOnly? onDate = null, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            insert into {settings.Schema}.notifications (key, affiliate, leader_id, position_id, kind, theme_code, level, on_date, created_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (key) do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leaderId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = positionId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = themeCode, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = level, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<DateOnly?> { TypedValue = onDate, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task ForgetLeaderAsync(Guid leaderId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"delete from {settings.Schema}.notifications where leader_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The caller's own, newest first: a leader's about themself, staff's about their affiliate's positions.</summary>
    public async Task<IReadOnlyList<Notification>> ForAsync(CurrentUser caller, int limit, CancellationToken ct)
    {
        var (filter, value) = caller switch
        {
            { Role: Roles.Leader, LeaderId: { } leaderId } => ("leader_id = $1", (object)leaderId),
            { IsAdmin: true, Affiliate: { } affiliate } => ("leader_id is null and affiliate = $1", affiliate),
            _ => throw new ForbiddenException("Leaders read their own notifications; staff read their affiliate's."),
        };
        await using var command = dataSource.CreateCommand($"""
            select id, kind, leader_id, position_id, theme_code, level, on_date, created_at from {settings.Schema}.notifications
             where {filter} order by id desc limit $2
            """);
        command.Parameters.Add(value is Guid g ? new NpgsqlParameter<Guid> { TypedValue = g } : new NpgsqlParameter<string> { TypedValue = (string)value });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var list = new List<Notification>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new Notification(reader.GetInt64(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6), reader.GetFieldValue<DateTimeOffset>(7)));
        return list;
    }
}
