using JasperFx.Events;
using LeaderJourney.Domain.Leaders;
using Marten;
using Marten.Events.Aggregation;

namespace LeaderJourney.Core.Leaders;

/// <summary>
/// How Marten folds a leader's whole stream, live, with the domain's own <see cref="Leader.Evolve"/>:
/// for the leader commands on Wolverine's aggregate handler workflow that may fold it all (the erasure).
/// Nothing is stored: a stored leader would hold their name, email and notes (the other leader commands
/// decide on the sealed snapshot, <see cref="LeaderSnapshots"/>). A stream that is not a leader's (a
/// position's id sent as a leader's) folds to nothing and reads as a missing leader.
/// </summary>
public sealed class LeaderAggregation : SingleStreamProjection<Leader, Guid>
{
    public override Leader? Evolve(Leader? snapshot, Guid id, IEvent e) =>
        snapshot is not null ? Leader.Evolve(snapshot, e.Data)
        : e.Data is LeaderEnrolled ? Leader.Evolve(Leader.Initial, e.Data)
        : null;

    /// <summary>Registers the fold with Marten, live: the events are read in the session's affiliate only.</summary>
    public static void Register(StoreOptions marten) =>
        marten.Projections.Add(new LeaderAggregation(), JasperFx.Events.Projections.ProjectionLifecycle.Live);
}
