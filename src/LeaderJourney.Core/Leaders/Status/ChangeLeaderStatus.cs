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

namespace LeaderJourney.Core.Leaders.Status;

/// <param name="Status">The status the leader is to have: <c>active</c> (reactivate), <c>paused</c> or <c>withdrawn</c>.</param>
/// <param name="Reason">Why, for a pause or a withdrawal (kept sealed as personal data).</param>
public sealed record LeaderStatusRequest(string? Status, string? Reason);

/// <summary>Staff pause a leader's journey, withdraw the leader, or make them active again.</summary>
public sealed record ChangeLeaderStatusCommand(Guid LeaderId, string? Status, string? Reason) : LeaderCommand(LeaderId);

public static class ChangeLeaderStatusHandler
{
    public const string Active = "active", Paused = "paused", Withdrawn = "withdrawn";

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(ChangeLeaderStatusCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        if (!caller.IsAdmin) throw new ForbiddenException("Only staff change a leader's status.");
        var status = (command.Status ?? "").Trim().ToLowerInvariant();
        if (status is not (Active or Paused or Withdrawn))
            throw new RequestValidationException("status", $"status is one of: {Active}, {Paused}, {Withdrawn}.");
        if (command.Reason is { Length: > LeaderInput.MaxNoteLength })
            throw new RequestValidationException("reason", $"A reason has at most {LeaderInput.MaxNoteLength} characters.");
        return writes.DecideAsync(command, stream, session,
            (_, _) => status switch
            {
                Paused => new Pause(command.Reason, caller.ToActor(), writes.Now),
                Withdrawn => new Withdraw(command.Reason, caller.ToActor(), writes.Now),
                _ => (object)new Reactivate(caller.ToActor(), writes.Now),
            },
            outcome => new Answer(StatusCodes.Status200OK, new VersionBody(outcome.State.Version)), ct);
    }
}

/// <summary>PUT /api/leaders/{id}/status: the same command the staff's leader page sends.</summary>
public static class ChangeLeaderStatusEndpoint
{
    public static void Map(RouteGroupBuilder leaders) =>
        leaders.MapPut("/{id}/status", async (string id, LeaderStatusRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new LeaderStatusRequest(null, null);
            return await commands.InvokeAsync(new ChangeLeaderStatusCommand(LeaderInput.Id(id), body.Status, body.Reason) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();
}
