using Npgsql;

namespace LeaderJourney.Storage.PersonalData;

/// <summary>
/// Hears of every shred of a subject's key as it commits, from any process on the database (PostgreSQL's
/// LISTEN/NOTIFY: a trigger on <c>subject_keys</c> announces each, see the event store's migration 4),
/// and drops that subject's cached keys here (<see cref="SubjectKeys.Forget"/>). So an erasure on one
/// host stops every other host opening that leader's data at once, not after <see cref="SubjectKeys.CacheLifetime"/>.
/// A notice sent while this was not connected is lost: each time it (re)connects it drops the whole cache
/// (<see cref="SubjectKeys.ForgetAll"/>), and until then the cache's lifetime bounds what it may have missed.
/// A final shred (the subject erased for good) is also handed to <c>onErased</c>, for what else a host
/// keeps of a person in memory. Ours because neither Marten nor Wolverine tells every node of a change:
/// Wolverine's messages go to one handler, and its PostgreSQL transport has no broadcast to all nodes.
/// </summary>
public sealed class KeyShredListener(NpgsqlDataSource dataSource, SubjectKeys keys, Action<Exception>? onError = null, Action<Guid>? onErased = null)
{
    /// <summary>The channel every schema's shreds are announced on; the notice is <c>schema:subject</c>, with <c>:final</c> after a final shred.</summary>
    public const string Channel = "leaderjourney_keys_shredded";

    // A silent connection is asked for a sign of life this often, so a dead one is found and replaced.
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    private readonly string _prefix = keys.Schema + ":";
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connections;

    /// <summary>How many times this listener has connected and begun listening.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The server process of the listening connection (0 when not connected).</summary>
    public int ServerProcessId { get; private set; }

    /// <summary>Completes once the listener is listening (again, after a lost connection).</summary>
    public Task Listening => Volatile.Read(ref _listening).Task;

    /// <summary>Listens until <paramref name="ct"/> ends, connecting again after any failure.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            // Whatever went wrong (a server restarting, a name that does not resolve for a moment), it
            // connects again: a failure here must not stop the host it runs in.
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                onError?.Invoke(e);
                try { await Task.Delay(RetryAfter, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        connection.Notification += OnNotice;
        try
        {
            await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
                await listen.ExecuteNonQueryAsync(ct);
            // Whatever was shredded while no one listened here is forgotten with everything else.
            keys.ForgetAll();
            ServerProcessId = connection.ProcessID;
            Interlocked.Increment(ref _connections);
            _listening.TrySetResult();
            while (true)
            {
                if (await connection.WaitAsync(Probe, ct)) continue;
                await using var probe = new NpgsqlCommand("select 1", connection);
                await probe.ExecuteScalarAsync(ct);
            }
        }
        finally
        {
            ServerProcessId = 0;
            // Only a listening that began is over: whoever waits for one that never began keeps waiting for it.
            var listening = Volatile.Read(ref _listening);
            if (listening.Task.IsCompleted)
                Interlocked.CompareExchange(ref _listening, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), listening);
            connection.Notification -= OnNotice;
            // The pool does not reset a returned connection (NoResetOnClose): it should not keep listening
            // (if it did, its notices would only be dropped: no handler is attached any more).
            if (connection.State == System.Data.ConnectionState.Open)
                try
                {
                    await using var unlisten = new NpgsqlCommand("unlisten *", connection);
                    await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
                }
                catch (NpgsqlException)
                {
                    // A broken connection is not returned to the pool; a working one that refused is harmless (above).
                }
        }
    }

    private void OnNotice(object sender, NpgsqlNotificationEventArgs notice)
    {
        if (!notice.Payload.StartsWith(_prefix, StringComparison.Ordinal)) return;
        var rest = notice.Payload.AsSpan(_prefix.Length);
        var final = rest.EndsWith(":final", StringComparison.Ordinal);
        if (!Guid.TryParse(final ? rest[..^":final".Length] : rest, out var subject)) return;
        keys.Forget(subject);
        if (final) onErased?.Invoke(subject);
    }
}
