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

/// <summary>Staff end a mentor's assignment to a leader (the sign-offs the mentor gave stand).</summary>
public sealed record UnassignMentorCommand(Guid LeaderId, string? MentorUserId) : LeaderCommand(LeaderId);

public static class UnassignMentorHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(UnassignMentorCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        if (!caller.IsAdmin) throw new ForbiddenException("Only admins change a leader's mentors.");
        var mentorId = LeaderInput.Id(command.MentorUserId ?? "", "mentorUserId");
        return writes.DecideAsync(command, stream, session,
            (_, _) => new UnassignMentor(mentorId, caller.ToActor(), writes.Now),
            outcome => new Answer(StatusCodes.Status200OK, new VersionBody(outcome.State.Version)), ct);
    }
}

/// <summary>DELETE /api/leaders/{id}/mentors/{mentorUserId}: the same command the staff's leader page sends.</summary>
public static class UnassignMentorEndpoint
{
    public static void Map(RouteGroupBuilder leaders) =>
        leaders.MapDelete("/{id}/mentors/{mentorUserId}", async (string id, string mentorUserId, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
            await commands.InvokeAsync(new UnassignMentorCommand(LeaderInput.Id(id), mentorUserId) { Sender = http.SenderOf(new { mentorUserId }) }, ct))
            .Produces<VersionBody>().ChecksTokenWithItsWrite();
}
