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
    /// <summary>The user to assign, looked up before Wolverine loads the leader and holds their row (not on a second connection while it is held).</summary>
    public static async Task<MentorToAssign> LoadAsync(AssignMentorCommand command, AccessDirectory directory, CancellationToken ct)
    {
        if (!command.Sender.Caller.IsAdmin) throw new ForbiddenException("Only admins assign mentors.");
        return await MentorToAssign.FindAsync(command.MentorUserId, directory, ct);
    }

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(AssignMentorCommand command, MentorToAssign mentor, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct) =>
        writes.DecideAsync(command, stream, session,
            (leader, _) => new AssignMentor(mentor.AssignableIn(leader.Affiliate), command.Sender.Caller.ToActor(), writes.Now),
            outcome => new Answer(StatusCodes.Status200OK, new VersionBody(outcome.State.Version)), ct);
}

/// <summary>The user id an assignment names, the user, if there is one, and whether their sign-in is disabled.</summary>
public sealed record MentorToAssign(Guid Id, CurrentUser? User, bool Disabled)
{
    /// <summary>The user named by <paramref name="mentorUserId"/> (the request's field), as the directory has them.</summary>
    public static async Task<MentorToAssign> FindAsync(string? mentorUserId, AccessDirectory directory, CancellationToken ct)
    {
        var mentorId = LeaderInput.Id(mentorUserId ?? "", "mentorUserId");
        var user = await directory.FindByIdAsync(mentorId, ct);
        return new MentorToAssign(mentorId, user, user is not null && await directory.FindByIdAsync(mentorId, ct, enabledOnly: true) is null);
    }

    /// <summary>The mentor's id, if they are a mentor of the leader's affiliate who can sign in; else the refusal.</summary>
    public Guid AssignableIn(string affiliate) => User is { Role: Roles.Mentor } && User.Affiliate == affiliate
        ? Disabled
            // Assigned, they would hold the leader's requests and could sign none of them off.
            ? throw new RequestValidationException("mentorUserId", "This mentor's sign-in is disabled: they could sign nothing off. Enable it on the Users page first, or choose another mentor.")
            : Id
        : throw new RequestValidationException("mentorUserId", $"User {Id} is not a mentor of affiliate {affiliate}.");
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
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();
}
