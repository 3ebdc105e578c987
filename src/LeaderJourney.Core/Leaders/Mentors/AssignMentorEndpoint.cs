using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using JasperFx.Events;
using Marten;
using Wolverine.Marten;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;

namespace LeaderJourney.Core.Leaders.Mentors;

public sealed record AssignMentorRequest(string? MentorUserId);

/// <summary>Staff assign a mentor of the leader's affiliate.</summary>
public sealed record AssignMentorCommand(Guid LeaderId, string? MentorUserId) : LeaderCommand(LeaderId);

public static class AssignMentorHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static async Task<Answer> Handle(AssignMentorCommand command, LeaderWrites writes, AccessDirectory directory, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        if (!caller.IsAdmin) throw new ForbiddenException("Only admins assign mentors.");
        var mentorId = LeaderInput.Id(command.MentorUserId ?? "", "mentorUserId");
        var mentor = await directory.FindByIdAsync(mentorId, ct);
        return await writes.DecideAsync(command, stream, session,
            (leader, _) => mentor is { Role: Roles.Mentor } && mentor.Affiliate == leader.Affiliate
                ? new AssignMentor(mentorId, caller.ToActor(), writes.Now)
                : throw new RequestValidationException("mentorUserId", $"User {mentorId} is not a mentor of affiliate {leader.Affiliate}."),
            outcome => new Answer(StatusCodes.Status200OK, new VersionBody(outcome.State.Version)), ct);
    }
}

/// <summary>POST /api/leaders/{id}/mentors: the same command the staff page sends.</summary>
public static class AssignMentorEndpoint
{
    public static void Map(RouteGroupBuilder leaders) =>
        leaders.MapPost("/{id}/mentors", async (string id, AssignMentorRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            var leaderId = LeaderInput.Id(id);
            body ??= new AssignMentorRequest(null);
            return await commands.InvokeAsync(new AssignMentorCommand(leaderId, body.MentorUserId) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>();
}
