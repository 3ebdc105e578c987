using LeaderJourney.Core.Access;
using LeaderJourney.Core.Projections;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Core.Leaders.MentorActivity;

/// <summary>
/// What one mentor of an affiliate has done and has waiting: their mentees still in the pipeline, the
/// requests waiting for them (and since when), and the sign-offs and declines they gave in the window.
/// </summary>
/// <param name="CanSignIn">False for a mentor whose sign-in is disabled: they sign nothing off, and are listed only while leaders still have them.</param>
/// <param name="LastAnswerAt">Their latest sign-off or decline, whenever it was; null if they never gave one.</param>
public sealed record MentorActivity(Guid MentorId, string Name, bool CanSignIn, int Mentees, int Waiting, DateTimeOffset? WaitingSince,
    int SignedOff, int Declined, DateTimeOffset? LastAnswerAt);

/// <summary>
/// The affiliate's mentors, over the <paramref name="From"/>-<paramref name="To"/> window: those whose
/// requests have waited longest first, then those who cannot sign in and still have mentees, then those
/// with mentees who answered nothing in the window, then the rest by name.
/// </summary>
public sealed record MentorActivityReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MentorActivity> Mentors);

/// <summary>Each mentor's activity, from the mentor-queue read model (its answers, requests and assignments) and the affiliate's users.</summary>
public sealed class MentorActivityQuery(ProjectionRuntime projections, NpgsqlDataSource dataSource, AccessDirectory directory, TimeProvider clock)
{
    public const int DefaultDays = 90;
    public const int MostDays = 366;

    /// <summary>Null while the read model's first generation is being built.</summary>
    public async Task<MentorActivityReport?> ForAffiliateAsync(string affiliate, int days, CancellationToken ct)
    {
        var table = (string name) => projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, name, ct);
        if (await table("leaders") is not { } leaders || await table("mentors") is not { } mentors
            || await table("requests") is not { } requests || await table("answers") is not { } answers)
            return null;
        var to = clock.GetUtcNow();
        var from = to.AddDays(-days);
        // Each part per mentor, over the affiliate's leaders only; a withdrawn leader is no one's mentee and waits for nobody.
        await using var command = dataSource.CreateCommand($"""
            with mentees as ({MenteesPerMentor(mentors, leaders)}),
            waiting as (
                select m.mentor_user_id, count(*) as waiting, min(r.requested_at) as since
                  from {requests} r
                  join {mentors} m on m.leader_id = r.leader_id
                  join {leaders} l on l.leader_id = r.leader_id and l.affiliate = $1 and not l.withdrawn
                 group by m.mentor_user_id),
            answered as (
                select a.mentor_user_id,
                       count(*) filter (where a.signed_off and a.answered_at >= $2) as signed_off,
                       count(*) filter (where not a.signed_off and a.answered_at >= $2) as declined,
                       max(a.answered_at) as last_at
                  from {answers} a join {leaders} l on l.leader_id = a.leader_id and l.affiliate = $1
                 group by a.mentor_user_id)
            select id.mentor_user_id, coalesce(x.mentees, 0), coalesce(w.waiting, 0), w.since, coalesce(a.signed_off, 0), coalesce(a.declined, 0), a.last_at
              from (select mentor_user_id from mentees union select mentor_user_id from waiting union select mentor_user_id from answered) id
              left join mentees x using (mentor_user_id)
              left join waiting w using (mentor_user_id)
              left join answered a using (mentor_user_id)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        var found = new Dictionary<Guid, (int Mentees, int Waiting, DateTimeOffset? Since, int SignedOff, int Declined, DateTimeOffset? LastAt)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                found[reader.GetGuid(0)] = ((int)reader.GetInt64(1), (int)reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                    (int)reader.GetInt64(4), (int)reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));

        var everyMentor = await directory.MentorNamesAsync(affiliate, ct);
        var disabled = await directory.DisabledMentorsAsync(affiliate, ct);
        var listed = everyMentor
            .Select(m => found.TryGetValue(m.Key, out var f)
                ? new MentorActivity(m.Key, m.Value, !disabled.Contains(m.Key), f.Mentees, f.Waiting, f.Since, f.SignedOff, f.Declined, f.LastAt)
                : new MentorActivity(m.Key, m.Value, !disabled.Contains(m.Key), 0, 0, null, 0, 0, null))
            // A disabled mentor matters here only while leaders still have them (staff reassign those leaders).
            .Where(m => m.CanSignIn || m.Mentees > 0)
            // A mentor who cannot sign in keeps no one waiting (their mentees' requests wait for the others, or for nobody).
            .OrderBy(m => m.CanSignIn ? m.WaitingSince ?? DateTimeOffset.MaxValue : DateTimeOffset.MaxValue)
            .ThenBy(m => !m.CanSignIn ? 0 : m.Mentees > 0 && m.SignedOff + m.Declined == 0 ? 1 : 2)
            .ThenBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        return new MentorActivityReport(from, to, listed);
    }

    /// <summary>Each mentor's mentees still on their way, over the affiliate's leaders ($1): the report's count.</summary>
    private static string MenteesPerMentor(string mentors, string leaders) => $"""
        select m.mentor_user_id, count(*) as mentees
          from {mentors} m join {leaders} l on l.leader_id = m.leader_id and l.affiliate = $1 and not l.withdrawn
         group by m.mentor_user_id
        """;

    /// <summary>
    /// How many mentees still on their way each mentor has (mentors with none are absent), for staff
    /// choosing whom to assign: the load is what tells two mentors apart. Empty while the read model is built.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, int>> MenteeCountsAsync(string affiliate, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "leaders", ct);
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        if (leaders is null || mentors is null) return new Dictionary<Guid, int>();
        await using var command = dataSource.CreateCommand(MenteesPerMentor(mentors, leaders));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        var counts = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) counts[reader.GetGuid(0)] = (int)reader.GetInt64(1);
        return counts;
    }

    /// <summary>
    /// The mentor's mentees still on their way (neither withdrawn nor erased), by name: those the report
    /// counts, and those a move of their mentees hands over. Empty while the read models are being built.
    /// </summary>
    public async Task<IReadOnlyList<(Guid LeaderId, string DisplayName)>> MenteesAsync(string affiliate, Guid mentorId, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "leaders", ct);
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        var names = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        if (leaders is null || mentors is null || names is null) return [];
        await using var command = dataSource.CreateCommand($"""
            select m.leader_id, n.display_name
              from {mentors} m
              join {leaders} l on l.leader_id = m.leader_id and l.affiliate = $1 and not l.withdrawn
              join {names} n on n.leader_id = m.leader_id
             where m.mentor_user_id = $2
             order by n.display_name
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mentorId });
        var mentees = new List<(Guid, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) mentees.Add((reader.GetGuid(0), reader.GetString(1)));
        return mentees;
    }
}
