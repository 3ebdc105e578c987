using LeaderJourney.Core.Access;
using LeaderJourney.Core.Projections;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Core.Leaders.MentorQueue;

public sealed record QueuedRequest(Guid LeaderId, string ThemeCode, int Level, DateTimeOffset RequestedAt);

/// <summary>A sign-off request waiting in an affiliate, with the leader's name and their mentors (for staff; none when the leader has no mentor).</summary>
public sealed record WaitingRequest(Guid LeaderId, string DisplayName, string ThemeCode, int Level, DateTimeOffset RequestedAt, IReadOnlyList<Guid> MentorIds);

/// <summary>A mentor's pending sign-off requests from the leaders assigned to them, oldest first.</summary>
public sealed class MentorQueueQuery(ProjectionRuntime projections, NpgsqlDataSource dataSource)
{
    /// <summary>Null while the read model's first generation is being built.</summary>
    public async Task<IReadOnlyList<QueuedRequest>?> ForMentorAsync(CurrentUser mentor, CancellationToken ct)
    {
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        var requests = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "requests", ct);
        var leaders = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "leaders", ct);
        if (mentors is null || requests is null || leaders is null) return null;
        await using var command = dataSource.CreateCommand($"""
            select r.leader_id, r.theme_code, r.level, r.requested_at
              from {requests} r
              join {mentors} m on m.leader_id = r.leader_id and m.mentor_user_id = $1
              join {leaders} l on l.leader_id = r.leader_id and l.affiliate = $2 and not l.withdrawn
             order by r.requested_at, r.requested_seq
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mentor.UserId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mentor.Affiliate ?? "" });
        var queue = new List<QueuedRequest>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            queue.Add(new QueuedRequest(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return queue;
    }

    /// <summary>
    /// The affiliate's sign-off requests, those that have waited longest first (withdrawn leaders' left
    /// out), each with the leader's mentors; the first <paramref name="take"/>, or all. Null while being built.
    /// </summary>
    public async Task<IReadOnlyList<WaitingRequest>?> WaitingAsync(string affiliate, int? take, CancellationToken ct)
    {
        var requests = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "requests", ct);
        var leaders = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "leaders", ct);
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        var names = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        if (requests is null || leaders is null || mentors is null || names is null) return null;
        await using var command = dataSource.CreateCommand($"""
            select r.leader_id, n.display_name, r.theme_code, r.level, r.requested_at,
                   array(select m.mentor_user_id from {mentors} m where m.leader_id = r.leader_id order by m.mentor_user_id)
              from {requests} r
              join {leaders} l on l.leader_id = r.leader_id and l.affiliate = $1 and not l.withdrawn
              join {names} n on n.leader_id = r.leader_id
             order by r.requested_at, r.requested_seq
             limit $2
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        // No limit is "limit null": every row.
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = take, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        var waiting = new List<WaitingRequest>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            waiting.Add(new WaitingRequest(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetFieldValue<Guid[]>(5)));
        return waiting;
    }
}
