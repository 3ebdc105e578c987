using LeaderJourney.Core.Access;
using LeaderJourney.Core.Projections;
using LeaderJourney.EventStore.Projections;
using Npgsql;

namespace LeaderJourney.Core.Leaders.MentorQueue;

public sealed record QueuedRequest(Guid LeaderId, string ThemeCode, int Level, DateTimeOffset RequestedAt);

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
}
