using JasperFx.Events;
using LeaderJourney.Domain.Succession;
using Marten;
using Marten.Events.Aggregation;

namespace LeaderJourney.Core.Succession.Positions;

/// <summary>
/// How Marten folds a position's stream for the position commands (<c>FetchForWriting</c>, under
/// Wolverine's aggregate handler workflow): live, from its events, with the domain's own
/// <see cref="Position.Evolve"/>. A position's stream is short (a definition, its slate and seats), so
/// no snapshot is kept. A stream that is not a position's (a leader's id sent as a position's) folds to
/// nothing and reads as a missing position.
/// </summary>
public sealed class PositionAggregation : SingleStreamProjection<Position, Guid>
{
    public override Position? Evolve(Position? snapshot, Guid id, IEvent e) =>
        snapshot is not null ? Position.Evolve(snapshot, e.Data)
        : e.Data is PositionDefined ? Position.Evolve(Position.Initial, e.Data)
        : null;

    /// <summary>Registers the fold with Marten, live: nothing is stored, and the events are read in the session's affiliate only.</summary>
    public static void Register(StoreOptions marten) =>
        marten.Projections.Add(new PositionAggregation(), JasperFx.Events.Projections.ProjectionLifecycle.Live);
}
