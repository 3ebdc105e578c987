using LeaderJourney.Core.Access;
using LeaderJourney.Core.Projections;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Core.Leaders.MentorQueue;

public sealed record QueuedRequest(Guid LeaderId, string ThemeCode, int Level, DateTimeOffset RequestedAt);

/// <summary>A sign-off request waiting in an affiliate, with the leader's name and their mentors (for staff; none when the leader has no mentor).</summary>
public sealed record WaitingRequest(Guid LeaderId, string DisplayName, string ThemeCode, int Level, DateTimeOffset RequestedAt, IReadOnlyList<Guid> MentorIds);

/// <summary>A sign-off or decline a mentor gave that stands (not revoked or withdrawn since), with the leader's name.</summary>
public sealed record GivenAnswer(Guid LeaderId, string DisplayName, string ThemeCode, int Level, bool SignedOff, DateTimeOffset AnsweredAt);

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
    /// The mentor's own sign-offs and declines given since <paramref name="since"/> that stand, newest first, for the leaders
    /// still assigned to them and on their way (their mentee page is where either is withdrawn); the first <paramref name="take"/>.
    /// Null while the read model's first generation is being built.
    /// </summary>
    public async Task<IReadOnlyList<GivenAnswer>?> AnsweredSinceAsync(CurrentUser mentor, DateTimeOffset since, int take, CancellationToken ct)
    {
        var answers = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "answers", ct);
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        var leaders = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "leaders", ct);
        var names = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        if (answers is null || mentors is null || leaders is null || names is null) return null;
        await using var command = dataSource.CreateCommand($"""
            select a.leader_id, n.display_name, a.theme_code, a.level, a.signed_off, a.answered_at
              from {answers} a
              join {mentors} m on m.leader_id = a.leader_id and m.mentor_user_id = a.mentor_user_id
              join {leaders} l on l.leader_id = a.leader_id and l.affiliate = $2 and not l.withdrawn
              join {names} n on n.leader_id = a.leader_id
             where a.mentor_user_id = $1 and a.answered_at >= $3
             order by a.answered_at desc, a.seq desc
             limit $4
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mentor.UserId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mentor.Affiliate ?? "" });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = take });
        var given = new List<GivenAnswer>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            given.Add(new GivenAnswer(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetBoolean(4), reader.GetFieldValue<DateTimeOffset>(5)));
        return given;
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
