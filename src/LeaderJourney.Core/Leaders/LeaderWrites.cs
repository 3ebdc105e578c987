using JasperFx.Events;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using Marten;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Leaders;

/// <summary>What a decided command led to: the events appended and the leader after them.</summary>
public sealed record CommandOutcome(Leader State, IReadOnlyList<object> Events);

/// <summary>
/// A write to one leader's stream, on Wolverine's aggregate handler workflow: Wolverine loads the
/// leader named by <see cref="LeaderId"/> (Marten's <c>FetchForExclusiveWriting</c> of the inline
/// <see cref="LeaderAggregation"/>) in the session of the leader's affiliate, holding the stream's row.
/// </summary>
public abstract record LeaderCommand(Guid LeaderId) : StreamCommand(LeaderId)
{
    public override string Missing => $"There is no leader {LeaderId}.";
}

/// <summary>
/// What every leader command does on the leader Wolverine loaded: the leader is found only by a caller
/// who may see them, the pure <see cref="LeaderDecider"/> decides under the affiliate's attainment
/// policy, and the events and the answer kept under the Idempotency-Key commit in the session's
/// transaction, with the leader's stored state (Marten's inline projection).
/// </summary>
public sealed class LeaderWrites(IdempotentAnswers answers, FrameworkScopes scopes, AttainmentPolicies policies, Store store, TimeProvider clock)
{
    public const string StreamType = "leader";

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Decides <paramref name="command"/> (made from the leader and their framework) on an existing leader, and answers with <paramref name="respond"/>.</summary>
    public async Task<Answer> DecideAsync(LeaderCommand message, IEventStream<Leader> stream, IDocumentSession session,
        Func<Leader, FrameworkScope, object> command, Func<CommandOutcome, Answer> respond, CancellationToken ct)
    {
        // A repeat of this request may have committed while this one waited for the stream's row.
        if (await answers.FindAsync(message.Sender, ct, session) is { } kept) return kept;
        var leader = await LeaderStreams.StateAsync(stream, session, ct);
        // The message was sent for the caller's affiliate or the leader's (StreamCommandBus): under any other, not found.
        if (leader is null || leader.Affiliate != session.TenantId || !LeaderReader.MaySee(message.Sender.Caller, leader.Id, leader.Affiliate))
            throw new NotFoundException($"There is no leader {message.LeaderId}.");
        message.Sender.CheckIfMatch(stream.Id, stream.StartingVersion);
        var scope = await scopes.FindAsync(leader.FrameworkEditionId, ct)
            ?? throw new InvalidOperationException($"Leader {leader.Id} is tracked against framework edition {leader.FrameworkEditionId}, which is not in the catalog.");
        var events = LeaderDecider.Decide(command(leader, scope), leader, policies.For(leader.Affiliate));
        var answer = respond(new CommandOutcome(events.Aggregate(leader, Leader.Evolve), events));
        // A leader whose stored state is missing (moved by the upgrade, or a bulk load's last step failed) or behind the
        // stream gets the folded one now: Marten's inline projection carries on from the state in the
        // session, and the next command reads one row.
        if (!ReferenceEquals(leader, stream.Aggregate) && events.Count > 0) session.Store(leader);
        return answers.Append(session, message.Sender, stream, events, answer);
    }

    /// <summary>
    /// Starts a new leader's stream (enrolment) in the session's affiliate. <paramref name="refuse"/>, if given, may
    /// still refuse it once the answer kept for a repeat is known not to exist (a repeat is answered as the first time).
    /// </summary>
    public async Task<Answer> StartAsync(LeaderCommand message, Enroll enroll, IEventStream<Leader> stream, IDocumentSession session,
        Func<CommandOutcome, Answer> respond, CancellationToken ct, Func<CancellationToken, Task>? refuse = null)
    {
        if (await answers.FindAsync(message.Sender, ct, session) is { } kept) return kept;
        if (stream.StartingVersion is > 0) throw new DuplicateException($"Leader {message.LeaderId} is already enrolled.");
        if (enroll.Affiliate != session.TenantId) throw new InvalidOperationException("An enrolment is sent for the leader's affiliate.");
        message.Sender.CheckIfMatch(stream.Id, 0);
        if (refuse is not null) await refuse(ct);
        var events = LeaderDecider.Decide(enroll, Leader.Initial, policies.For(enroll.Affiliate));
        var answer = respond(new CommandOutcome(events.Aggregate(Leader.Initial, Leader.Evolve), events));
        store.DeclareNewStream(session, stream.Id, StreamType);
        return answers.Append(session, message.Sender, stream, events, answer);
    }
}

/// <summary>The leader a command decides on, from what Wolverine loaded.</summary>
public static class LeaderStreams
{
    /// <summary>
    /// The stored leader when it is at the stream's version; otherwise (no row: erased, loaded in bulk when the load's last step failed,
    /// moved by the upgrade; a row behind the stream: restored from an older copy, say) the whole
    /// stream folded in the command's session. Null for no leader's stream.
    /// </summary>
    public static async Task<Leader?> StateAsync(IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        if (stream.Aggregate is { } stored && stored.Version == stream.StartingVersion) return stored;
        if (stream.StartingVersion is not > 0) return null;
        var events = await session.Events.FetchStreamAsync(stream.Id, token: ct);
        return events.Count > 0 && events[0].Data is LeaderEnrolled
            ? events.Aggregate(Leader.Initial, (s, e) => Leader.Evolve(s, e.Data))
            : null;
    }
}
