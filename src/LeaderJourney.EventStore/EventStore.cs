using System.Runtime.CompilerServices;
using System.Text.Json;
using LeaderJourney.EventStore.PersonalData;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.EventStore;

/// <summary>
/// A generic event store on PostgreSQL: streams of events with per-stream versions and one global
/// sequence. Thread-safe; create one per application (it owns a connection pool).
/// </summary>
public sealed class EventStore : IAsyncDisposable
{
    private readonly string _schema;
    private readonly bool _ownsDataSource;
    private readonly string _startSql;
    private readonly string _appendSql;
    private readonly string _streamStateSql;
    private readonly string _selectColumns;

    private EventStore(NpgsqlDataSource dataSource, string schema, EventTypeRegistry types, bool ownsDataSource, MasterKeyRing? masterKeys)
    {
        DataSource = dataSource;
        _schema = schema;
        Types = types;
        _ownsDataSource = ownsDataSource;
        PersonalData = masterKeys is null ? null : new PersonalDataCodec(types, new SubjectKeys(dataSource, schema, masterKeys));
        // One statement, one round trip per append. The stream row is written first and the events are
        // joined to what it returns: so the expected version is checked before any sequence number is
        // drawn, and a writer that loses a race draws none and leaves no hole.
        // Parameters: $1 stream id, $2 event count, $3 ids, $4 types, $5 data, $6 tenant, $7 correlation,
        // $8 causation, $9 user, $10 headers; start: $11 stream type; append: $11 expected version or null.
        var insertEvents = $"""
            insert into {schema}.events (id, stream_id, version, type, data, tenant_id, correlation_id, causation_id, user_name, headers)
            select e.id, $1, stream.version - $2 + e.ord, e.type, e.data, $6, $7, $8, $9, $10
              from stream, unnest($3::uuid[], $4::text[], $5::jsonb[]) with ordinality as e(id, type, data, ord)
             order by e.ord
            returning seq_id, version, timestamp
            """;
        _startSql = $"""
            with stream as (
                insert into {schema}.streams (id, type, version, tenant_id) values ($1, $11, $2, $6)
                on conflict (id) do nothing
                returning version)
            {insertEvents}
            """;
        _appendSql = $"""
            with stream as (
                update {schema}.streams set version = version + $2, timestamp = now()
                 where id = $1 and not is_archived and ($11::bigint is null or version = $11)
                returning version)
            {insertEvents}
            """;
        _streamStateSql = $"select version, is_archived from {schema}.streams where id = $1";
        _selectColumns = "seq_id, id, stream_id, version, type, data, timestamp, tenant_id, correlation_id, causation_id, user_name, headers";
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Set by the projection runtime when inline projections exist: they run inside every append's transaction.</summary>
    internal Func<NpgsqlConnection, NpgsqlTransaction, IReadOnlyList<StoredEvent>, CancellationToken, Task>? InlineProjections { get; set; }
    public EventTypeRegistry Types { get; }

    /// <summary>Encryption of the registry's declared personal data, per subject; null when the store was opened without master keys (then it is stored as given).</summary>
    public PersonalDataCodec? PersonalData { get; }
    public string Schema => _schema;

    /// <summary>Connects, then creates or migrates the store's schema. Failures are <see cref="EventStoreUnavailableException"/> with a one-line message.</summary>
    public static async Task<EventStore> OpenAsync(EventStoreOptions options, EventTypeRegistry types, CancellationToken ct = default, MasterKeyRing? masterKeys = null)
    {
        SchemaName.Validate(options.Schema);
        var dataSource = Database.CreateDataSource(options.ConnectionString, options.ApplicationName);
        try
        {
            var store = new EventStore(dataSource, options.Schema, types, ownsDataSource: true, masterKeys);
            await store.MigrateAsync(ct);
            return store;
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens the store on a data source the caller owns (and disposes): connects, then creates or migrates the schema.</summary>
    public static async Task<EventStore> OpenAsync(NpgsqlDataSource dataSource, string schema, EventTypeRegistry types, CancellationToken ct = default, MasterKeyRing? masterKeys = null)
    {
        var store = Create(dataSource, schema, types, masterKeys);
        await store.MigrateAsync(ct);
        return store;
    }

    /// <summary>
    /// Makes a store without touching the database, for hosts that open connections lazily; call
    /// <see cref="MigrateAsync"/> once at start-up. The caller owns the data source.
    /// </summary>
    /// <param name="masterKeys">When given, the registry's declared personal data is encrypted per subject (see <see cref="PersonalDataCodec"/>).</param>
    public static EventStore Create(NpgsqlDataSource dataSource, string schema, EventTypeRegistry types, MasterKeyRing? masterKeys = null)
    {
        SchemaName.Validate(schema);
        return new EventStore(dataSource, schema, types, ownsDataSource: false, masterKeys);
    }

    /// <summary>Proves the server is reachable, then creates or migrates the store's schema (idempotent, safe when several hosts start at once).</summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await Database.EnsureReachableAsync(DataSource, ct);
        try
        {
            await SchemaMigrator.MigrateAsync(DataSource, _schema, EventStoreSchema.Component, EventStoreSchema.Migrations, ct);
        }
        catch (NpgsqlException e)
        {
            throw Database.Describe(DataSource, e);
        }
    }

    public ValueTask DisposeAsync() => _ownsDataSource ? DataSource.DisposeAsync() : ValueTask.CompletedTask;

    // ---------------------------------------------------------------- appending

    /// <summary>Starts a new stream with its first events; fails with <see cref="StreamAlreadyExistsException"/> if it exists.</summary>
    public Task<AppendResult> StartStreamAsync(Guid streamId, string streamType, IReadOnlyList<object> events, AppendMetadata? metadata = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamType);
        return RunAppend(null, AppendMode.Start, streamId, streamType, 0, events, metadata, ct);
    }

    /// <summary>
    /// Appends when the stream is at <paramref name="expectedVersion"/>, else throws <see cref="ConcurrencyException"/>
    /// naming the stream and both versions. All events of one call are one transaction.
    /// </summary>
    public Task<AppendResult> AppendAsync(Guid streamId, long expectedVersion, IReadOnlyList<object> events, AppendMetadata? metadata = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, 1, nameof(expectedVersion));
        return RunAppend(null, AppendMode.Expected, streamId, null, expectedVersion, events, metadata, ct);
    }

    /// <summary>Appends whatever the stream's version: only for events that commute with any others on the stream.</summary>
    public Task<AppendResult> AppendAnyVersionAsync(Guid streamId, IReadOnlyList<object> events, AppendMetadata? metadata = null, CancellationToken ct = default) =>
        RunAppend(null, AppendMode.Any, streamId, null, 0, events, metadata, ct);

    /// <summary>A unit of work: several appends (to several streams) committed together, or not at all.</summary>
    public async Task<EventStoreSession> BeginSessionAsync(CancellationToken ct = default)
    {
        var connection = await OpenConnectionAsync(ct);
        try
        {
            var tx = await connection.BeginTransactionAsync(ct);
            return new EventStoreSession(this, connection, tx);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    internal enum AppendMode { Start = 0, Expected = 1, Any = 2 }

    internal async Task<AppendResult> RunAppend(
        (NpgsqlConnection Connection, NpgsqlTransaction Transaction)? session, AppendMode mode, Guid streamId, string? streamType,
        long expectedVersion, IReadOnlyList<object> events, AppendMetadata? metadata, CancellationToken ct)
    {
        if (events.Count == 0) throw new ArgumentException("An append needs at least one event.", nameof(events));
        metadata ??= AppendMetadata.None;

        var ids = new Guid[events.Count];
        var types = new string[events.Count];
        var data = new string[events.Count];
        using (var sealer = await SealerFor(events.Select(e => (streamId, e)), ct))
            for (var i = 0; i < events.Count; i++)
            {
                ids[i] = Guid.CreateVersion7();
                types[i] = Types.NameOf(events[i].GetType());
                data[i] = sealer?.Serialize(events[i], streamId) ?? Types.Serialize(events[i]);
            }

        NpgsqlConnection? owned = null;
        NpgsqlTransaction? ownedTransaction = null;
        try
        {
            var connection = session?.Connection ?? (owned = await OpenConnectionAsync(ct));
            // Inline projections write in the append's transaction; without them one statement needs none.
            if (session is null && InlineProjections is not null) ownedTransaction = await connection.BeginTransactionAsync(ct);
            var transaction = session?.Transaction ?? ownedTransaction;
            await using var command = new NpgsqlCommand(mode == AppendMode.Start ? _startSql : _appendSql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events.Count });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.TenantId });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = metadata.CorrelationId, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = metadata.CausationId, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = metadata.UserName, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = HeadersJson(metadata.Headers), NpgsqlDbType = NpgsqlDbType.Jsonb });
            if (mode == AppendMode.Start)
                command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = streamType, NpgsqlDbType = NpgsqlDbType.Text });
            else
                command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = mode == AppendMode.Expected ? expectedVersion : null, NpgsqlDbType = NpgsqlDbType.Bigint });

            long first = 0, last = 0, version = 0;
            var stored = InlineProjections is null ? null : new List<StoredEvent>(events.Count);
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    last = reader.GetInt64(0);
                    if (first == 0) first = last;
                    version = reader.GetInt64(1);
                    stored?.Add(new StoredEvent(last, ids[stored.Count], streamId, version, types[stored.Count], events[stored.Count],
                        reader.GetFieldValue<DateTimeOffset>(2), metadata.TenantId, metadata.CorrelationId, metadata.CausationId, metadata.UserName,
                        metadata.Headers ?? EmptyHeaders));
                }
            }
            if (version == 0)
            {
                if (mode == AppendMode.Start) throw new StreamAlreadyExistsException(streamId);
                throw await WhyNotAppended(connection, transaction, streamId, expectedVersion, ct);
            }
            if (stored is not null) await InlineProjections!(connection, transaction!, stored, ct);
            if (ownedTransaction is not null) await ownedTransaction.CommitAsync(ct);
            return new AppendResult(streamId, version, first, last);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.InvalidParameterValue)
        {
            // jsonb refuses some texts that JSON allows (a \u0000 in a string, for one).
            throw new EventDataRejectedException(Database.FirstLine(e.MessageText), e);
        }
        finally
        {
            if (ownedTransaction is not null) await ownedTransaction.DisposeAsync();
            if (owned is not null) await owned.DisposeAsync();
        }
    }

    /// <summary>The stream row was not updated: it is missing, archived, or at another version.</summary>
    private async Task<Exception> WhyNotAppended(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid streamId, long expectedVersion, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_streamStateSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return new StreamNotFoundException(streamId);
        if (reader.GetBoolean(1)) return new StreamArchivedException(streamId);
        return new ConcurrencyException(streamId, expectedVersion, reader.GetInt64(0));
    }

    /// <summary>Null when nothing in the write is personal data (or the store has no master keys).</summary>
    private async Task<PersonalDataCodec.Sealer?> SealerFor(IEnumerable<(Guid, object)> events, CancellationToken ct)
    {
        if (PersonalData is null) return null;
        var subjects = PersonalData.SubjectsOf(events);
        if (subjects.Count == 0) return null;
        try
        {
            return PersonalData.Seal(await PersonalData.KeysForWriteAsync(subjects, ct));
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            throw Database.Describe(DataSource, e);
        }
    }

    private static string? HeadersJson(IReadOnlyDictionary<string, string>? headers) =>
        headers is null || headers.Count == 0 ? null : JsonSerializer.Serialize(headers, EventStoreJson.Default.IReadOnlyDictionaryStringString);

    // ---------------------------------------------------------------- bulk append

    /// <summary>
    /// Writes new streams and their events with binary COPY, all in one transaction: the import path.
    /// Every stream must be new; if one exists, nothing is written and <see cref="StreamAlreadyExistsException"/> names it.
    /// </summary>
    public async Task<long> BulkAppendAsync(IEnumerable<BulkStream> streams, CancellationToken ct = default)
    {
        var batch = streams as IReadOnlyCollection<BulkStream> ?? streams.ToList();
        if (batch.GroupBy(s => s.StreamId).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Stream {twice.Key} appears more than once in one bulk append.", nameof(streams));
        using var sealer = await SealerFor(batch.SelectMany(s => s.Events.Select(e => (s.StreamId, e))), ct);
        await using var connection = await OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var count = 0L;
        try
        {
            // Streams first, so that a stream that already exists fails the import before any event row is sent.
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"copy {_schema}.streams (id, type, version, tenant_id) from stdin (format binary)", ct))
            {
                foreach (var stream in batch)
                {
                    if (stream.Events.Count == 0) throw new ArgumentException($"Stream {stream.StreamId} has no events.", nameof(streams));
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync(stream.StreamId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(stream.StreamType, NpgsqlDbType.Text, ct);
                    await importer.WriteAsync((long)stream.Events.Count, NpgsqlDbType.Bigint, ct);
                    await importer.WriteAsync((stream.Metadata ?? AppendMetadata.None).TenantId, NpgsqlDbType.Text, ct);
                }
                await importer.CompleteAsync(ct);
            }

            await using (var importer = await connection.BeginBinaryImportAsync(
                $"copy {_schema}.events (id, stream_id, version, type, data, tenant_id, correlation_id, causation_id, user_name, headers) from stdin (format binary)", ct))
            {
                foreach (var stream in batch)
                {
                    var metadata = stream.Metadata ?? AppendMetadata.None;
                    var headers = HeadersJson(metadata.Headers);
                    for (var i = 0; i < stream.Events.Count; i++)
                    {
                        var e = stream.Events[i];
                        await importer.StartRowAsync(ct);
                        await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
                        await importer.WriteAsync(stream.StreamId, NpgsqlDbType.Uuid, ct);
                        await importer.WriteAsync((long)(i + 1), NpgsqlDbType.Bigint, ct);
                        await importer.WriteAsync(Types.NameOf(e.GetType()), NpgsqlDbType.Text, ct);
                        await importer.WriteAsync(sealer?.Serialize(e, stream.StreamId) ?? Types.Serialize(e), NpgsqlDbType.Jsonb, ct);
                        await importer.WriteAsync(metadata.TenantId, NpgsqlDbType.Text, ct);
                        await WriteNullable(importer, metadata.CorrelationId, NpgsqlDbType.Text, ct);
                        await WriteNullable(importer, metadata.CausationId, NpgsqlDbType.Text, ct);
                        await WriteNullable(importer, metadata.UserName, NpgsqlDbType.Text, ct);
                        await WriteNullable(importer, headers, NpgsqlDbType.Jsonb, ct);
                        count++;
                    }
                }
                await importer.CompleteAsync(ct);
            }
            await tx.CommitAsync(ct);
            return count;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.TableName == "streams")
        {
            var existing = await FirstExistingStream(batch.Select(s => s.StreamId).ToArray(), ct);
            throw existing is { } id ? new StreamAlreadyExistsException(id) : e;
        }
    }

    private static Task WriteNullable(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);

    private async Task<Guid?> FirstExistingStream(Guid[] ids, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand($"select id from {_schema}.streams where id = any($1) limit 1");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    // ---------------------------------------------------------------- reading a stream

    public async Task<StreamInfo?> FetchStreamInfoAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand(
            $"select id, type, version, tenant_id, created, timestamp, is_archived from {_schema}.streams where id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new StreamInfo(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetBoolean(6));
    }

    /// <summary>Reads a stream forward, within the given bounds. An archived stream reads as empty unless asked for.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, StreamReadOptions? options = null, CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await ReadStream(connection, null, streamId, options ?? StreamReadOptions.All, ct);
    }

    internal async Task<IReadOnlyList<StoredEvent>> ReadStream(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid streamId, StreamReadOptions options, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select {_selectColumns} from {_schema}.events
             where stream_id = $1 and version >= $2 and version <= $3 and timestamp <= $4 and (not is_archived or $5)
             order by version
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = options.FromVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = options.ToVersion ?? long.MaxValue });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = options.ToTimestamp ?? DateTimeOffset.MaxValue, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = options.IncludeArchived });
        var rows = new List<EventRow>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) rows.Add(ReadRow(reader));
        return await Materialize(rows, ct);
    }

    internal async Task<long?> LockStream(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select version from {_schema}.streams where id = $1 for update", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        return await command.ExecuteScalarAsync(ct) as long?;
    }

    /// <summary>Live aggregation: folds a stream (or its first part, for time travel) into a state.</summary>
    public async Task<TState> AggregateStreamAsync<TState>(
        Guid streamId, TState initial, Func<TState, StoredEvent, TState> evolve, StreamReadOptions? options = null, CancellationToken ct = default)
    {
        var state = initial;
        foreach (var e in await ReadStreamAsync(streamId, options, ct)) state = evolve(state, e);
        return state;
    }

    // ---------------------------------------------------------------- reading everything

    /// <summary>
    /// Reads committed events after global position <paramref name="after"/>, in order, at most
    /// <paramref name="maxCount"/>. It never steps past a hole in the sequence that a transaction still in
    /// flight may fill; a hole that no live transaction can fill (a rolled-back append) is stepped over and
    /// recorded in <c>event_gap_skips</c>. Archived events are left out but still advance the position.
    /// </summary>
    /// <param name="types">When given, only events of these types are read in full; the others come back with
    /// <see cref="SkippedEventData.Instance"/> as their data (their data is neither sent, decrypted nor
    /// deserialized), still in order and still advancing the position.</param>
    public async Task<ReadAllBatch> ReadAllAsync(long after, int maxCount = 1000, CancellationToken ct = default, IReadOnlySet<string>? types = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await using var connection = await OpenConnectionAsync(ct);
        var (rows, readAt) = await ReadRows(connection, after, maxCount, types, ct);

        var events = new List<StoredEvent>(rows.Count);
        var position = after;
        foreach (var (seq, e) in rows)
        {
            if (seq != position + 1)
            {
                if (!await IsPermanentHole(connection, readAt, position + 1, seq - 1, ct)) break;
                await RecordSkip(connection, position + 1, seq - 1, ct);
            }
            if (e is not null) events.Add(e);
            position = seq;
        }
        return new ReadAllBatch(events, position);
    }

    /// <summary>Reads every committed event after <paramref name="after"/> in batches, until it has caught up with what is safely committed.</summary>
    public async IAsyncEnumerable<StoredEvent> ReadAllForwardAsync(long after, int batchSize = 1000, [EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true)
        {
            var batch = await ReadAllAsync(after, batchSize, ct);
            foreach (var e in batch.Events) yield return e;
            if (batch.Position == after) yield break;
            after = batch.Position;
        }
    }

    /// <summary>The highest global sequence number committed so far (0 for an empty store), holes or not.</summary>
    public async Task<long> ReadLastSequenceAsync(CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"select coalesce(max(seq_id), 0) from {_schema}.events");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<(List<(long Seq, StoredEvent? Event)> Rows, DateTimeOffset ReadAt)> ReadRows(NpgsqlConnection connection, long after, int maxCount,
        IReadOnlySet<string>? types, CancellationToken ct)
    {
        // clock_timestamp() runs after the statement took its snapshot, so it is a time at or after the
        // snapshot the rows come from.
        await using var command = new NpgsqlCommand($"""
            select {_selectColumns.Replace(" data,", " case when $3::text[] is null or type = any($3) then data end as data,", StringComparison.Ordinal)},
                   is_archived, (select clock_timestamp()) as read_at
              from {_schema}.events where seq_id > $1 order by seq_id limit $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = types?.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var sequences = new List<(long Seq, bool Archived)>();
        var live = new List<EventRow>();
        var readAt = DateTimeOffset.MinValue;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (sequences.Count == 0) readAt = reader.GetFieldValue<DateTimeOffset>(13);
                var archived = reader.GetBoolean(12);
                sequences.Add((reader.GetInt64(0), archived));
                if (!archived) live.Add(ReadRow(reader));
            }
        }
        var events = await Materialize(live, ct);
        var next = 0;
        var rows = new List<(long, StoredEvent?)>(sequences.Count);
        foreach (var (seq, archived) in sequences) rows.Add((seq, archived ? null : events[next++]));
        return (rows, readAt);
    }

    /// <summary>
    /// A hole below a committed number was drawn by a transaction that is either still running or gone
    /// (rolled back). Whoever drew it began before it drew the number, so before the number above it was
    /// drawn and committed, so before the rows were read; while running it holds a RowExclusiveLock on the
    /// events table (taken before any number is drawn, released only after its commit is visible). So the
    /// hole is permanent when no transaction that began before the read still holds that lock, and a fresh
    /// read still finds the hole empty. The snapshot's own list of running transactions is no help here:
    /// PostgreSQL leaves out running transactions newer than the last completed one.
    /// </summary>
    private async Task<bool> IsPermanentHole(NpgsqlConnection connection, DateTimeOffset readAt, long from, long to, CancellationToken ct)
    {
        await using var live = new NpgsqlCommand($"""
            select exists (
                select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid
                 where l.relation = '{_schema}.events'::regclass and l.mode = 'RowExclusiveLock'
                   and a.pid <> pg_backend_pid() and a.xact_start < $1)
            """, connection);
        live.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = readAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if ((bool)(await live.ExecuteScalarAsync(ct))!) return false;

        await using var recheck = new NpgsqlCommand($"select exists (select 1 from {_schema}.events where seq_id between $1 and $2)", connection);
        recheck.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        recheck.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        return !(bool)(await recheck.ExecuteScalarAsync(ct))!;
    }

    private async Task RecordSkip(NpgsqlConnection connection, long from, long to, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"insert into {_schema}.event_gap_skips (from_seq, to_seq, reason) values ($1, $2, $3) on conflict do nothing", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "no live transaction can fill it (a rolled-back append)" });
        await command.ExecuteNonQueryAsync(ct);
    }

    // ---------------------------------------------------------------- archiving

    /// <summary>Archives a stream: its events are kept but left out of normal reads, and it takes no more appends.</summary>
    public async Task ArchiveStreamAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var streams = new NpgsqlCommand($"update {_schema}.streams set is_archived = true, timestamp = now() where id = $1", connection, tx))
        {
            streams.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
            if (await streams.ExecuteNonQueryAsync(ct) == 0) throw new StreamNotFoundException(streamId);
        }
        await using (var events = new NpgsqlCommand($"update {_schema}.events set is_archived = true where stream_id = $1", connection, tx))
        {
            events.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
            await events.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    // ---------------------------------------------------------------- helpers

    internal async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(ct);
        }
        catch (NpgsqlException e) when (e is not PostgresException { SqlState: not ("28P01" or "28000" or "3D000") })
        {
            throw Database.Describe(DataSource, e);
        }
    }

    /// <summary>A row as read, before its data is decrypted and deserialized; <see cref="Data"/> is null when its data was not asked for.</summary>
    private sealed record EventRow(long Sequence, Guid Id, Guid StreamId, long Version, PersonalDataCodec.Pending? Data, string TypeName, DateTimeOffset Timestamp,
        string TenantId, string? CorrelationId, string? CausationId, string? UserName, string? Headers);

    private static EventRow ReadRow(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3),
        reader.IsDBNull(5) ? null : new PersonalDataCodec.Pending(reader.GetString(4), reader.GetString(5)),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : reader.GetString(11));

    // Decryption needs the keys of every subject in the batch: fetched together, after the rows are read.
    private async Task<List<StoredEvent>> Materialize(List<EventRow> rows, CancellationToken ct)
    {
        if (PersonalData is not null) await PersonalData.OpenAsync(rows.Select(r => r.Data).OfType<PersonalDataCodec.Pending>().ToList(), ct);
        var events = new List<StoredEvent>(rows.Count);
        foreach (var r in rows)
            events.Add(new StoredEvent(r.Sequence, r.Id, r.StreamId, r.Version, r.TypeName,
                r.Data is null ? SkippedEventData.Instance : Types.Deserialize(r.TypeName, r.Data.Data, r.Sequence, r.StreamId),
                r.Timestamp, r.TenantId, r.CorrelationId, r.CausationId, r.UserName,
                r.Headers is null ? EmptyHeaders : JsonSerializer.Deserialize(r.Headers, EventStoreJson.Default.IReadOnlyDictionaryStringString) ?? EmptyHeaders));
        return events;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>();
}

/// <summary>The data of an event a filtered read-all did not ask for: its place in the order is kept, its content not read.</summary>
public sealed class SkippedEventData
{
    public static SkippedEventData Instance { get; } = new();
    private SkippedEventData() { }
}

/// <param name="Position">The global position the read reached: pass it as <c>after</c> next time. It can be past the last event returned when archived events or skipped holes follow it.</param>
public sealed record ReadAllBatch(IReadOnlyList<StoredEvent> Events, long Position);

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class EventStoreJson : System.Text.Json.Serialization.JsonSerializerContext;
