using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using JasperFx.Events;
using Marten;
using Wolverine.Marten;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;

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
/// rows go, and so does the leader's stored decision state (<see cref="Leaders.LeaderAggregation"/>).
/// On Wolverine's aggregate handler workflow like every leader command: Wolverine has loaded the
/// leader (Marten's <c>FetchForExclusiveWriting</c>) in the session of the leader's affiliate, holding
/// the stream's row, and all of the above commits in that session's transaction.
/// </summary>
public sealed class LeaderErasure(LeaderJourney.Storage.Store store, IdempotentAnswers answers, AttainmentPolicies policies, DatabaseSettings settings,
    TimeProvider clock)
{
    public async Task<Answer> EraseAsync(EraseLeaderCommand command, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var (leaderId, caller) = (command.LeaderId, command.Sender.Caller);
        // A repeat of this request may have committed while this one waited for the stream's row.
        if (await answers.FindAsync(command.Sender, ct, session) is { } kept) return kept;
        // The message was sent for the caller's affiliate or the leader's (StreamCommandBus): under any other, not found.
        if (await LeaderStreams.StateAsync(stream, session, ct) is not { } leader || leader.Affiliate != session.TenantId || !LeaderReader.MaySee(caller, leaderId, leader.Affiliate))
            throw new NotFoundException($"There is no leader {leaderId}.");
        command.Sender.CheckIfMatch(leaderId, stream.StartingVersion);
        var events = LeaderDecider.Decide(new EraseLeader(LeaderInput.Required(command.Reason, "reason", 500), caller.ToActor(), clock.GetUtcNow()), leader, policies.For(leader.Affiliate));
        var erasedAt = events.OfType<LeaderErased>().Select(e => (DateTimeOffset?)e.ErasedAt).FirstOrDefault();
        var answer = new Answer(StatusCodes.Status200OK, new ErasedBody(leaderId, true, events.Count == 0, erasedAt));
        return answers.Append(session, command.Sender, stream, events, answer, () => Forget(session, leaderId));
    }

    private void Forget(IDocumentSession session, Guid leaderId)
    {
        var demographics = DemographicsState.StreamIdFor(leaderId);
        store.ShredSubject(session, leaderId, final: true);
        store.ShredSubject(session, demographics, final: true);
        session.QueueSqlCommand($"delete from {settings.Schema}.users where leader_id = ?", leaderId);
        session.QueueSqlCommand($"delete from {settings.Schema}.idempotency_keys where stream_id = any(?)", new[] { leaderId, demographics });
        // Ids and codes only, but about them; the reaction to the erasure removes any a lagging subscription writes after this.
        session.QueueSqlCommand($"delete from {settings.Schema}.notifications where leader_id = ?", leaderId);
        // An id and a time, but about them: an erased leader is mailed nothing anyway (their stop link then stops nothing).
        session.QueueSqlCommand($"delete from {settings.Schema}.mail_off_leaders where leader_id = ?", leaderId);
    }

    /// <summary>
    /// Sends the erasure (the API and the staff page alike); once it has committed, an import on this
    /// host that made the leader shows their row as erased from then on.
    /// </summary>
    public static async Task<Answer> SendAsync(StreamCommandBus commands, Leaders.Import.LeaderImport imports, EraseLeaderCommand command, CancellationToken ct)
    {
        var answer = await commands.InvokeAsync(command, ct);
        imports.ForgetLeader(command.LeaderId);
        return answer;
    }

    /// <summary>POST /api/leaders/{id}/erasure {reason}: admins, inside their affiliate; the same command the staff page sends.</summary>
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPost("/{id}/erasure", async (string id, ErasureBody? body, HttpContext http, StreamCommandBus commands, Leaders.Import.LeaderImport imports, CancellationToken ct) =>
        {
            var leaderId = LeaderInput.Id(id);
            body ??= new ErasureBody(null);
            return await SendAsync(commands, imports, new EraseLeaderCommand(leaderId, body.Reason) { Sender = http.SenderOf(body) }, ct);
        }).Produces<ErasedBody>();
    }
}

/// <summary>An admin erases a leader's personal data, saying why.</summary>
public sealed record EraseLeaderCommand(Guid LeaderId, string? Reason) : LeaderCommand(LeaderId);

public static class EraseLeaderHandler
{
    /// <summary>Only admins erase, and with a reason: refused before the leader's stream is loaded and its row held.</summary>
    public static void Before(EraseLeaderCommand command)
    {
        if (!command.Sender.Caller.IsAdmin) throw new ForbiddenException("Only an admin erases a leader's personal data.");
        LeaderInput.Required(command.Reason, "reason", 500);
    }

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(EraseLeaderCommand command, LeaderErasure erasure, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct) =>
        erasure.EraseAsync(command, stream, session, ct);
}
