using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.EventStore.Projections;

public sealed record ProjectionOptions
{
    public int BatchSize { get; init; } = 1000;

    /// <summary>How often one event is tried before it is parked as a dead letter and its projection stops.</summary>
    public int Attempts { get; init; } = 3;
}

/// <summary>A projection's state for `projections status` and /health.</summary>
public sealed record ProjectionStatus(
    string Name, string Mode, int Version, int Generation, string State, long Position, long Head, long Lag,
    string? LastError, int? BuildingGeneration, long? BuildingPosition);

/// <summary>
/// Runs projections: applies inline ones inside appends, advances every generation the daemon owns in
/// global order, builds new generations beside the active ones and switches over when they have caught
/// up (blue/green), and parks an event that keeps failing instead of skipping it.
/// </summary>
public sealed class ProjectionRuntime
{
    private readonly EventStore _store;
    private readonly ProjectionOptions _options;
    private readonly Dictionary<string, ProjectionRegistration> _byName;
    private readonly ConcurrentDictionary<string, (int[] Generations, DateTime Until)> _liveGenerations = new();

    public ProjectionRuntime(EventStore store, IEnumerable<ProjectionRegistration> registrations, ProjectionOptions? options = null)
    {
        _store = store;
        _options = options ?? new ProjectionOptions();
        _byName = registrations.ToDictionary(r => r.Projection.Name);
        foreach (var name in _byName.Keys)
            if (name.Length is 0 or > 30 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                throw new ArgumentException($"Projection name '{name}' is not allowed: 1 to 30 lower-case letters, digits or '-'.");
        if (_byName.Values.Any(r => r.Mode == ProjectionMode.Inline)) store.InlineProjections = ApplyInlineAsync;
    }

    public IReadOnlyCollection<ProjectionRegistration> Registrations => _byName.Values;
    public EventStore Store => _store;
    private string Schema => _store.Schema;

    /// <summary>Creates the runtime's tables, and a first (or, after a version bump, a new) building generation for each projection.</summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await SchemaMigrator.MigrateAsync(_store.DataSource, Schema, ProjectionSchema.Component, ProjectionSchema.Migrations, ct);
        foreach (var registration in _byName.Values)
        {
            await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await Lock(connection, tx, registration.Projection.Name, ct);
            await using var exists = new NpgsqlCommand(
                $"select exists (select 1 from {Schema}.projection_generations where name = $1 and version = $2 and status <> 'retired')", connection, tx);
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Projection.Name });
            exists.Parameters.Add(new NpgsqlParameter<int> { TypedValue = registration.Projection.Version });
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) await CreateGeneration(connection, tx, registration.Projection, ct);
            await DropRetired(connection, tx, registration.Projection.Name, ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Starts a fresh generation of a projection (a rebuild); the daemon, or <see cref="RebuildAsync"/>, builds it.</summary>
    public async Task<int> StartRebuildAsync(string name, CancellationToken ct = default)
    {
        var registration = Find(name);
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Lock(connection, tx, name, ct);
        await using (var retire = new NpgsqlCommand($"update {Schema}.projection_generations set status = 'retired', updated_at = now() where name = $1 and status = 'building'", connection, tx))
        {
            retire.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await retire.ExecuteNonQueryAsync(ct);
        }
        await DropRetired(connection, tx, name, ct);
        var generation = await CreateGeneration(connection, tx, registration.Projection, ct);
        await tx.CommitAsync(ct);
        _liveGenerations.Clear();
        return generation;
    }

    /// <summary>Rebuilds a projection into a new generation, reporting (position, head) as it goes, and switches over when it has caught up.</summary>
    public async Task RebuildAsync(string name, IProgress<(long Position, long Head)>? progress = null, CancellationToken ct = default)
    {
        var generation = await StartRebuildAsync(name, ct);
        while (true)
        {
            var g = (await Generations(ct)).Single(x => x.Name == name && x.Generation == generation);
            if (g.Status == "active") break;
            if (g.Status == "retired") throw new InvalidOperationException($"The rebuild of {name} was replaced by a newer one.");
            if (g.State == "failed") throw new ProjectionFailedException(name, g.LastError);
            await RunGenerationAsync(g, ct);
            progress?.Report((g.Position, await _store.ReadLastSequenceAsync(ct)));
        }
        var head = await _store.ReadLastSequenceAsync(ct);
        progress?.Report((head, head));
    }

    /// <summary>Puts a failed projection back to work (after its code is fixed): its parked event is tried again first.</summary>
    public async Task ResumeAsync(string name, CancellationToken ct = default)
    {
        Find(name);
        await using var command = _store.DataSource.CreateCommand($"""
            update {Schema}.projection_generations set state = 'running', last_error = null, updated_at = now() where name = $1 and state = 'failed';
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await command.ExecuteNonQueryAsync(ct);
        await using var resolve = _store.DataSource.CreateCommand($"update {Schema}.projection_dead_letters set resolved_at = now() where name = $1 and resolved_at is null");
        resolve.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await resolve.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One pass of the daemon: a batch for every running generation. True when anything moved.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken ct = default)
    {
        // The generations are independent (each its own tables, checkpoint and connection), so they move
        // side by side: the database applies one's batch while another's is read and decrypted.
        var running = (await Generations(ct))
            .Where(g => g.Status != "retired" && g.State == "running" && _byName.ContainsKey(g.Name) && g.Version == _byName[g.Name].Projection.Version);
        var moved = await Task.WhenAll(running.Select(g => RunGenerationAsync(g, ct)));
        return moved.Any(m => m);
    }

    /// <summary>Runs the daemon's passes until nothing moves: everything committed so far is applied (or parked).</summary>
    public async Task CatchUpAsync(CancellationToken ct = default)
    {
        while (await RunOnceAsync(ct))
        {
        }
    }

    /// <summary>Waits until the projection's active generation has applied everything up to <paramref name="sequence"/> (for tests and tools that must read their own writes from an async model).</summary>
    public async Task WaitForAsync(string name, long sequence, TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        while (true)
        {
            GenerationRow? g = null;
            try
            {
                g = (await Generations(cts.Token)).SingleOrDefault(x => x.Name == name && x.Status == "active");
                if (g is { State: "failed" }) throw new ProjectionFailedException(name, g.LastError);
                if (g is not null && g.Position >= sequence) return;
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Projection {name} did not reach event {sequence} within {timeout.TotalSeconds:0.#} s (it is at {g?.Position ?? 0}).");
            }
        }
    }

    /// <summary>The schema-qualified name of a table of the projection's active generation; null while none is active.</summary>
    public async Task<string?> ActiveTableAsync(string name, string baseName, CancellationToken ct = default)
    {
        await using var command = _store.DataSource.CreateCommand($"select generation from {Schema}.projection_generations where name = $1 and status = 'active'");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteScalarAsync(ct) is int generation ? ProjectionTables.Name(Schema, name, generation, baseName) : null;
    }

    public async Task<IReadOnlyList<ProjectionStatus>> StatusAsync(bool daemonRunning, CancellationToken ct = default)
    {
        var head = await _store.ReadLastSequenceAsync(ct);
        var all = await Generations(ct);
        var list = new List<ProjectionStatus>();
        foreach (var registration in _byName.Values.OrderBy(r => r.Projection.Name))
        {
            var name = registration.Projection.Name;
            var active = all.SingleOrDefault(g => g.Name == name && g.Status == "active");
            var building = all.Where(g => g.Name == name && g.Status == "building").OrderByDescending(g => g.Generation).FirstOrDefault();
            var failed = all.FirstOrDefault(g => g.Name == name && g.Status != "retired" && g.State == "failed");
            var current = active ?? building;
            var position = current?.Position ?? 0;
            var state = failed is not null ? "failed"
                : !daemonRunning && position < head ? "stopped"
                : active is null ? "building"
                : "running";
            list.Add(new ProjectionStatus(name, registration.Mode.ToString().ToLowerInvariant(), registration.Projection.Version,
                current?.Generation ?? 0, state, position, head, Math.Max(0, head - position), failed?.LastError,
                building?.Generation, building?.Position));
        }
        return list;
    }

    // ------------------------------------------------------------------ inline

    private async Task ApplyInlineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        // Every appended event goes through, read or not: an inline projection tracks each stream's
        // versions without gaps, including the events it has no use for.
        foreach (var registration in _byName.Values.Where(r => r.Mode == ProjectionMode.Inline))
            foreach (var generation in await LiveGenerations(registration.Projection.Name, ct))
                await ApplyAsync(new ProjectionContext(connection, transaction, Schema, registration.Projection.Name, generation), registration, events, ct);
    }

    // Which generations an append writes to: the live ones of this code's version (an instance still on
    // an older version must not write old-shaped rows into new tables, nor the reverse). Remembered for a
    // second: one that appears meanwhile (a rebuild) misses nothing, because the daemon applies every
    // event to it as well.
    private async Task<int[]> LiveGenerations(string name, CancellationToken ct)
    {
        if (_liveGenerations.TryGetValue(name, out var known) && known.Until > DateTime.UtcNow) return known.Generations;
        var version = _byName[name].Projection.Version;
        var generations = (await Generations(ct)).Where(g => g.Name == name && g.Status != "retired" && g.Version == version).Select(g => g.Generation).ToArray();
        _liveGenerations[name] = (generations, DateTime.UtcNow.AddSeconds(1));
        return generations;
    }

    // ------------------------------------------------------------------ the daemon's work

    private async Task<bool> RunGenerationAsync(GenerationRow g, CancellationToken ct)
    {
        var registration = _byName[g.Name];
        // Only the projection's own event types are read in full; the rest keep their place (an inline
        // projection still counts every stream's versions) without their data being sent or decrypted.
        var batch = await _store.ReadAllAsync(g.Position, _options.BatchSize, ct, registration.Projection.EventTypes);
        if (batch.Position == g.Position) return await SwitchIfCaughtUp(g, ct);

        var events = batch.Events.ToList();
        try
        {
            await ApplyAndCheckpoint(g, registration, events, batch.Position, ct);
        }
        catch (StaleCheckpointException)
        {
            // Another worker moved this generation meanwhile: its batch stands, this one is dropped.
        }
        catch (Exception e) when (e is not OperationCanceledException && !IsTransient(e))
        {
            // Find the event that fails by applying one at a time; the ones before it land, it is retried, then parked.
            try
            {
                await ApplyOneByOne(g, registration, events, batch.Position, ct);
            }
            catch (StaleCheckpointException)
            {
            }
        }
        return true;
    }

    /// <summary>A lost connection, a deadlock or a timeout says nothing about the event: the daemon backs off and tries again, nothing is parked.</summary>
    private static bool IsTransient(Exception e) => e is NpgsqlException { IsTransient: true } or TimeoutException;

    private async Task ApplyOneByOne(GenerationRow g, ProjectionRegistration registration, List<StoredEvent> events, long batchEnd, CancellationToken ct)
    {
        var position = g.Position;
        foreach (var e in events)
        {
            if (registration.Mode == ProjectionMode.Async && !registration.Projection.EventTypes.Contains(e.TypeName)) continue;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ApplyAndCheckpoint(g with { Position = position }, registration, [e], e.Sequence, ct);
                    position = e.Sequence;
                    break;
                }
                catch (Exception error) when (error is not OperationCanceledException && error is not StaleCheckpointException && !IsTransient(error))
                {
                    if (attempt < _options.Attempts) continue;
                    await Park(g with { Position = position }, e, error, attempt, ct);
                    return;
                }
            }
        }
        await ApplyAndCheckpoint(g with { Position = position }, registration, [], batchEnd, ct);
    }

    private async Task ApplyAndCheckpoint(GenerationRow g, ProjectionRegistration registration, IReadOnlyList<StoredEvent> events, long newPosition, CancellationToken ct)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ClaimPosition(connection, tx, g, ct);
        if (events.Count > 0)
            await ApplyAsync(new ProjectionContext(connection, tx, Schema, g.Name, g.Generation), registration, events, ct);
        await using var checkpoint = new NpgsqlCommand($"""
            update {Schema}.projection_generations set position = $3, updated_at = now() where name = $1 and generation = $2
            """, connection, tx);
        checkpoint.Parameters.Add(new NpgsqlParameter<string> { TypedValue = g.Name });
        checkpoint.Parameters.Add(new NpgsqlParameter<int> { TypedValue = g.Generation });
        checkpoint.Parameters.Add(new NpgsqlParameter<long> { TypedValue = newPosition });
        await checkpoint.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Locks the generation's row and checks it is still where this worker read from, before any row is
    /// written: a second worker on the same generation (a daemon that lost its lock, a rebuild from the
    /// command line) waits here, then finds the position moved and leaves the batch to the first.
    /// </summary>
    private async Task ClaimPosition(NpgsqlConnection connection, NpgsqlTransaction tx, GenerationRow g, CancellationToken ct)
    {
        await using var claim = new NpgsqlCommand($"""
            select position = $3 and state = 'running' from {Schema}.projection_generations where name = $1 and generation = $2 for update
            """, connection, tx);
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = g.Name });
        claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = g.Generation });
        claim.Parameters.Add(new NpgsqlParameter<long> { TypedValue = g.Position });
        if (await claim.ExecuteScalarAsync(ct) is not true) throw new StaleCheckpointException();
    }

    /// <summary>Applies the events a projection reads, out of all events given (for an inline projection, only those that continue their streams).</summary>
    private async Task ApplyAsync(ProjectionContext context, ProjectionRegistration registration, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        if (registration.Mode == ProjectionMode.Inline) events = await NextInEachStream(context, registration.Projection.Name, events, ct);
        var relevant = events.Where(e => registration.Projection.EventTypes.Contains(e.TypeName)).ToList();
        if (relevant.Count > 0) await registration.Projection.ApplyAsync(context, relevant, ct);
    }

    /// <summary>
    /// For an inline projection, keeps only the events that continue each stream exactly where this
    /// generation left it (version applied + 1, + 2, ...), and records the new versions. An append that
    /// runs ahead of the generation (a stream the daemon has not reached yet in a new generation, or one
    /// imported in bulk) is left to the daemon, which applies every stream from its start in order; an
    /// event the daemon meets that an append already applied is dropped.
    /// </summary>
    private async Task<IReadOnlyList<StoredEvent>> NextInEachStream(ProjectionContext context, string name, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var streams = events.Select(e => e.StreamId).Distinct().ToArray();
        var applied = new Dictionary<Guid, long>();
        await using (var read = context.Command($"""
            select stream_id, version from {Schema}.projection_stream_versions
             where name = $1 and generation = $2 and stream_id = any($3) for update
            """))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = context.Generation });
            read.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = streams });
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) applied[reader.GetGuid(0)] = reader.GetInt64(1);
        }
        var fresh = new List<StoredEvent>();
        foreach (var e in events)
        {
            var last = applied.GetValueOrDefault(e.StreamId);
            if (e.Version != last + 1) continue;
            fresh.Add(e);
            applied[e.StreamId] = e.Version;
        }
        if (fresh.Count == 0) return fresh;
        var latest = fresh.GroupBy(e => e.StreamId).Select(g => (Stream: g.Key, Version: g.Max(e => e.Version))).ToArray();
        await using var write = context.Command($"""
            insert into {Schema}.projection_stream_versions (name, generation, stream_id, version)
            select $1, $2, s, v from unnest($3::uuid[], $4::bigint[]) as x(s, v)
            on conflict (name, generation, stream_id) do update set version = greatest(excluded.version, projection_stream_versions.version)
            """);
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        write.Parameters.Add(new NpgsqlParameter<int> { TypedValue = context.Generation });
        write.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = latest.Select(l => l.Stream).ToArray() });
        write.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = latest.Select(l => l.Version).ToArray() });
        await write.ExecuteNonQueryAsync(ct);
        return fresh;
    }

    private async Task Park(GenerationRow g, StoredEvent e, Exception error, int attempts, CancellationToken ct)
    {
        var message = $"{error.GetType().Name}: {error.Message.Split('\n')[0]} (event {e.Sequence}, {e.TypeName}, stream {e.StreamId})";
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ClaimPosition(connection, tx, g, ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        var park = new NpgsqlBatchCommand($"""
            insert into {Schema}.projection_dead_letters (name, generation, seq_id, stream_id, event_type, error, attempts)
            values ($1, $2, $3, $4, $5, $6, $7)
            """);
        park.Parameters.Add(new NpgsqlParameter<string> { TypedValue = g.Name });
        park.Parameters.Add(new NpgsqlParameter<int> { TypedValue = g.Generation });
        park.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Sequence });
        park.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.StreamId });
        park.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.TypeName });
        park.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error.ToString() });
        park.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempts });
        var stop = new NpgsqlBatchCommand($"update {Schema}.projection_generations set state = 'failed', last_error = $3, updated_at = now() where name = $1 and generation = $2");
        stop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = g.Name });
        stop.Parameters.Add(new NpgsqlParameter<int> { TypedValue = g.Generation });
        stop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message });
        batch.BatchCommands.Add(park);
        batch.BatchCommands.Add(stop);
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>A building generation that has read everything safely committed takes over from the active one.</summary>
    private async Task<bool> SwitchIfCaughtUp(GenerationRow g, CancellationToken ct)
    {
        if (g.Status != "building") return false;
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Lock(connection, tx, g.Name, ct);
        await using var command = new NpgsqlCommand($"""
            update {Schema}.projection_generations set status = 'retired', updated_at = now() where name = $1 and status = 'active';
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = g.Name });
        await command.ExecuteNonQueryAsync(ct);
        await using var activate = new NpgsqlCommand($"""
            update {Schema}.projection_generations set status = 'active', activated_at = now(), updated_at = now()
             where name = $1 and generation = $2 and status = 'building'
            """, connection, tx);
        activate.Parameters.Add(new NpgsqlParameter<string> { TypedValue = g.Name });
        activate.Parameters.Add(new NpgsqlParameter<int> { TypedValue = g.Generation });
        var switched = await activate.ExecuteNonQueryAsync(ct) == 1;
        if (!switched) return false;
        await DropRetired(connection, tx, g.Name, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Drops the tables of the projection's retired generations (and their stream versions). A retired
    /// generation no longer receives events, erasures included: left in place it would keep what an
    /// erasure removed from the live one. A reader that picked the old table just before the switch
    /// may see one failed query; the next finds the new one.
    /// </summary>
    private async Task DropRetired(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken ct)
    {
        var generations = new List<int>();
        await using (var retired = new NpgsqlCommand($"select generation from {Schema}.projection_generations where name = $1 and status = 'retired'", connection, tx))
        {
            retired.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await using var reader = await retired.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) generations.Add(reader.GetInt32(0));
        }
        foreach (var generation in generations)
        {
            var prefix = ProjectionTables.Name(Schema, name, generation, "").Split('.', 2)[1];
            var tables = new List<string>();
            await using (var find = new NpgsqlCommand("select tablename from pg_tables where schemaname = $1 and left(tablename, length($2)) = $2", connection, tx))
            {
                find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Schema });
                find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
                await using var reader = await find.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
            }
            foreach (var table in tables)
            {
                await using var drop = new NpgsqlCommand($"drop table if exists {Schema}.\"{table}\"", connection, tx);
                await drop.ExecuteNonQueryAsync(ct);
            }
            await using var versions = new NpgsqlCommand($"delete from {Schema}.projection_stream_versions where name = $1 and generation = $2", connection, tx);
            versions.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            versions.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
            await versions.ExecuteNonQueryAsync(ct);
        }
    }

    // ------------------------------------------------------------------ helpers

    private sealed record GenerationRow(string Name, int Generation, int Version, string Status, long Position, string State, string? LastError);

    private sealed class StaleCheckpointException() : Exception("Another worker moved this projection's checkpoint.");

    private async Task<IReadOnlyList<GenerationRow>> Generations(CancellationToken ct)
    {
        await using var command = _store.DataSource.CreateCommand(
            $"select name, generation, version, status, position, state, last_error from {Schema}.projection_generations order by name, generation");
        var list = new List<GenerationRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new GenerationRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        return list;
    }

    private async Task<int> CreateGeneration(NpgsqlConnection connection, NpgsqlTransaction tx, IProjection projection, CancellationToken ct)
    {
        await using var next = new NpgsqlCommand($"""
            insert into {Schema}.projection_generations (name, generation, version, status)
            select $1, coalesce(max(generation), 0) + 1, $2, 'building' from {Schema}.projection_generations where name = $1
            returning generation
            """, connection, tx);
        next.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
        next.Parameters.Add(new NpgsqlParameter<int> { TypedValue = projection.Version });
        var generation = (int)(await next.ExecuteScalarAsync(ct))!;
        await projection.CreateTablesAsync(new ProjectionContext(connection, tx, Schema, projection.Name, generation), ct);
        return generation;
    }

    private static async Task Lock(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('leaderjourney.projection.' || $1, 0))", connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await command.ExecuteNonQueryAsync(ct);
    }

    private ProjectionRegistration Find(string name) =>
        _byName.TryGetValue(name, out var registration) ? registration
        : throw new ArgumentException($"There is no projection '{name}'; known: {string.Join(", ", _byName.Keys.Order())}.");
}

public sealed class ProjectionFailedException(string name, string? error)
    : EventStoreException($"Projection {name} has stopped on an event it cannot apply: {error}");
