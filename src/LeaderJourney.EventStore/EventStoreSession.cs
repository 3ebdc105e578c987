using Npgsql;

namespace LeaderJourney.EventStore;

/// <summary>
/// One transaction over several appends, possibly to several streams: all of them commit, or none.
/// Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
public sealed class EventStoreSession : IAsyncDisposable
{
    private readonly EventStore _store;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly List<Guid> _shredded = [];

    internal EventStoreSession(EventStore store, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>The session's connection and transaction, for writes that must commit with the events (inline projections).</summary>
    public NpgsqlConnection Connection => _connection;
    public NpgsqlTransaction Transaction => _transaction;

    /// <summary>The schema the store's tables (and the rows committed with its events) live in.</summary>
    public string Schema => _store.Schema;

    public Task<AppendResult> StartStreamAsync(Guid streamId, string streamType, IReadOnlyList<object> events, AppendMetadata? metadata = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamType);
        return _store.RunAppend((_connection, _transaction), EventStore.AppendMode.Start, streamId, streamType, 0, events, metadata, ct);
    }

    public Task<AppendResult> AppendAsync(Guid streamId, long expectedVersion, IReadOnlyList<object> events, AppendMetadata? metadata = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, 1, nameof(expectedVersion));
        return _store.RunAppend((_connection, _transaction), EventStore.AppendMode.Expected, streamId, null, expectedVersion, events, metadata, ct);
    }

    /// <summary>
    /// Locks the stream's row until this session ends, and returns its version (null when it does not
    /// exist). Other writers to the stream wait, so what this session reads and appends next cannot
    /// conflict: the pessimistic path for a write that lost an optimistic race.
    /// </summary>
    public Task<long?> LockStreamAsync(Guid streamId, CancellationToken ct = default) => _store.LockStream(_connection, _transaction, streamId, ct);

    /// <summary>Reads a stream inside this session's transaction (it sees the session's own appends).</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, StreamReadOptions? options = null, CancellationToken ct = default) =>
        _store.ReadStream(_connection, _transaction, streamId, options ?? StreamReadOptions.All, ct);

    /// <summary>
    /// Shreds the subject's personal-data key in this transaction (see <see cref="PersonalData.SubjectKeys"/>):
    /// once committed, what was encrypted for the subject reads as erased. <paramref name="final"/> erases
    /// the subject for good; otherwise a later write about it starts with a new key.
    /// </summary>
    public async Task ShredSubjectAsync(Guid subject, bool final, CancellationToken ct = default)
    {
        var keys = _store.PersonalData?.Keys ?? throw new InvalidOperationException("This store was opened without master keys: it holds no personal-data keys to shred.");
        await keys.ShredAsync(_connection, _transaction, subject, final, ct);
        _shredded.Add(subject);
    }

    public async Task CommitAsync(CancellationToken ct = default)
    {
        await _transaction.CommitAsync(ct);
        // Keys this process read while the shred was in flight are dropped again now that it is visible.
        foreach (var subject in _shredded) _store.PersonalData!.Keys.Forget(subject);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
