using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Projections;
using LeaderJourney.EventStore.Projections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace LeaderJourney.Core.Leaders.MentorQueue;

/// <summary>GET /api/mentor-queue: the signed-in mentor's pending sign-off requests, oldest first, from the mentor-queue read model.</summary>
public static class MentorQueueEndpoint
{
    public static IEndpointRouteBuilder MapMentorQueue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/mentor-queue", (HttpContext http, ProjectionRuntime projections, NpgsqlDataSource dataSource, CancellationToken ct) => Problems.Handle(async () =>
        {
            var caller = http.CurrentUser();
            if (caller.Role != Roles.Mentor) throw new ForbiddenException("The queue is a mentor's.");
            var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
            var requests = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "requests", ct);
            var leaders = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "leaders", ct);
            if (mentors is null || requests is null || leaders is null)
                return Results.Problem(title: "The mentor queue is still being built; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable);
            await using var command = dataSource.CreateCommand($"""
                select r.leader_id, r.theme_code, r.level, r.requested_at
                  from {requests} r
                  join {mentors} m on m.leader_id = r.leader_id and m.mentor_user_id = $1
                  join {leaders} l on l.leader_id = r.leader_id and l.affiliate = $2 and not l.withdrawn
                 order by r.requested_at, r.requested_seq
                """);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Affiliate ?? "" });
            var queue = new List<object>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                queue.Add(new { leaderId = reader.GetGuid(0), themeCode = reader.GetString(1), level = reader.GetInt32(2), requestedAt = reader.GetFieldValue<DateTimeOffset>(3) });
            return Results.Ok(queue);
        })).RequireAuthorization();
        return app;
    }
}
