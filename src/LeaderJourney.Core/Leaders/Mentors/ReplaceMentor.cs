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

public sealed record ReplaceMentorRequest(string? MentorUserId);

/// <param name="AlreadyAssigned">The mentor taking over was already one of the leader's mentors: only the leaving one's assignment ended.</param>
public sealed record MentorReplacedBody(long Version, bool AlreadyAssigned)
{
    /// <summary>Read from a command's answer, the one kept for a repeated request (JSON) included.</summary>
    public static bool WasAlreadyAssigned(Answer answer) => answer.Body switch
    {
        MentorReplacedBody body => body.AlreadyAssigned,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } kept => kept.TryGetProperty("alreadyAssigned", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.True,
        _ => false,
    };
}

/// <summary>
/// Staff hand a leader from one mentor to another (a mentor who leaves, whose sign-in is disabled, say):
/// the new mentor assigned unless they already are, the leaving one's assignment ended, in one write, so
/// the leader is never left without a mentor in between nor with the leaving one beside the new one.
/// </summary>
public sealed record ReplaceMentorCommand(Guid LeaderId, Guid LeavingMentorId, string? MentorUserId) : LeaderCommand(LeaderId);

public static class ReplaceMentorHandler
{
    /// <summary>The mentor taking over, looked up before Wolverine loads the leader and holds their row.</summary>
    public static async Task<MentorToAssign> LoadAsync(ReplaceMentorCommand command, AccessDirectory directory, CancellationToken ct)
    {
        if (!command.Sender.Caller.IsAdmin) throw new ForbiddenException("Only admins change a leader's mentors.");
        return await MentorToAssign.FindAsync(command.MentorUserId, directory, ct);
    }

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(ReplaceMentorCommand command, MentorToAssign mentor, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct) =>
        writes.DecideAsync(command, stream, session,
            (leader, _) => new ReplaceMentor(command.LeavingMentorId, mentor.AssignableIn(leader.Affiliate), command.Sender.Caller.ToActor(), writes.Now),
            outcome => new Answer(StatusCodes.Status200OK, new MentorReplacedBody(outcome.State.Version, !outcome.Events.OfType<MentorAssigned>().Any())), ct);
}

/// <summary>PUT /api/leaders/{id}/mentors/{mentorUserId}: the mentor in the path replaced by the one in the body; the same command the mentors page sends for each of a mentor's mentees.</summary>
public static class ReplaceMentorEndpoint
{
    public static void Map(RouteGroupBuilder leaders) =>
        leaders.MapPut("/{id}/mentors/{mentorUserId}", async (string id, string mentorUserId, ReplaceMentorRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            var leaving = LeaderInput.Id(mentorUserId, "mentorUserId");
            body ??= new ReplaceMentorRequest(null);
            return await commands.InvokeAsync(new ReplaceMentorCommand(LeaderInput.Id(id), leaving, body.MentorUserId) { Sender = http.SenderOf(new { leaving = mentorUserId, body.MentorUserId }) }, ct);
        }).Produces<MentorReplacedBody>().ChecksTokenWithItsWrite();
}
