using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Marten;
using Wolverine;

namespace LeaderJourney.Core.Privacy.Erasure;

public sealed record ErasureBody(string? Reason);

/// <summary>What an erasure answers; asked again, it answers the same with <see cref="AlreadyErased"/>.</summary>
public sealed record ErasedBody(Guid LeaderId, bool Erased, bool AlreadyErased, DateTimeOffset? ErasedAt);

/// <summary>
/// Erasure (API.md): the leader's personal data becomes unreadable everywhere at once, because its keys
/// are deleted, while the journey's facts (levels, dates, counts) stay. In one transaction: the
/// leader.erased event (who, when, why; no personal data), both keys of the leader (journey and
/// demographics) shredded for good, their sign-in removed, and the stored answers to writes about them
/// dropped. The read models follow from the event: names become <see cref="Leader.ErasedName"/>, equity
/// rows go.
/// </summary>
public sealed class LeaderErasure(LeaderJourney.EventStore.EventStore store, StreamCommandPipeline pipeline, LeaderReader reader, AttainmentPolicies policies, DatabaseSettings settings, Leaders.Import.LeaderImport imports)
{
    public async Task<Answer> EraseAsync(EraseLeaderCommand command, int attempt, CancellationToken ct)
    {
        var (leaderId, caller) = (command.LeaderId, command.Sender.Caller);
        if (!caller.IsAdmin) throw new ForbiddenException("Only an admin erases a leader's personal data.");
        var reason = LeaderInput.Required(command.Reason, "reason", 500);
        var result = await pipeline.RunAsync(leaderId, caller, command.Sender.Options, async history =>
        {
            var loaded = await reader.FoldForCallerAsync(leaderId, history, caller, ct);
            var events = LeaderDecider.Decide(new EraseLeader(reason, caller.ToActor(), pipeline.Now), loaded.State, policies.For(loaded.State.Affiliate));
            var erasedAt = events.OfType<LeaderErased>().Select(e => (DateTimeOffset?)e.ErasedAt).FirstOrDefault();
            return new StreamDecision(loaded.State.Version, LeaderCommandPipeline.StreamType, loaded.State.Affiliate, events,
                new Answer(StatusCodes.Status200OK, new ErasedBody(leaderId, true, events.Count == 0, erasedAt)),
                events.Count == 0 ? null : (session, _) => ForgetAsync(session, leaderId));
        }, attempt, ct);
        // An import on this host that made the leader still shows their row: it reads as erased now.
        imports.ForgetLeader(leaderId);
        return result;
    }

    private Task ForgetAsync(IDocumentSession session, Guid leaderId)
    {
        var demographics = DemographicsState.StreamIdFor(leaderId);
        store.ShredSubject(session, leaderId, final: true);
        store.ShredSubject(session, demographics, final: true);
        session.QueueSqlCommand($"delete from {settings.Schema}.users where leader_id = ?", leaderId);
        session.QueueSqlCommand($"delete from {settings.Schema}.idempotency_keys where stream_id = any(?)", new[] { leaderId, demographics });
        // Sealed under the shredded key already; the row goes too, as nothing will read it again.
        session.QueueSqlCommand($"delete from {settings.Schema}.leader_snapshots where leader_id = ?", leaderId);
        // Ids and codes only, but about them; the reaction to the erasure removes any a lagging subscription writes after this.
        session.QueueSqlCommand($"delete from {settings.Schema}.notifications where leader_id = ?", leaderId);
        return Task.CompletedTask;
    }

    /// <summary>POST /api/leaders/{id}/erasure {reason}: admins, inside their affiliate; the same command the staff page sends.</summary>
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPost("/{id}/erasure", async (string id, ErasureBody? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
        {
            var leaderId = LeaderInput.Id(id);
            body ??= new ErasureBody(null);
            return await bus.InvokeAsync<Answer>(new EraseLeaderCommand(leaderId, body.Reason) { Sender = http.SenderOf(body) }, ct);
        }).Produces<ErasedBody>();
    }
}

/// <summary>An admin erases a leader's personal data, saying why.</summary>
public sealed record EraseLeaderCommand(Guid LeaderId, string? Reason) : LeaderCommand(LeaderId);

public static class EraseLeaderHandler
{
    public static Task<Answer> Handle(EraseLeaderCommand command, LeaderErasure erasure, Wolverine.Envelope envelope, CancellationToken ct) =>
        erasure.EraseAsync(command, envelope.Attempts, ct);
}
