using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Leaders.Mentors;

public sealed record AssignMentorRequest(string? MentorUserId);

/// <summary>POST /api/leaders/{id}/mentors: staff assign a mentor of the leader's affiliate.</summary>
public static class AssignMentorEndpoint
{
    public static void Map(RouteGroupBuilder leaders) =>
        leaders.MapPost("/{id}/mentors", (string id, AssignMentorRequest? body, HttpContext http, LeaderCommandPipeline pipeline, AccessDirectory directory, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = http.CurrentUser();
                var leaderId = LeaderInput.Id(id);
                if (!caller.IsAdmin) throw new ForbiddenException("Only admins assign mentors.");
                var mentorId = LeaderInput.Id(body?.MentorUserId ?? "", "mentorUserId");
                var mentor = await directory.FindByIdAsync(mentorId, ct);
                return await pipeline.ExecuteAsync(leaderId, caller, WriteOptions.From(http.Request, body!),
                    (leader, _) => mentor is { Role: Roles.Mentor } && mentor.Affiliate == leader.Affiliate
                        ? new AssignMentor(mentorId, caller.ToActor(), pipeline.Now)
                        : throw new RequestValidationException("mentorUserId", $"User {mentorId} is not a mentor of affiliate {leader.Affiliate}."),
                    outcome => new Answer(StatusCodes.Status200OK, new { version = outcome.State.Version }), ct);
            }));
}
