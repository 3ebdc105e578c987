using JasperFx.Events;
using LeaderJourney.Domain.Leaders;
using Marten;
using Marten.Events.Aggregation;

namespace LeaderJourney.Core.Leaders;

/// <summary>
/// A leader's state as the leader commands decide on it, kept by Marten inline: the command's own
/// transaction stores the leader folded to the events it appends, so the next command loads one row
/// (Marten's <c>FetchForExclusiveWriting</c>) whatever the length of the stream. The fold is the
/// domain's own <see cref="Leader.Evolve"/>. The stored leader holds their name and email: those
/// fields are sealed with the leader's key on the way in (<see cref="Leader"/>'s [PersonalData], the
/// codec's personal documents), so a shredded key makes them unreadable here as in the events. An
/// erasure deletes the row (the fold returns nothing), and a stream without a row (erased, moved by
/// the upgrade; a bulk load stores its leaders' rows right after it) or with one behind it is folded whole by <see cref="LeaderStreams"/>.
/// The rows live in a table named for the shape of <see cref="Leader"/> and its fold
/// (<see cref="DocumentAlias"/>): a change to either takes the next name, with a core migration that
/// drops the earlier table (Hosting/CoreSchema.cs). So no host ever decides on a row folded by other
/// code: a host of the earlier version still running in a rolling start reads and writes only its own
/// table, and once that is dropped its leader commands fail whole (500, nothing appended) until it
/// stops, where deciding on a row of a shape it does not know would append wrong events. A stream that is not a
/// leader's (a position's id sent as a leader's) folds to nothing and reads as a missing leader.
/// </summary>
public sealed class LeaderAggregation : SingleStreamProjection<Leader, Guid>
{
    /// <summary>
    /// The stored leaders' document name, and so their table (<c>mt_doc_leader_shape6</c>): shape 6 keeps the declines a
    /// mentor may still withdraw (<see cref="Leader.Declines"/>) and folds their withdrawal; shape 5 folds a training
    /// withdrawn (its learning goes); shape 4 (<c>mt_doc_leader_shape4</c>) kept with a
    /// standing sign-off when the request it answered was asked, and a request put back counts its wait from then;
    /// shape 3 (<c>mt_doc_leader_shape3</c>) kept the learning grouped and no ids (what a stream holds once is the
    /// store's to keep, <see cref="RecordedOnce"/>); shape 2 (<c>mt_doc_leader_shape2</c>) also kept the ids of what
    /// was recorded, shape 1 (<c>mt_doc_leader</c>) the records.
    /// </summary>
    public const string DocumentAlias = "leader_shape6";

    /// <summary>The name the personal-data codec knows the stored leader by (no event is stored under it).</summary>
    public const string SealedName = "leader.decision-state";

    // Only a leader's stream is folded: a write to a position's or a framework's stream touches no leader row.
    public LeaderAggregation()
    {
        foreach (var (type, _) in LeaderEventNames.All) IncludeType(type);
    }

    public override Leader? Evolve(Leader? snapshot, Guid id, IEvent e) => e.Data switch
    {
        // Nothing of an erased leader is kept beside the stream: the row goes in the erasure's transaction.
        LeaderErased => null,
        _ when snapshot is not null => Leader.Evolve(snapshot, e.Data),
        LeaderEnrolled => Leader.Evolve(Leader.Initial, e.Data),
        _ => null,
    };

    /// <summary>Registers the fold with Marten, inline: its rows belong to the leader's affiliate, like the stream.</summary>
    public static void Register(StoreOptions marten)
    {
        marten.Projections.Add(new LeaderAggregation(), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        marten.Schema.For<Leader>().MultiTenanted().DocumentAlias(DocumentAlias);
        // Not Marten's cache of aggregates for writing (CacheAggregatesForWriting): after a commit it keeps
        // the instance it fetched, at the new version, expecting the commit to have changed that instance.
        // A Leader is an immutable record, so it would hand out the leader as before the last command
        // (tried: 96 of 9,504 sign-offs in the bench failed, one per leader).
    }
}
