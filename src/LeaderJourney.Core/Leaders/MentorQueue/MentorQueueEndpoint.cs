using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Leaders.MentorQueue;

/// <summary>GET /api/mentor-queue: the signed-in mentor's pending sign-off requests, oldest first, from the mentor-queue read model.</summary>
public static class MentorQueueEndpoint
{
    public static IEndpointRouteBuilder MapMentorQueue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/mentor-queue", async (HttpContext http, MentorQueueQuery query, CancellationToken ct) =>
        {
            var caller = http.CurrentUser();
            if (caller.Role != Roles.Mentor) throw new ForbiddenException("The queue is a mentor's.");
            var queue = await query.ForMentorAsync(caller, ct);
            if (queue is null)
                return Results.Problem(title: "The mentor queue is still being built; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable);
            return Results.Ok(queue);
        }).RequireAuthorization().WithTags("Leaders").Produces<IReadOnlyList<QueuedRequest>>();
        return app;
    }
}
