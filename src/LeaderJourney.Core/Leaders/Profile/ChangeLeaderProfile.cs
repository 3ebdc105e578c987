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

namespace LeaderJourney.Core.Leaders.Profile;

/// <summary>The leader's name, e-mail and local as they are to be (all three; a local left out is none).</summary>
public sealed record LeaderProfileRequest(string? DisplayName, string? Email, string? Local);

/// <summary>Staff correct a leader's name, e-mail or local (a typo at enrolment, a new address). The values are sealed as personal data.</summary>
public sealed record ChangeLeaderProfileCommand(Guid LeaderId, string? DisplayName, string? Email, string? Local) : LeaderCommand(LeaderId);

public static class ChangeLeaderProfileHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(ChangeLeaderProfileCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        if (!caller.IsAdmin) throw new ForbiddenException("Only staff change a leader's name, e-mail or local.");
        var displayName = LeaderInput.LeaderName(command.DisplayName, "displayName");
        // An address kept as it is stands as stored: one enrolled before the address check grew stricter must not
        // stop staff from correcting the leader's name or local.
        var email = command.Email?.Trim() is { Length: > 0 } kept && kept == stream.Aggregate?.Email ? kept : LeaderInput.Email(command.Email);
        var local = LeaderInput.Optional(command.Local, "local", LeaderInput.MaxLocalLength);
        return writes.DecideAsync(command, stream, session, (_, _) => new ChangeProfile(displayName, email, local, caller.ToActor(), writes.Now),
            outcome => new Answer(StatusCodes.Status200OK, new VersionBody(outcome.State.Version)), ct);
    }
}

/// <summary>PUT /api/leaders/{id}/profile: the same command the staff's leader page sends.</summary>
public static class ChangeLeaderProfileEndpoint
{
    public static void Map(RouteGroupBuilder leaders) =>
        leaders.MapPut("/{id}/profile", async (string id, LeaderProfileRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new LeaderProfileRequest(null, null, null);
            return await commands.InvokeAsync(new ChangeLeaderProfileCommand(LeaderInput.Id(id), body.DisplayName, body.Email, body.Local) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();
}
