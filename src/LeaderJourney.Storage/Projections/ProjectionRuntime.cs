using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Npgsql;

namespace LeaderJourney.Storage.Projections;

/// <summary>A projection's state for `projections status` and /health.</summary>
/// <param name="RunningOn">The database session (application name: host and process; and address) whose Marten daemon holds the projection's async slot, when one does.</param>
public sealed record ProjectionStatus(
    string Name, string Mode, int Version, int Generation, string State, long Position, long Head, long Lag,
    string? LastError, int? BuildingGeneration, long? BuildingPosition, string? RunningOn = null);

/// <summary>A Marten subscription as the daemon runs it; <paramref name="RunningOn"/> as for <see cref="ProjectionStatus"/>.</summary>
public sealed record SubscriptionStatus(string Name, string State, long Position, long Lag, string? RunningOn, string? LastError);

/// <summary>
/// The read models' generations on top of Marten's projections: Marten applies the events (inline in
/// appends, or under its async daemon) and keeps each slot's progression; this builds a new generation
/// beside the live one with Marten's rebuild, switches readers over when it has caught up, drops the old
/// tables, and reports the state of each read model. See <see cref="MartenSlot"/>.
/// </summary>
public sealed class ProjectionRuntime(Store store)
{
    private readonly ProjectionGenerations _generations = store.Generations;

    /// <summary>Records the slots this Marten daemon pauses as failures (<see cref="SlotPauses"/>), until disposed.</summary>
    public IDisposable WatchPauses(IProjectionDaemon daemon) => daemon.Tracker.Subscribe(new SlotPauses(store));

    /// <summary>The web host's Marten daemon (its coordinator's), when this process runs one: what <see cref="SlotsRunningHereAsync"/> looks at.</summary>
    public Func<CancellationToken, Task<IProjectionDaemon>>? HostDaemon { get; set; }

    public IReadOnlyCollection<ProjectionRegistration> Registrations => store.Projections;
    public Store Store => store;
    private string Schema => store.Schema;

    /// <summary>
    /// Creates the generations' tables: a first generation of each projection (active at once on an empty
    /// store, else to be built), or a new one after a version bump, which is built while the old one serves.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await SchemaMigrator.MigrateAsync(store.DataSource, Schema, ProjectionSchema.Component, ProjectionSchema.Migrations, ct);
        var empty = await store.ReadLastSequenceAsync(ct) == 0;
        foreach (var registration in store.Projections)
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await Lock(connection, tx, registration.Projection.Name, ct);
            // The previous engine numbered generations without slots: a generation being built in the
            // active one's slot is given up (a build starts again in the other slot).
            await using (var clash = new NpgsqlCommand($"""
                update {Schema}.projection_generations b set status = 'retired', updated_at = now()
                 where b.name = $1 and b.status = 'building'
                   and exists (select 1 from {Schema}.projection_generations a where a.name = $1 and a.status = 'active' and a.generation % 2 = b.generation % 2)
                """, connection, tx))
            {
                clash.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Projection.Name });
                await clash.ExecuteNonQueryAsync(ct);
            }
            await using (var exists = new NpgsqlCommand(
                $"select exists (select 1 from {Schema}.projection_generations where name = $1 and version = $2 and status <> 'retired')", connection, tx))
            {
                exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Projection.Name });
                exists.Parameters.Add(new NpgsqlParameter<int> { TypedValue = registration.Projection.Version });
                if (!(bool)(await exists.ExecuteScalarAsync(ct))!) await CreateGeneration(connection, tx, registration.Projection, empty, ct);
            }
            await SeedProgression(connection, tx, registration, ct);
            await DropRetired(connection, tx, registration.Projection.Name, ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>
    /// Moves the progression of every idle async slot (one without a live generation of any version)
    /// to the head: Marten's daemon runs both slots of a read model, and an idle one would otherwise load
    /// the whole log to pass it by. Marten's rebuild of a slot starts it from zero again when it is used.
    /// </summary>
    public async Task SkipIdleSlotsAsync(CancellationToken ct = default)
    {
        foreach (var registration in store.Projections.Where(r => r.Mode == ProjectionMode.Async))
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            // Under the projection's lock, so a rebuild cannot start in the slot between the look and the move.
            await Lock(connection, tx, registration.Projection.Name, ct);
            await using var skip = new NpgsqlCommand($"""
                insert into {Schema}.mt_event_progression (name, last_seq_id, last_updated)
                select {MartenSlot.ShardIdentitySql("$1", "p")}, (select coalesce(max(seq_id), 0) from {Schema}.mt_events), now()
                  from unnest(array[1, 0]) as slots(p)
                 where not exists (select 1 from {Schema}.projection_generations g
                                    where g.name = $1 and g.status <> 'retired' and g.generation % 2 = slots.p)
                on conflict (name) do update set last_seq_id = greatest({Schema}.mt_event_progression.last_seq_id, excluded.last_seq_id), last_updated = now()
                """, connection, tx);
            skip.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Projection.Name });
            await skip.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Starts a fresh generation of a projection beside the active one (a rebuild); <see cref="RebuildTogetherAsync"/> and <see cref="BuildPendingAsync"/> build it.</summary>
    public async Task<int> StartRebuildAsync(string name, CancellationToken ct = default)
    {
        var registration = Find(name);
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Lock(connection, tx, name, ct);
        await using (var retire = new NpgsqlCommand($"update {Schema}.projection_generations set status = 'retired', updated_at = now() where name = $1 and status = 'building'", connection, tx))
        {
            retire.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await retire.ExecuteNonQueryAsync(ct);
        }
        await DropRetired(connection, tx, name, ct);
        var generation = await CreateGeneration(connection, tx, registration.Projection, activate: false, ct);
        await tx.CommitAsync(ct);
        return generation;
    }

    /// <summary>Rebuilds a projection into a new generation, reporting (position, head) as it goes, and switches over when it has caught up.</summary>
    public async Task RebuildAsync(string name, IProgress<(long Position, long Head)>? progress = null, CancellationToken ct = default)
    {
        var failure = (await RebuildTogetherAsync([name], _ => progress, ct))[name];
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>
    /// Rebuilds several projections into new generations, each switching over when it has caught up: one
    /// reading of the log per replay group (<see cref="ProjectionRegistration.ReplayGroup"/>), the groups
    /// side by side. Returns each one's failure (null when rebuilt): a failed build does not stop the others.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Exception?>> RebuildTogetherAsync(IReadOnlyList<string> names,
        Func<string, IProgress<(long Position, long Head)>?> progress, CancellationToken ct = default)
    {
        var builds = new List<Build>();
        foreach (var name in names.Distinct()) builds.Add(new Build(name, await StartRebuildAsync(name, ct), progress(name)));
        var outcome = await BuildInReplayGroupsAsync(builds, ct);
        return outcome.ToDictionary(o => o.Key, o => o.Value is BuildElsewhereException
            ? new InvalidOperationException($"Another process is building {o.Key}; its build was replaced by generation {builds.Single(b => b.Name == o.Key).Generation}, which that process will not finish: run the rebuild again once it has stopped.")
            : o.Value);
    }

    private sealed record Build(string Name, int Generation, IProgress<(long Position, long Head)>? Progress);

    /// <summary>One replay per replay group (<see cref="ProjectionRegistration.ReplayGroup"/>), the groups side by side.</summary>
    private async Task<Dictionary<string, Exception?>> BuildInReplayGroupsAsync(IReadOnlyList<Build> builds, CancellationToken ct)
    {
        var replays = builds.GroupBy(b => Find(b.Name).ReplayGroup ?? "").Select(group => BuildTogetherAsync(group.ToList(), ct));
        return (await Task.WhenAll(replays)).SelectMany(o => o).ToDictionary();
    }

    private sealed class BuildElsewhereException() : Exception("Another process is building this projection.");

    /// <summary>
    /// Builds generations side by side from one reading of the log: Marten's rebuild of one projection
    /// (<see cref="SlotBuilds"/>) in a Marten store of the build's own hands every page to each slot being
    /// built; then each generation is brought up to the head and switched over on its own. When a build
    /// fails on the way, the others are built again, each alone, so one failure stops no other.
    /// </summary>
    private async Task<Dictionary<string, Exception?>> BuildTogetherAsync(IReadOnlyList<Build> builds, CancellationToken ct)
    {
        var outcome = new Dictionary<string, Exception?>();
        var guards = new List<NpgsqlConnection>();
        try
        {
            var building = new List<Build>();
            foreach (var build in builds)
            {
                var guard = await store.DataSource.OpenConnectionAsync(ct);
                guards.Add(guard);
                if (!await TryBuildLock(guard, build.Name, ct)) outcome[build.Name] = new BuildElsewhereException();
                else if (!await ResetGeneration(Find(build.Name).Projection, build.Generation, ct)) outcome[build.Name] = null; // replaced or switched meanwhile
                else building.Add(build);
            }
            if (building.Count == 0) return outcome;

            var slots = building.Select(b => store.Slots.Single(s => s.Name == b.Name && s.Parity == MartenSlot.ParityOf(b.Generation))).ToList();
            // The build's own Marten store: only its daemon writes the generations (see MartenSlot.ShouldApply);
            // the web host's agents for these slots pause until the switch-over.
            var replay = new SlotBuilds(slots);
            var builder = store.CreateMarten(replay);
            var marks = building.Select(b => _generations.Building(b.Name, b.Generation, builder)).ToList();
            try
            {
                var daemon = await builder.BuildProjectionDaemonAsync();
                using var pauses = WatchPauses(daemon);
                try
                {
                    using var reporting = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    var reporters = building.Zip(slots).Where(b => b.First.Progress is not null)
                        .Select(b => ReportAsync(b.Second, b.First.Generation, b.First.Progress!, reporting.Token)).ToList();
                    try
                    {
                        // Marten's limit is on the whole replay: a national log takes minutes.
                        await daemon.RebuildProjectionAsync(replay.MartenName, TimeSpan.FromHours(12), ct);
                        await HandOverProgressionAsync(replay, ct);
                        // Each generation goes on from there on its own: a failure in one stops no other.
                        using var agents = new SemaphoreSlim(1);
                        await Task.WhenAll(building.Zip(slots).Select(async b =>
                        {
                            Exception? failure = null;
                            try
                            {
                                await FinishAsync(builder, daemon, agents, b.Second, b.First.Generation, ct);
                            }
                            catch (Exception e) when (e is not OperationCanceledException)
                            {
                                failure = e;
                            }
                            lock (outcome) outcome[b.First.Name] = failure;
                        }));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The replay stopped on one build's event: that one has failed; the others start again
                        // alone. Alone, a failure the slot's code did not record (a statement PostgreSQL refused)
                        // is recorded here, so `projections status` shows it.
                        foreach (var b in building)
                            outcome[b.Name] = await FailureOf(b.Name, b.Generation, ct)
                                ?? (building.Count > 1 ? new RetryAloneException(e) : await RecordFailureAsync(b, e));
                    }
                    finally
                    {
                        await reporting.CancelAsync();
                        await Task.WhenAll(reporters);
                        await using var forget = store.DataSource.CreateCommand($"delete from {Schema}.mt_event_progression where name = $1");
                        forget.Parameters.Add(new NpgsqlParameter<string> { TypedValue = replay.ShardIdentity });
                        await forget.ExecuteNonQueryAsync(CancellationToken.None);
                    }
                    var last = await store.ReadLastSequenceAsync(ct);
                    foreach (var b in building.Where(b => b.Progress is not null && outcome.TryGetValue(b.Name, out var failure) && failure is null))
                        b.Progress!.Report((last, last));
                }
                finally
                {
                    await daemon.StopAllAsync();
                    daemon.Dispose();
                }
            }
            finally
            {
                foreach (var mark in marks) mark.Dispose();
                await builder.DisposeAsync();
            }
        }
        finally
        {
            foreach (var guard in guards)
            {
                try
                {
                    // A pooled connection is not reset when returned (NoResetOnClose): the locks go here.
                    await using var release = new NpgsqlCommand("select pg_advisory_unlock_all()", guard);
                    await release.ExecuteNonQueryAsync(CancellationToken.None);
                }
                catch (NpgsqlException)
                {
                    // A broken connection's session is gone, and its locks with it.
                }
                finally
                {
                    await guard.DisposeAsync();
                }
            }
        }
        foreach (var retry in outcome.Where(o => o.Value is RetryAloneException).Select(o => o.Key).ToList())
        {
            var build = builds.Single(b => b.Name == retry);
            outcome[retry] = (await BuildTogetherAsync([build], ct))[retry];
        }
        return outcome;
    }

    private sealed class RetryAloneException(Exception cause) : Exception("Another build in the same replay failed.", cause);

    private async Task<Exception> RecordFailureAsync(Build build, Exception error)
    {
        var cause = SlotPauses.Chain(error).LastOrDefault(e => e is PostgresException) ?? error;
        var message = $"The rebuild stopped: {cause.GetType().Name}: {cause.Message.Split('\n')[0]}";
        await using var command = store.DataSource.CreateCommand(
            $"update {Schema}.projection_generations set state = 'failed', last_error = $3, updated_at = now() where name = $1 and generation = $2 and status = 'building'");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = build.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = build.Generation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
        return new ProjectionFailedException(build.Name, message);
    }

    private async Task<Exception?> FailureOf(string name, int generation, CancellationToken ct) =>
        (await _generations.AllAsync(ct)).SingleOrDefault(g => g.Name == name && g.Generation == generation) is { State: "failed" } failed
            ? new ProjectionFailedException(name, failed.LastError)
            : null;

    /// <summary>
    /// Each async slot's Marten progression goes where the replay of them all ended, so its own agent goes
    /// on from there (from zero when the log was empty: Marten's rebuild then writes no progression). An
    /// inline slot has none: it is written with the appends and takes its tail from its generation's
    /// position, and a row of it would never move again (a reader of the table would wait on it for ever).
    /// </summary>
    private async Task HandOverProgressionAsync(SlotBuilds replay, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"""
            with replay as (delete from {Schema}.mt_event_progression where name = $1 returning last_seq_id),
                 inline as (delete from {Schema}.mt_event_progression where name = any($3))
            insert into {Schema}.mt_event_progression (name, last_seq_id, last_updated)
            select slot, coalesce((select last_seq_id from replay), 0), now() from unnest($2::text[]) as slot
            on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = now()
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = replay.ShardIdentity });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = replay.Slots.Where(s => s.Registration.Mode == ProjectionMode.Async).Select(s => s.ShardIdentity).ToArray() });
        // Both slots of an inline read model: one an earlier rebuild left is gone too.
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = store.Slots
            .Where(s => s.Registration.Mode == ProjectionMode.Inline && replay.Slots.Any(r => r.Name == s.Name)).Select(s => s.ShardIdentity).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>After the replay: an async generation catches up under its own agent and switches over; an inline one takes the tail, the last part with appends held off.</summary>
    private async Task FinishAsync(DocumentStore builder, IProjectionDaemon daemon, SemaphoreSlim agents, MartenSlot slot, int generation, CancellationToken ct)
    {
        await ThrowIfFailed(slot.Name, generation, ct);
        if (slot.Registration.Mode == ProjectionMode.Async)
        {
            // Marten's rebuild stops at the head it saw when it began: the slot's agent goes on from there.
            var head = await store.ReadLastSequenceAsync(ct);
            // One start or stop at a time on the daemon the replay's slots share: Marten's stop of the
            // last agent stops its high-water detection, which a start beside it would otherwise miss.
            await agents.WaitAsync(ct);
            try { await daemon.StartAgentAsync(slot.ShardIdentity, ct); } finally { agents.Release(); }
            await WaitForProgression(slot, generation, head, daemon, ct);
            await agents.WaitAsync(ct);
            try { await daemon.StopAgentAsync(slot.ShardIdentity); } finally { agents.Release(); }
            await SwitchAsync(slot.Name, generation, null, ct);
        }
        else
        {
            // An inline generation gets no appends while it is built: what came after the rebuild's head
            // is applied here, the last part with appends held off, then it switches.
            await ApplyTailAsync(builder, slot, generation, await SafeMarkAsync(daemon, ct), ct);
            await ApplyTailAsync(builder, slot, generation, null, ct);
        }
    }

    /// <summary>Builds every generation of this code's versions that is waiting to be built and that no other process is building.</summary>
    /// <remarks>Built as `projections rebuild --all` builds: one replay per replay group. A failure is thrown once the others are built.</remarks>
    public async Task BuildPendingAsync(CancellationToken ct = default)
    {
        var pending = (await _generations.AllAsync(ct))
            .Where(g => g.Status == "building" && Registrations.Any(r => r.Projection.Name == g.Name && r.Projection.Version == g.Version) && !_generations.IsBuildingHere(g.Name, g.Generation))
            .Select(g => new Build(g.Name, g.Generation, null)).ToList();
        if (pending.Count == 0) return;
        var outcome = await BuildInReplayGroupsAsync(pending, ct);
        if (outcome.Values.FirstOrDefault(failure => failure is not null and not BuildElsewhereException) is { } first) throw first;
    }

    /// <summary>After fixing the code an event failed in: the failure is marked resolved, and the projection shows as running again.</summary>
    /// <remarks>
    /// Marten's daemon retries a paused slot by itself (every few seconds), so the fixed code applies the
    /// event again without this; it clears the record of the failure at once.
    /// </remarks>
    public async Task ResumeAsync(string name, CancellationToken ct = default)
    {
        Find(name);
        await using var batch = store.DataSource.CreateBatch();
        var running = new NpgsqlBatchCommand($"update {Schema}.projection_generations set state = 'running', last_error = null, updated_at = now() where name = $1 and state = 'failed'");
        running.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        var resolved = new NpgsqlBatchCommand($"update {Schema}.projection_dead_letters set resolved_at = now() where name = $1 and resolved_at is null");
        resolved.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        batch.BatchCommands.Add(running);
        batch.BatchCommands.Add(resolved);
        await batch.ExecuteNonQueryAsync(ct);
        ProjectionGenerations.Stale();
    }

    /// <summary>
    /// Applies everything committed so far in this process, as the daemon would: pending builds, then
    /// each async slot until it reaches the head or stops on a failing event (the others go on).
    /// </summary>
    public Task CatchUpAsync(CancellationToken ct = default) => CatchUpAsync(null, ct);

    /// <inheritdoc cref="CatchUpAsync(CancellationToken)"/>
    /// <param name="progress">The lowest async position against the head, reported four times a second.</param>
    public async Task CatchUpAsync(IProgress<(long Position, long Head)>? progress, CancellationToken ct = default)
    {
        await BuildPendingAsync(ct);
        await SkipIdleSlotsAsync(ct);
        var head = await store.ReadLastSequenceAsync(ct);
        var daemon = await store.Marten.BuildProjectionDaemonAsync();
        using var pauses = WatchPauses(daemon);
        try
        {
            await daemon.StartAllAsync();
            var asyncSlots = store.Slots.Where(s => s.Registration.Mode == ProjectionMode.Async).ToList();
            var reported = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var progression = await ProgressionAsync(ct);
                if (asyncSlots.All(s => progression.GetValueOrDefault(s.ShardIdentity) >= head || daemon.StatusFor(s.ShardIdentity) == AgentStatus.Paused)) break;
                if (progress is not null && reported.ElapsedMilliseconds >= 250)
                {
                    progress.Report((asyncSlots.Min(s => progression.GetValueOrDefault(s.ShardIdentity)), head));
                    reported.Restart();
                }
                await Task.Delay(20, ct);
            }
            progress?.Report((head, head));
        }
        finally
        {
            await daemon.StopAllAsync();
            daemon.Dispose();
        }
    }

    /// <summary>Waits until the projection's active generation has applied everything up to <paramref name="sequence"/> (for tests and tools that must read their own writes from an async model).</summary>
    public async Task WaitForAsync(string name, long sequence, TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        long position = 0;
        try
        {
            while (true)
            {
                var (state, at, lastError) = await PositionAsync(name, cts.Token);
                if (state == "failed") throw new ProjectionFailedException(name, lastError);
                position = at;
                if (state == "running" && position >= sequence) return;
                await Task.Delay(20, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Projection {name} did not reach event {sequence} within {timeout.TotalSeconds:0.#} s (it is at {position}).");
        }
    }

    /// <summary>
    /// How far the projection's active generation has applied, as <see cref="StatusAsync"/> gives it with
    /// the daemon running, in one statement: what a reader waiting on the read model polls (StatusAsync's
    /// look at every read model and at the daemon's locks costs several statements each time).
    /// </summary>
    public async Task<(string State, long Position, string? LastError)> PositionAsync(string name, CancellationToken ct = default)
    {
        var inline = Find(name).Mode == ProjectionMode.Inline;
        await using var command = store.DataSource.CreateCommand($"""
            select g.status, g.state, g.last_error, coalesce(p.last_seq_id, g.position), (select coalesce(max(seq_id), 0) from {Schema}.mt_events)
              from {Schema}.projection_generations g
              left join {Schema}.mt_event_progression p
                on g.status = 'active' and p.name = {MartenSlot.ShardIdentitySql("g.name", "g.generation")}
             where g.name = $1 and g.status <> 'retired'
             order by g.generation
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        (string Status, string State, string? Error, long Position)? active = null, failed = null;
        long head = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var row = (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3));
                head = reader.GetInt64(4);
                if (row.Item1 == "active") active = row;
                if (row.Item2 == "failed") failed ??= row;
            }
        // An inline generation has every committed event: it is where the head is.
        long? position = active is null ? null : inline ? head : active.Value.Position;
        if (failed is { } f) return ("failed", position ?? f.Position, f.Error);
        return position is { } at ? ("running", at, null) : ("building", 0, null);
    }

    /// <summary>The schema-qualified name of a table of the projection's active generation; null while none is active.</summary>
    public Task<string?> ActiveTableAsync(string name, string baseName, CancellationToken ct = default) => ActiveTableAsync(name, baseName, 0, ct);

    /// <summary>
    /// As <see cref="ActiveTableAsync(string, string, CancellationToken)"/>, and null while the active generation
    /// is of a version before <paramref name="fromVersion"/> (a read of a column that version added, while the
    /// new version is still being built beside it after an upgrade).
    /// </summary>
    public async Task<string?> ActiveTableAsync(string name, string baseName, int fromVersion, CancellationToken ct = default)
    {
        await using var command = store.DataSource.CreateCommand($"select generation from {Schema}.projection_generations where name = $1 and status = 'active' and version >= $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = fromVersion });
        return await command.ExecuteScalarAsync(ct) is int generation ? ProjectionTables.Name(Schema, name, generation, baseName) : null;
    }

    /// <summary>
    /// Reads from a read model's active tables in one round trip, with no look-up of the active
    /// generation first: the tables are those this process last knew (the copy appends use), and the
    /// check that they are still the active ones goes ahead of the read in the same batch. A switch-over
    /// committed before the batch fails the check; one committed during it fails the read on a table it
    /// dropped; either way the read is sent again with the generations read afresh. Null while the read
    /// model has no active generation.
    /// </summary>
    /// <param name="commands">The read's statements, given the schema-qualified name of each of the active generation's tables by its base name.</param>
    /// <param name="read">Reads their results, in order (the checks return none).</param>
    /// <param name="ahead">A check of the caller's own to send ahead of the read, in the same batch (the token's).</param>
    /// <param name="entry">
    /// A row the read leaves behind (the audit's entry), sent after <paramref name="ahead"/> in its
    /// transaction, so a failed check leaves none. It is sent with the first attempt only: a read sent
    /// again after a switch-over finds it committed. So it must not read the read model's tables, which
    /// that switch-over may drop.
    /// </param>
    public async Task<T?> ReadActiveAsync<T>(string name, Func<Func<string, string>, IEnumerable<NpgsqlBatchCommand>> commands,
        Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken ct = default, IStatementAhead? ahead = null,
        NpgsqlBatchCommand? entry = null) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(ct);
            var rows = await _generations.ForAppendAsync(connection, name, ct);
            if (!rows.Any(r => r.Status == "active"))
            {
                // None as this process last saw them: the first generation may have been switched in since,
                // on another host. The process's copy is dropped only when it has (appends use it too).
                rows = await _generations.LiveAsync(connection, name, ct);
                if (rows.Any(r => r.Status == "active")) ProjectionGenerations.Stale();
            }
            if (rows.FirstOrDefault(r => r.Status == "active") is not { } active) return null;
            // Each statement in a transaction of its own (Npgsql's error barriers: a Sync after each, still
            // one round trip): one transaction would keep each table's lock while the next is taken, and a
            // switch-over dropping the same tables in another order would deadlock with it. The one
            // exception is the check ahead and the entry, which touches no read model's table. A failed
            // check still fails the whole read before its results are read.
            await using var batch = new NpgsqlBatch(connection) { EnableErrorBarriers = true };
            var withEntry = entry is not null && attempt == 1;
            if (ahead is not null)
            {
                var check = ahead.Command();
                if (withEntry) check.AppendErrorBarrier = false; // one transaction with the entry
                batch.BatchCommands.Add(check);
            }
            if (withEntry) batch.BatchCommands.Add(entry!);
            batch.BatchCommands.Add(_generations.AssertCommand(name, ProjectionGenerations.Fingerprint(rows)));
            foreach (var command in commands(baseName => ProjectionTables.Name(Schema, name, active.Generation, baseName))) batch.BatchCommands.Add(command);
            try
            {
                await using var reader = await batch.ExecuteReaderAsync(ct);
                var result = await read(reader, ct);
                ahead?.Passed();
                return result;
            }
            // Or the switch-over committed between the check and the read's first look at a table it dropped.
            catch (Exception e) when ((ProjectionGenerations.ChangedDuring(e) || DroppedDuring(e)) && attempt < 3)
            {
                ProjectionGenerations.Stale();
            }
        }
    }

    private static bool DroppedDuring(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable }) return true;
        return false;
    }

    /// <summary>The async slots (such as "mentor-queue-a") that the host's Marten daemon runs in this process; none without a host daemon.</summary>
    public async Task<IReadOnlyList<string>> SlotsRunningHereAsync(CancellationToken ct = default)
    {
        if (HostDaemon is null) return [];
        var daemon = await HostDaemon(ct);
        // The same daemon runs subscriptions (the reactions) too: only the read models' slots are listed.
        var slots = store.Slots.Select(s => s.MartenName).ToHashSet();
        return daemon.CurrentAgents().Where(a => a.Status == AgentStatus.Running && slots.Contains(a.Name.Name)).Select(a => a.Name.Name).Order().ToList();
    }

    /// <summary>The Marten names of the async slots, such as "mentor-queue-a".</summary>
    public IReadOnlyList<string> AsyncSlots => store.Slots.Where(s => s.Registration.Mode == ProjectionMode.Async).Select(s => s.MartenName).Order().ToList();

    /// <summary>Is a Marten daemon running the async projections anywhere (it holds their advisory locks)?</summary>
    public async Task<bool> IsDaemonRunningAsync(CancellationToken ct = default) => (await DaemonHoldersAsync(ct)).Count > 0;

    public async Task<IReadOnlyList<ProjectionStatus>> StatusAsync(bool daemonRunning, CancellationToken ct = default)
    {
        var head = await store.ReadLastSequenceAsync(ct);
        var all = await _generations.AllAsync(ct);
        var progression = await ProgressionAsync(ct);
        var holders = await DaemonHoldersAsync(ct);
        var list = new List<ProjectionStatus>();
        foreach (var registration in store.Projections.OrderBy(r => r.Projection.Name))
        {
            var name = registration.Projection.Name;
            var inline = registration.Mode == ProjectionMode.Inline;
            var active = all.SingleOrDefault(g => g.Name == name && g.Status == "active");
            var building = all.Where(g => g.Name == name && g.Status == "building").OrderByDescending(g => g.Generation).FirstOrDefault();
            var failed = all.FirstOrDefault(g => g.Name == name && g.Status != "retired" && g.State == "failed");
            var current = active ?? building;
            // An inline generation is as current as the appends; an async one is where Marten's progression of its slot is.
            long PositionOf(ProjectionGenerations.Row g) =>
                inline && g.Status == "active" ? head
                : progression.TryGetValue($"{MartenSlot.NameOf(name, MartenSlot.ParityOf(g.Generation))}:All", out var p) && g.Status == "active" ? p
                : g.Position;
            var position = current is null ? 0 : PositionOf(current);
            var state = failed is not null ? "failed"
                : active is null ? "building"
                : !inline && !daemonRunning && position < head ? "stopped"
                : "running";
            var runningOn = current is null || inline ? null : holders.GetValueOrDefault(MartenSlot.NameOf(name, MartenSlot.ParityOf(current.Generation)));
            list.Add(new ProjectionStatus(name, inline ? "inline" : "async", registration.Projection.Version,
                current?.Generation ?? 0, state, position, head, Math.Max(0, head - position), failed?.LastError,
                building?.Generation, building is null ? null : PositionOf(building), runningOn));
        }
        return list;
    }

    // ------------------------------------------------------------------ building

    /// <summary>Gives a generation empty tables before Marten replays into it; false when it is no longer one to build.</summary>
    private async Task<bool> ResetGeneration(IProjection projection, int generation, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Lock(connection, tx, projection.Name, ct);
        await using (var check = new NpgsqlCommand($"""
            update {Schema}.projection_generations set position = 0, state = 'running', last_error = null, updated_at = now()
             where name = $1 and generation = $2 and status = 'building'
            """, connection, tx))
        {
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            check.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
            if (await check.ExecuteNonQueryAsync(ct) == 0) return false;
        }
        await DropTables(connection, tx, projection.Name, generation, ct);
        await projection.CreateTablesAsync(new ProjectionSchemaContext(connection, tx, Schema, projection.Name, generation), ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Applies the events after a generation's position to it through its slot, in batches, and (when
    /// holding appends off) switches over in the same transaction. Holding appends off is a SHARE lock on
    /// Marten's events table: it waits for appends in flight and holds new ones until the switch commits,
    /// so no event is left out of the new generation nor applied to it twice.
    /// </summary>
    /// <param name="upTo">Without holding appends off, a mark below which every event is committed or gone (Marten's high-water mark); null holds them off.</param>
    private async Task ApplyTailAsync(DocumentStore builder, MartenSlot slot, int generation, long? upTo, CancellationToken ct)
    {
        var holdAppends = upTo is null;
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (holdAppends)
        {
            // In this order: the projection's lock (as StartRebuildAsync takes it before it drops tables),
            // then no bulk load between its COPY and its read models' step (Store.BulkAppendAsync holds this
            // lock shared over both), then appends held off.
            await Lock(connection, tx, slot.Name, ct);
            await using var hold = new NpgsqlCommand($"""
                select pg_advisory_xact_lock({Store.BulkLoadLockSql(Schema)});
                lock table {Schema}.mt_events in share mode;
                """, connection, tx);
            await hold.ExecuteNonQueryAsync(ct);
        }
        long from;
        await using (var position = new NpgsqlCommand($"select position from {Schema}.projection_generations where name = $1 and generation = $2", connection, tx))
        {
            position.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot.Name });
            position.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
            from = (long)(await position.ExecuteScalarAsync(ct))!;
        }
        var types = slot.Registration.Projection.EventTypes.ToArray();
        var to = upTo ?? long.MaxValue;
        while (true)
        {
            // The build's own store: only its sessions may write the generation being built.
            await using var session = builder.LightweightSession(SessionOptions.ForTransaction(tx));
            var events = await store.ReadEventsAsync(connection, tx, from, to, types, 5_000, ct);
            if (events.Count == 0) break;
            await slot.ApplyAsync(session, events, connection, ct, scope: null);
            await session.SaveChangesAsync(ct);
            from = events[^1].Sequence;
        }
        if (holdAppends)
        {
            // A bulk load's events committed before this point are in the new generation now; its read models'
            // step, if it comes after the switch, leaves them (MartenSlot skips what was built through).
            await using (var mark = new NpgsqlCommand($"""
                update {Schema}.projection_generations set built_through = (select coalesce(max(seq_id), 0) from {Schema}.mt_events)
                 where name = $1 and generation = $2
                """, connection, tx))
            {
                mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot.Name });
                mark.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
                await mark.ExecuteNonQueryAsync(ct);
            }
            await SwitchAsync(slot.Name, generation, (connection, tx), ct);
        }
        await tx.CommitAsync(ct);
        // Appends in this process read the generations again (any other process finds out from its check).
        ProjectionGenerations.Stale();
    }

    /// <summary>
    /// A sequence below which every event is committed or gone: the higher of the build daemon's
    /// high-water mark (taken when its replay began) and the one the web host's daemon keeps current.
    /// </summary>
    private async Task<long> SafeMarkAsync(IProjectionDaemon daemon, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"select last_seq_id from {Schema}.mt_event_progression where name = 'HighWaterMark'");
        return Math.Max(daemon.Tracker.HighWaterMark, await command.ExecuteScalarAsync(ct) as long? ?? 0);
    }

    private async Task WaitForProgression(MartenSlot slot, int generation, long head, IProjectionDaemon daemon, CancellationToken ct)
    {
        while ((await ProgressionAsync(ct)).GetValueOrDefault(slot.ShardIdentity) < head)
        {
            await ThrowIfFailed(slot.Name, generation, ct);
            // A statement Marten ran for the projection failed (its error is in the log): the build stops.
            if (daemon.StatusFor(slot.ShardIdentity) == AgentStatus.Paused)
                throw new ProjectionFailedException(slot.Name, "Marten paused the slot while it caught up; the host's log has the error");
            await Task.Delay(20, ct);
        }
    }

    private async Task ThrowIfFailed(string name, int generation, CancellationToken ct)
    {
        if (await FailureOf(name, generation, ct) is { } failure) throw failure;
    }

    private async Task ReportAsync(MartenSlot slot, int generation, IProgress<(long Position, long Head)> progress, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var row = (await _generations.AllAsync(ct)).SingleOrDefault(g => g.Name == slot.Name && g.Generation == generation);
                progress.Report((row?.Position ?? 0, await store.ReadLastSequenceAsync(ct)));
                await Task.Delay(250, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or NpgsqlException)
        {
            // Cancelled at the end of the build; or the database did not answer a progress look, which
            // is no reason to fail the build: it reports again at its end.
        }
    }

    /// <summary>The building generation becomes the active one; the old one retires and its tables go.</summary>
    private async Task SwitchAsync(string name, int generation, (NpgsqlConnection Connection, NpgsqlTransaction Transaction)? within, CancellationToken ct)
    {
        var owned = within is null ? await store.DataSource.OpenConnectionAsync(ct) : null;
        var connection = within?.Connection ?? owned!;
        await using var ownedTx = owned is null ? null : await owned.BeginTransactionAsync(ct);
        var tx = within?.Transaction ?? ownedTx!;
        try
        {
            await Lock(connection, tx, name, ct);
            await using (var retire = new NpgsqlCommand($"""
                update {Schema}.projection_generations set status = 'retired', updated_at = now() where name = $1 and status = 'active';
                """, connection, tx))
            {
                retire.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                await retire.ExecuteNonQueryAsync(ct);
            }
            await using (var activate = new NpgsqlCommand($"""
                update {Schema}.projection_generations set status = 'active', activated_at = now(), updated_at = now()
                 where name = $1 and generation = $2 and status = 'building'
                """, connection, tx))
            {
                activate.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                activate.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
                if (await activate.ExecuteNonQueryAsync(ct) != 1)
                    throw new InvalidOperationException($"The rebuild of {name} was replaced by a newer one.");
            }
            await DropRetired(connection, tx, name, ct);
            if (ownedTx is not null)
            {
                await ownedTx.CommitAsync(ct);
                ProjectionGenerations.Stale();
            }
        }
        finally
        {
            if (owned is not null) await owned.DisposeAsync();
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>How far Marten's daemon has read, per shard (slot), from <c>mt_event_progression</c>.</summary>
    private async Task<Dictionary<string, long>> ProgressionAsync(CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"select name, last_seq_id from {Schema}.mt_event_progression");
        var result = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetInt64(1);
        return result;
    }

    /// <summary>
    /// How each of Marten's subscriptions (by name; they run under the same daemon and election as the
    /// read models) stands: where it has read to, which session runs it, and whether Marten paused it.
    /// </summary>
    public async Task<IReadOnlyList<SubscriptionStatus>> SubscriptionStatusAsync(IReadOnlyList<string> names, CancellationToken ct = default)
    {
        var head = await store.ReadLastSequenceAsync(ct);
        var holders = await DaemonHoldersAsync(ct, names);
        await using var command = store.DataSource.CreateCommand($"select name, last_seq_id, pause_reason from {Schema}.mt_event_progression where name = any($1)");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names.Select(n => n + ":All").ToArray() });
        var rows = new Dictionary<string, (long Position, string? Paused)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) rows[reader.GetString(0)] = (reader.IsDBNull(1) ? 0 : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        return names.Select(name =>
        {
            var (position, paused) = rows.GetValueOrDefault(name + ":All");
            var runningOn = holders.GetValueOrDefault(name);
            var state = paused is not null ? "failed" : runningOn is null && position < head ? "stopped" : "running";
            return new SubscriptionStatus(name, state, position, Math.Max(0, head - position), runningOn, paused);
        }).ToList();
    }

    /// <summary>Which database session holds each async slot's (and each named subscription's) Marten daemon lock: Marten's hot/cold election takes one advisory lock per shard.</summary>
    private async Task<Dictionary<string, string>> DaemonHoldersAsync(CancellationToken ct, IReadOnlyList<string>? subscriptions = null)
    {
        var lockId = store.Marten.Options.Projections.DaemonLockId;
        var locks = store.Slots.Where(s => s.Registration.Mode == ProjectionMode.Async).Select(s => s.MartenName).Concat(subscriptions ?? [])
            .ToDictionary(name => (long)ProjectionLockIds.Compute(Schema, new ShardName(name, "All", 1), lockId), name => name);
        await using var command = store.DataSource.CreateCommand("""
            select (l.classid::bigint << 32) | l.objid::bigint, coalesce(nullif(a.application_name, ''), 'pid ' || a.pid) || coalesce(' at ' || host(a.client_addr), '')
              from pg_locks l join pg_stat_activity a on a.pid = l.pid
             where l.locktype = 'advisory' and l.granted and l.objsubid = 1
               and l.database = (select oid from pg_database where datname = current_database())
               and ((l.classid::bigint << 32) | l.objid::bigint) = any($1)
            """);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = locks.Keys.ToArray() });
        var holders = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) holders[locks[reader.GetInt64(0)]] = reader.GetString(1);
        return holders;
    }

    private async Task<int> CreateGeneration(NpgsqlConnection connection, NpgsqlTransaction tx, IProjection projection, bool activate, CancellationToken ct)
    {
        // The new generation goes into the slot the active one does not use.
        await using var next = new NpgsqlCommand($"""
            with n as (select coalesce(max(generation), 0) + 1 as g,
                              (select generation % 2 from {Schema}.projection_generations where name = $1 and status = 'active') as taken
                         from {Schema}.projection_generations where name = $1)
            insert into {Schema}.projection_generations (name, generation, version, status, activated_at)
            select $1, case when n.g % 2 = n.taken then n.g + 1 else n.g end, $2, $3, case when $3 = 'active' then now() end from n
            returning generation
            """, connection, tx);
        next.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
        next.Parameters.Add(new NpgsqlParameter<int> { TypedValue = projection.Version });
        next.Parameters.Add(new NpgsqlParameter<string> { TypedValue = activate ? "active" : "building" });
        var generation = (int)(await next.ExecuteScalarAsync(ct))!;
        await projection.CreateTablesAsync(new ProjectionSchemaContext(connection, tx, Schema, projection.Name, generation), ct);
        return generation;
    }

    /// <summary>
    /// An active async generation whose slot has no progression yet (one written by the previous engine,
    /// which kept the position itself) continues where it was, instead of Marten replaying it from zero.
    /// </summary>
    private async Task SeedProgression(NpgsqlConnection connection, NpgsqlTransaction tx, ProjectionRegistration registration, CancellationToken ct)
    {
        if (registration.Mode != ProjectionMode.Async) return;
        await using var seed = new NpgsqlCommand($"""
            insert into {Schema}.mt_event_progression (name, last_seq_id, last_updated)
            select {MartenSlot.ShardIdentitySql("$2", "generation")}, position, now()
              from {Schema}.projection_generations where name = $1 and status = 'active' and position > 0
            on conflict (name) do nothing
            """, connection, tx);
        seed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Projection.Name });
        seed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Projection.Name });
        await seed.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Drops the tables of the projection's retired generations. A retired generation no longer receives
    /// events, erasures included: left in place it would keep what an erasure removed from the live one.
    /// A reader that picked the old table just before the switch may see one failed query; the next finds the new one.
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
        foreach (var generation in generations) await DropTables(connection, tx, name, generation, ct);
    }

    private async Task DropTables(NpgsqlConnection connection, NpgsqlTransaction tx, string name, int generation, CancellationToken ct)
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
    }

    private static async Task Lock(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('leaderjourney.projection.' || $1, 0))", connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<bool> TryBuildLock(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended('leaderjourney.build.' || $1 || '.' || $2, 0))", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Schema });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private ProjectionRegistration Find(string name) =>
        store.Projections.FirstOrDefault(r => r.Projection.Name == name)
        ?? throw new ArgumentException($"There is no projection '{name}'; known: {string.Join(", ", store.Projections.Select(r => r.Projection.Name).Order())}.");
}

public sealed class ProjectionFailedException(string name, string? error)
    : EventStoreException($"Projection {name} has stopped on an event it cannot apply: {error}");
