using LeaderJourney.Core.Projections;
using LeaderJourney.EventStore.Projections;
using Npgsql;

namespace LeaderJourney.Core.Leaders;

public sealed record LeaderListing(Guid Id, string DisplayName, string? Local, string Status, int AttainedLevels);

/// <summary>Lists of leaders for staff and mentors, from the read models (affiliate-scoped by the caller's affiliate).</summary>
public sealed class LeaderLists(ProjectionRuntime projections, NpgsqlDataSource dataSource)
{
    public Task<IReadOnlyList<LeaderListing>> OfAffiliateAsync(string affiliate, CancellationToken ct) =>
        Query("l.affiliate = $1", [affiliate], ct);

    /// <summary>The leaders a mentor is assigned to (the mentor-queue model keeps the assignments).</summary>
    public async Task<IReadOnlyList<LeaderListing>> MenteesAsync(string affiliate, Guid mentorId, CancellationToken ct)
    {
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        return mentors is null ? [] : await Query("l.affiliate = $1 and exists (select 1 from " + mentors + " m where m.leader_id = l.leader_id and m.mentor_user_id = $2)",
            [affiliate, mentorId], ct);
    }

    private async Task<IReadOnlyList<LeaderListing>> Query(string where, object[] values, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        var attainments = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "attainments", ct);
        if (leaders is null || attainments is null) return [];
        await using var command = dataSource.CreateCommand($"""
            select l.leader_id, l.display_name, l.local, l.status, (select count(*) from {attainments} a where a.leader_id = l.leader_id)
              from {leaders} l where {where} order by l.display_name, l.leader_id
            """);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        var list = new List<LeaderListing>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new LeaderListing(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), (int)reader.GetInt64(4)));
        return list;
    }
}
