using JasperFx.Events;
using LeaderJourney.Domain.Demographics;
using Marten;
using Marten.Events.Aggregation;

namespace LeaderJourney.Core.Leaders.Demographics;

/// <summary>
/// How Marten folds a leader's demographics stream for the demographics commands (<c>FetchForWriting</c>,
/// under Wolverine's aggregate handler workflow): live, from its events, with the domain's own
/// <see cref="DemographicsState.Evolve"/>. The stream is short (a few answers and withdrawals) and
/// personal, so nothing of it is stored besides its sealed events.
/// </summary>
public sealed class DemographicsAggregation : SingleStreamProjection<DemographicsState, Guid>
{
    public override DemographicsState? Evolve(DemographicsState? snapshot, Guid id, IEvent e) =>
        e.Data is DemographicsRecorded or DemographicsConsentWithdrawn ? DemographicsState.Evolve(snapshot ?? DemographicsState.Initial, e.Data) : snapshot;

    /// <summary>Registers the fold with Marten, live: nothing is stored, and the events are read in the session's affiliate only.</summary>
    public static void Register(StoreOptions marten) =>
        marten.Projections.Add(new DemographicsAggregation(), JasperFx.Events.Projections.ProjectionLifecycle.Live);
}
