using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
using Wolverine;

namespace LeaderJourney.Core.Leaders;

/// <summary>What a decided command led to: the events appended and the leader after them.</summary>
public sealed record CommandOutcome(Leader State, IReadOnlyList<object> Events);

/// <summary>A write to one leader's stream (see <see cref="StreamCommand"/>); its handler sits with its use case.</summary>
public abstract record LeaderCommand(Guid LeaderId) : StreamCommand(LeaderId);

/// <summary>Writes to a leader's stream: loaded only for a caller who may see the leader, decided by the pure <see cref="LeaderDecider"/> under the affiliate's attainment policy.</summary>
public sealed class LeaderCommandPipeline(StreamCommandPipeline pipeline, LeaderJourney.EventStore.EventStore store, LeaderReader reader, AttainmentPolicies policies, LeaderSnapshots snapshots)
{
    public const string StreamType = "leader";

    public DateTimeOffset Now => pipeline.Now;

    /// <summary>
    /// Decides a command message against an existing leader, on Wolverine's attempt at it (see
    /// <see cref="StreamCommandPipeline"/>), and answers with <paramref name="respond"/>'s status and body.
    /// </summary>
    public Task<Answer> ExecuteAsync(LeaderCommand message, Envelope envelope,
        Func<Leader, FrameworkScope, object> command, Func<CommandOutcome, Answer> respond, CancellationToken ct)
    {
        var (leaderId, caller) = (message.LeaderId, message.Sender.Caller);
        return pipeline.RunAsync(leaderId, caller, message.Sender.Options, async locked =>
        {
            // The latest snapshot and the events after it, not the whole stream (see LeaderSnapshots).
            var snapshot = await snapshots.LoadAsync(leaderId, ct, locked);
            var tail = await store.ReadStreamAsync(leaderId, new StreamReadOptions { FromVersion = (snapshot?.Version ?? 0) + 1 }, ct, locked);
            var loaded = await reader.FoldForCallerAsync(leaderId, snapshot, tail, caller, ct);
            var events = LeaderDecider.Decide(command(loaded.State, loaded.Scope), loaded.State, policies.For(loaded.State.Affiliate));
            var after = events.Aggregate(loaded.State, Leader.Evolve);
            return new StreamDecision(loaded.State.Version, StreamType, loaded.State.Affiliate, events,
                respond(new CommandOutcome(after, events)),
                (s, token) => snapshots.SaveIfDueAsync(s, after, snapshot?.Version ?? 0, token));
        }, envelope.Attempts, ct);
    }

    /// <summary>Starts a new leader's stream (enrolment).</summary>
    public Task<Answer> StartAsync(Guid leaderId, CurrentUser caller, WriteOptions options, Enroll enroll, Func<CommandOutcome, Answer> respond, int attempt, CancellationToken ct) =>
        pipeline.RunAsync(leaderId, caller, options, history =>
        {
            if (history.Count > 0) throw new DuplicateException($"Leader {leaderId} is already enrolled.");
            var events = LeaderDecider.Decide(enroll, Leader.Initial, policies.For(enroll.Affiliate));
            return Task.FromResult(new StreamDecision(0, StreamType, enroll.Affiliate, events,
                respond(new CommandOutcome(events.Aggregate(Leader.Initial, Leader.Evolve), events))));
        }, attempt, ct);
}
