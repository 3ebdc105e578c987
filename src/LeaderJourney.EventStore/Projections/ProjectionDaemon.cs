using Npgsql;

namespace LeaderJourney.EventStore.Projections;

/// <summary>
/// The async daemon: one per database schema across every app instance. Instances elect it with a
/// session advisory lock held on a dedicated, unpooled connection; when the holder dies or loses that
/// connection, PostgreSQL releases the lock and another instance takes over at its next try. The holder
/// listens for the events trigger's NOTIFY and polls as a fallback. (Transaction-pooling PgBouncer breaks
/// session locks: point the daemon at PostgreSQL itself or a session pool.)
/// </summary>
public sealed class ProjectionDaemon(ProjectionRuntime runtime, string connectionString, Action<string>? log = null)
{
    public TimeSpan ElectionInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    private volatile bool _isLeader;

    /// <summary>True while this instance holds the daemon lock and runs the projections.</summary>
    public bool IsLeader => _isLeader;

    public static string LockSql(string schema) => $"hashtextextended('leaderjourney.daemon.{schema}', 0)";

    /// <summary>Is a daemon holding the lock anywhere (this instance or another)?</summary>
    public static async Task<bool> IsRunningAnywhereAsync(EventStore store, CancellationToken ct = default)
    {
        await using var command = store.DataSource.CreateCommand($"""
            select exists (select 1 from pg_locks where locktype = 'advisory' and granted and objsubid = 1
                             and database = (select oid from pg_database where datname = current_database())
                             and ((classid::bigint << 32) | objid::bigint) = {LockSql(store.Schema)})
            """);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var dedicated = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            KeepAlive = 5,
            ApplicationName = "leaderjourney-daemon",
        }.ConnectionString;

        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(dedicated);
                await connection.OpenAsync(ct);
                while (!await TryLock(connection, ct)) await Task.Delay(ElectionInterval, ct);

                _isLeader = true;
                log?.Invoke("projection daemon: this instance runs the projections");
                await using (var listen = new NpgsqlCommand($"listen \"{runtime.Store.Schema}_events\"", connection))
                    await listen.ExecuteNonQueryAsync(ct);

                var checkedAt = DateTime.UtcNow;
                while (!ct.IsCancellationRequested)
                {
                    if (await runtime.RunOnceAsync(ct))
                    {
                        // Busy catching up: still prove once a second that the lock's connection lives, so
                        // an instance that lost it stops instead of working beside the new daemon.
                        if (DateTime.UtcNow - checkedAt > ElectionInterval)
                        {
                            await using var ping = new NpgsqlCommand("select 1", connection);
                            await ping.ExecuteScalarAsync(ct);
                            checkedAt = DateTime.UtcNow;
                        }
                        continue;
                    }
                    // Wakes on NOTIFY or after the poll interval; throws when the connection (and with it the lock) is gone.
                    await connection.WaitAsync(PollInterval, ct);
                    checkedAt = DateTime.UtcNow;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                log?.Invoke($"projection daemon: {e.GetType().Name}: {e.Message.Split('\n')[0]}; electing again");
                try
                {
                    await Task.Delay(ElectionInterval, ct);
                }
                catch (OperationCanceledException)
                {
                }
            }
            finally
            {
                _isLeader = false;
            }
        }
    }

    private async Task<bool> TryLock(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select pg_try_advisory_lock({LockSql(runtime.Store.Schema)})", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
