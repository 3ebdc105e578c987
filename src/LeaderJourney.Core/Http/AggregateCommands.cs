using LeaderJourney.Storage;
using Marten;

namespace LeaderJourney.Core.Http;

/// <summary>
/// What every handler on Wolverine's aggregate handler workflow (positions, demographics, report
/// issues, erasure) does around its decision, on the stream Wolverine loaded holding its row and in
/// the session it opened.
/// </summary>
public static class AggregateCommands
{
    /// <summary>
    /// The version the decision is made on (0 for a stream not yet started). If-Match is what the caller
    /// saw; the stream's row is held, so the version read is the one appended to, and a mismatch is a
    /// 409 naming it.
    /// </summary>
    public static long CheckIfMatch(this Sender sender, Guid streamId, long? startingVersion)
    {
        var version = startingVersion ?? 0;
        if (sender.Options.IfMatch is { } expected && expected != version) throw new ConcurrencyException(streamId, expected, version);
        return version;
    }

    /// <summary>
    /// Each event records who wrote it and, as its correlation id, the keyed hash of the request's
    /// Idempotency-Key, as every command's events do. No causation: Wolverine would name the id of a
    /// message that is handled inline and stored nowhere.
    /// </summary>
    public static void StampWriter(this IDocumentSession session, Sender sender)
    {
        session.LastModifiedBy = sender.Caller.ActorName;
        session.CorrelationId = sender.Options.IdempotencyKey;
        session.CausationId = null;
    }
}
