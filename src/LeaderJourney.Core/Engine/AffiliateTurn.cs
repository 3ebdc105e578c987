using Marten;
using Npgsql;

namespace LeaderJourney.Core.Engine;

/// <summary>
/// A write that looks at what its affiliate holds before it decides (is this person enrolled, has a position this
/// title) takes a turn with the affiliate's other writes of that kind: an advisory lock taken in the write's
/// transaction (begun by the aggregate handler's exclusive fetch) and held until it ends. The second of two
/// writes sent at one moment then looks after the first has committed, and finds it. Ours because the look spans
/// streams, which Marten's per-stream version does not guard; such writes are rare, so a waiting one holding its
/// pooled connection costs little.
/// </summary>
public static class AffiliateTurn
{
    /// <summary>Waits for the affiliate's other writes of the same <paramref name="kind"/> to end; the turn is held until this session's transaction ends.</summary>
    public static async Task TakeAsync(IDocumentSession session, string kind, string affiliate, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('leaderjourney.' || $1 || '.' || $2, 0))", session.Connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        await command.ExecuteNonQueryAsync(ct);
    }
}
