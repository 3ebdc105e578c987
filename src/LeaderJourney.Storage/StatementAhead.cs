using Npgsql;

namespace LeaderJourney.Storage;

/// <summary>
/// A statement sent ahead of a read in the read's own batch, so both take one round trip: the check
/// that the caller's token is still live, say. If it fails, the read fails with it, before its own
/// statements run; <see cref="Passed"/> is called once the read has been answered past it.
/// </summary>
public interface IStatementAhead
{
    /// <summary>A new statement for each batch it is sent in (a read may be sent again).</summary>
    NpgsqlBatchCommand Command();

    void Passed();
}
