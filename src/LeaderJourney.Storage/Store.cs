using System.Text.Json;
using JasperFx.Events;
using JasperFx.Events.Projections;
using LeaderJourney.Storage.PersonalData;
using LeaderJourney.Storage.Projections;
using Marten;
using Marten.Events;
using Marten.Services;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Storage;

/// <summary>
/// The door the code goes through to Marten's event store (the project's first store of its own is
/// gone; only <c>Core/Engine/LegacyStoreUpgrade</c> reads its tables): streams of events with
/// per-stream versions and one global sequence, stored by Marten (<c>mt_streams</c>, <c>mt_events</c>; see <see cref="MartenEngine"/>). Commands
/// append through the Marten sessions Wolverine gives their handlers (<see cref="DeclareNewStream"/>
/// names a new stream's kind, <see cref="ShredSubject"/> queues an erasure's key shred); loads go
/// through Marten's bulk appender (<see cref="BulkAppendAsync"/>); stream reads are SQL over Marten's
/// tables, finding a stream by id in any affiliate. Thread-safe; create one per application.
/// </summary>
public sealed class Store : IAsyncDisposable
{
    private readonly string _schema;
    private readonly bool _ownsDataSource;
    private readonly string _selectColumns;

    private Store(NpgsqlDataSource dataSource, string schema, EventTypeRegistry types, bool ownsDataSource, MasterKeyRing? masterKeys, EventStoreProjections? projections,
        Func<DocumentStore>? hostedMarten = null, NpgsqlDataSource? buildDataSource = null)
    {
        DataSource = dataSource;
        _buildDataSource = buildDataSource;
        _schema = schema;
        Types = types;
        _ownsDataSource = ownsDataSource;
        PersonalData = masterKeys is null ? null : new PersonalDataCodec(types, new SubjectKeys(dataSource, schema, masterKeys));
        projections ??= new EventStoreProjections([]);
        Projections = projections.Registrations;
        foreach (var name in Projections.Select(r => r.Projection.Name))
            if (name.Length is 0 or > 30 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                throw new ArgumentException($"Projection name '{name}' is not allowed: 1 to 30 lower-case letters, digits or '-'.");
        Generations = new ProjectionGenerations(dataSource, schema);
        Hashes = new LookupHashes(PersonalData?.Keys);
        Slots = Projections.SelectMany(r => new[] { new MartenSlot(r, 1, Generations, Hashes), new MartenSlot(r, 0, Generations, Hashes) }).ToList();
        _projectionSettings = projections;
        // A host builds Marten's store in its container (AddMarten, so Wolverine can integrate with it),
        // from NewMartenOptions: the store is taken from there on first use, never built twice.
        _ownsMarten = hostedMarten is null;
        _marten = hostedMarten is null ? new Lazy<DocumentStore>(() => CreateMarten()) : new Lazy<DocumentStore>(hostedMarten);
        _sealing = new Lazy<SealingSerializer?>(() => Marten.Options.Serializer() as SealingSerializer);
        if (hostedMarten is null) CheckStreamKinds(Marten);
        _selectColumns = "seq_id, id, stream_id, version, type, data, timestamp, tenant_id, correlation_id, causation_id, user_name, headers";
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The keyed hashes read models keep in place of personal values they are looked up by (a leader's address).</summary>
    public LookupHashes Hashes { get; }

    /// <summary>The Marten document store the events live in.</summary>
    public DocumentStore Marten => _marten.Value;

    private readonly Lazy<DocumentStore> _marten;
    private readonly bool _ownsMarten;
    private readonly Lazy<SealingSerializer?> _sealing;

    private void CheckStreamKinds(DocumentStore marten)
    {
        foreach (var (name, marker) in Types.StreamKinds)
            if (marten.Events.AggregateAliasFor(marker) is var alias && alias != name)
                throw new InvalidOperationException($"Stream kind '{name}' is declared with {marker.Name}, which Marten stores as '{alias}'; name the kind '{alias}'.");
    }

    /// <summary>The read models Marten runs for this store (inline in appends, or under its async daemon); see <see cref="ProjectionRuntime"/>.</summary>
    public IReadOnlyList<ProjectionRegistration> Projections { get; }

    internal ProjectionGenerations Generations { get; }
    internal IReadOnlyList<MartenSlot> Slots { get; }
    private readonly EventStoreProjections _projectionSettings;

    /// <summary>
    /// A Marten store configured as <see cref="Marten"/> is: a build runs its daemon on one of its own, so
    /// that only the build writes the generation it builds. It reads the log through the build's data
    /// source when the host gave one (see <see cref="Create"/>).
    /// </summary>
    internal DocumentStore CreateMarten(SlotBuilds? builds = null)
    {
        var options = MartenOptionsOn(_buildDataSource ?? DataSource);
        if (builds is not null) options.Projections.Add(builds.ToMarten(Types, _projectionSettings.BatchSize), ProjectionLifecycle.Async);
        return new DocumentStore(options);
    }

    private readonly NpgsqlDataSource? _buildDataSource;

    /// <summary>Marten's options for this store (events, serializer with personal-data sealing, read model slots): what a host hands to <c>AddMarten</c>.</summary>
    public StoreOptions NewMartenOptions() => MartenOptionsOn(DataSource);

    private StoreOptions MartenOptionsOn(NpgsqlDataSource dataSource) =>
        MartenEngine.Options(dataSource, _schema, Types, PersonalData, Slots, _projectionSettings.BatchSize, _projectionSettings.ConfigureMarten);
    public EventTypeRegistry Types { get; }

    /// <summary>Encryption of the registry's declared personal data, per subject; null when the store was opened without master keys (then it is stored as given).</summary>
    public PersonalDataCodec? PersonalData { get; }
    public string Schema => _schema;

    /// <summary>Connects, then creates or migrates the store's schema. Failures are <see cref="EventStoreUnavailableException"/> with a one-line message.</summary>
    public static async Task<Store> OpenAsync(EventStoreOptions options, EventTypeRegistry types, CancellationToken ct = default, MasterKeyRing? masterKeys = null,
        EventStoreProjections? projections = null)
    {
        SchemaName.Validate(options.Schema);
        var dataSource = Database.CreateDataSource(options.ConnectionString, options.ApplicationName);
        try
        {
            var store = new Store(dataSource, options.Schema, types, ownsDataSource: true, masterKeys, projections);
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
    public static async Task<Store> OpenAsync(NpgsqlDataSource dataSource, string schema, EventTypeRegistry types, CancellationToken ct = default, MasterKeyRing? masterKeys = null,
        EventStoreProjections? projections = null)
    {
        var store = Create(dataSource, schema, types, masterKeys, projections);
        await store.MigrateAsync(ct);
        return store;
    }

    /// <summary>
    /// Makes a store without touching the database, for hosts that open connections lazily; call
    /// <see cref="MigrateAsync"/> once at start-up. The caller owns the data source.
    /// </summary>
    /// <param name="masterKeys">When given, the registry's declared personal data is encrypted per subject (see <see cref="PersonalDataCodec"/>).</param>
    /// <param name="projections">The read models Marten runs for this store; their registration is part of Marten's configuration.</param>
    /// <param name="hostedMarten">Marten's store as the host's container built it from <see cref="NewMartenOptions"/> (the container owns it); else the store builds its own.</param>
    /// <param name="buildDataSource">
    /// Where a rebuild reads the log (the store disposes it): a data source that plans every run of a
    /// statement for its values (<see cref="Database.CreateDataSource"/>), for a host whose own one does not.
    /// </param>
    public static Store Create(NpgsqlDataSource dataSource, string schema, EventTypeRegistry types, MasterKeyRing? masterKeys = null, EventStoreProjections? projections = null,
        Func<DocumentStore>? hostedMarten = null, NpgsqlDataSource? buildDataSource = null)
    {
        SchemaName.Validate(schema);
        return new Store(dataSource, schema, types, ownsDataSource: false, masterKeys, projections, hostedMarten, buildDataSource);
    }

    /// <summary>
    /// Proves the server is reachable, then creates or migrates the store's tables and Marten's
    /// (idempotent, safe when several hosts start at once: they take turns on an advisory lock).
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await Database.EnsureReachableAsync(DataSource, ct);
        if (!_ownsMarten) CheckStreamKinds(Marten);
        try
        {
            await SchemaMigrator.MigrateAsync(DataSource, _schema, EventStoreSchema.Component, EventStoreSchema.Migrations, ct);
            // A session-level lock on a connection of its own: Marten applies its changes on other connections.
            // Released in any case, even if taking it failed after the server granted it: a pooled
            // connection is not reset when it is returned (NoResetOnClose).
            await using var connection = await DataSource.OpenConnectionAsync(ct);
            try
            {
                await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended('leaderjourney.marten.' || $1, 0))", connection) { CommandTimeout = 0 })
                {
                    take.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _schema });
                    await take.ExecuteNonQueryAsync(ct);
                }
                await Marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await using var indexes = new NpgsqlCommand(StreamIdIndexes.Sql(_schema) + RecordedOnceIndexes.Sql(_schema, Types), connection) { CommandTimeout = 0 };
                await indexes.ExecuteNonQueryAsync(ct);
            }
            finally
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock_all()", connection);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (NpgsqlException e)
        {
            throw Database.Describe(DataSource, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Marten may still be writing tombstones for a failed append; it finishes before the pool goes.
        if (_ownsMarten && _marten.IsValueCreated) await Marten.DisposeAsync();
        if (_ownsDataSource) await DataSource.DisposeAsync();
        if (_buildDataSource is not null) await _buildDataSource.DisposeAsync();
    }

    // ---------------------------------------------------------------- writing

    /// <summary>
    /// Declares the kind of the new stream a fetch for writing (Wolverine's aggregate handler workflow)
    /// put in the session: Marten would name it after the type it was fetched as, and a fold's type
    /// (<c>DemographicsState</c>) is not the kind's published name (<c>demographics</c>).
    /// </summary>
    public void DeclareNewStream(IDocumentSession session, Guid streamId, string streamType)
    {
        var kind = Types.StreamKindType(streamType);
        var started = session.PendingChanges.Streams().SingleOrDefault(s => s.Id == streamId && s.ActionType == StreamActionType.Start)
            ?? throw new InvalidOperationException($"The session starts no stream {streamId} to declare as '{streamType}'.");
        started.AggregateType = kind;
    }

    /// <summary>
    /// Queues the shredding of the subject's personal-data key in the session (see
    /// <see cref="SubjectKeys"/>): it commits with the session's events, and once committed what was
    /// encrypted for the subject reads as erased. <paramref name="final"/> erases the subject for good;
    /// otherwise a later write about it starts with a new key.
    /// </summary>
    public void ShredSubject(IDocumentSession session, Guid subject, bool final)
    {
        var keys = PersonalData?.Keys ?? throw new InvalidOperationException("This store was opened without master keys: it holds no personal-data keys to shred.");
        keys.QueueShred(session, subject, final);
    }

    /// <summary>
    /// Whether a write failed because a read model it wrote inline changed generations while it was made
    /// (a switch-over committed in another process): then it is to be tried again, and this process's
    /// copy of the generations is dropped so that the next try reads them afresh.
    /// </summary>
    public static bool GenerationsChangedDuring(Exception e)
    {
        if (!ProjectionGenerations.ChangedDuring(e)) return false;
        ProjectionGenerations.Stale();
        return true;
    }

    /// <summary>A write's failure in the store's terms when it held a second event of what its stream holds once (<see cref="EventTypeRegistry.RecordOnce"/>); else null.</summary>
    public EventRecordedTwiceException? AsRecordedTwice(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: { } index } && Types.RecordedOnce.TryGetValue(index, out var once))
                return new EventRecordedTwiceException(once.Refusal, inner);
        return null;
    }

    /// <summary>A write's failure in the store's terms when the database refused an event's text (jsonb refuses some texts JSON allows); else null.</summary>
    public static EventDataRejectedException? AsRejectedData(Exception e) =>
        RejectedData(e) is { } rejected ? new EventDataRejectedException(Database.FirstLine(rejected.MessageText), rejected) : null;

    private static PostgresException? RejectedData(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is PostgresException { SqlState: PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.InvalidParameterValue } p)
                return p;
        return null;
    }

    // ---------------------------------------------------------------- bulk append

    /// <summary>
    /// Writes new streams and their events through Marten's bulk appender (binary COPY), the events all in
    /// one transaction: the import path. Personal values are sealed first. Every stream must be new; if one
    /// exists, nothing is written and <see cref="StreamAlreadyExistsException"/> names it. The inline read
    /// models take the events right after (<see cref="ApplyInlineAfterBulkAsync"/>), then Marten's own
    /// inline projections (<see cref="StoreInlineStateAfterBulkAsync"/>).
    /// </summary>
    public async Task<long> BulkAppendAsync(IEnumerable<BulkStream> streams, CancellationToken ct = default)
    {
        var batch = streams as IReadOnlyCollection<BulkStream> ?? streams.ToList();
        if (batch.GroupBy(s => s.StreamId).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Stream {twice.Key} appears more than once in one bulk append.", nameof(streams));
        var actions = new List<StreamAction>(batch.Count);
        foreach (var stream in batch)
        {
            if (stream.Events.Count == 0) throw new ArgumentException($"Stream {stream.StreamId} has no events.", nameof(streams));
            var metadata = stream.Metadata ?? AppendMetadata.None;
            var action = StreamAction.Start(Marten.Events, stream.StreamId, stream.Events.ToArray());
            action.AggregateType = Types.StreamKindType(stream.StreamType);
            action.TenantId = metadata.TenantId;
            foreach (var e in action.Events)
            {
                Types.NameOf(e.EventType);
                e.TenantId = metadata.TenantId;
                e.CorrelationId = metadata.CorrelationId;
                e.CausationId = metadata.CausationId;
                e.UserName = metadata.UserName;
                foreach (var (key, value) in metadata.Headers ?? EmptyHeaders) e.SetHeader(key, value);
            }
            actions.Add(action);
        }
        if (_sealing.Value is { } sealing)
            await sealing.SealAsync(batch.SelectMany(s => s.Events.Select(e => (s.StreamId, e))).ToList(), ct);

        if (await FirstExistingStream(batch.Select(s => s.StreamId).ToArray(), ct) is { } existing)
            throw new StreamAlreadyExistsException(existing);
        await WriteWithReadModelsAsync(batch, actions, ct);
        // Outside the lock: a switch-over of an inline read model does not wait on it.
        await StoreInlineStateAfterBulkAsync(actions, ct);
        return actions.Sum(a => a.Events.Count);
    }

    /// <summary>The events through Marten's bulk appender, then the inline read models, under the bulk load lock.</summary>
    private async Task WriteWithReadModelsAsync(IReadOnlyCollection<BulkStream> batch, IReadOnlyList<StreamAction> actions, CancellationToken ct)
    {
        // Held shared from before Marten draws the load's sequence numbers until the read models' step has
        // committed: an inline generation's switch-over takes it exclusively, so it never falls between
        // the two (it would then have marked the load's numbers as built through without having them).
        await using var bulkLoad = await OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock_shared({BulkLoadLockSql(_schema)})", bulkLoad))
            await take.ExecuteNonQueryAsync(ct);
        try
        {
            try
            {
                // One transaction for all of it; each stream keeps its own affiliate.
                await Marten.BulkInsertEventsAsync(actions, 5_000, ct);
            }
            catch (Exception e) when (Unwrap<PostgresException>(e) is { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                var raced = await FirstExistingStream(batch.Select(s => s.StreamId).ToArray(), ct);
                throw raced is { } id ? new StreamAlreadyExistsException(id) : AsRecordedTwice(e) ?? e;
            }
            await ApplyInlineAfterBulkAsync(actions, ct);
        }
        finally
        {
            // A pooled connection is not reset when returned (NoResetOnClose): the lock is released here.
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock_shared({BulkLoadLockSql(_schema)})", bulkLoad);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The advisory lock a bulk load holds shared and an inline switch-over exclusively (SQL expression).</summary>
    internal static string BulkLoadLockSql(string schema) => $"hashtextextended('leaderjourney.bulk-load.{schema}', 0)";

    /// <summary>
    /// Marten's bulk appender runs no projections: the inline read models take the new events right
    /// after it, in a transaction of their own. (A crash between the two leaves the events stored and
    /// the inline models without them until `projections rebuild`.)
    /// </summary>
    private async Task ApplyInlineAfterBulkAsync(IReadOnlyList<StreamAction> actions, CancellationToken ct)
    {
        var inline = Slots.Where(s => s.Registration.Mode == ProjectionMode.Inline).ToList();
        if (inline.Count == 0) return;
        var events = actions.SelectMany(a => a.Events.Select(e => MartenSlot.ToStored(e) with { StreamId = a.Id })).OrderBy(e => e.Sequence).ToList();
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var scope = new MartenSlot.AppendScope(fresh: true);
        foreach (var chunk in events.Chunk(5_000))
        {
            await using var session = Marten.LightweightSession(SessionOptions.ForTransaction(transaction));
            foreach (var slot in inline) await slot.ApplyAsync(session, chunk, null, ct, scope);
            await session.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Then Marten's own inline projections (an aggregate a host keeps inline for its commands to decide
    /// on) take the loaded streams, as Marten's SaveChanges applies them, so a stream loaded in bulk has
    /// its stored state before its first command. In a transaction after the read models': the stored
    /// state only spares a command the fold of the whole stream, so if this step fails the read models
    /// keep the load and the error still reaches the caller.
    /// </summary>
    private async Task StoreInlineStateAfterBulkAsync(IReadOnlyList<StreamAction> actions, CancellationToken ct)
    {
        if (MartenInlineProjections.Length == 0) return;
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Their documents belong to the stream's affiliate: each affiliate's streams go through sessions of its own.
        foreach (var affiliate in actions.GroupBy(a => a.TenantId))
            foreach (var chunk in affiliate.Chunk(1_000))
            {
                var options = SessionOptions.ForTransaction(transaction);
                options.TenantId = affiliate.Key;
                await using var session = Marten.LightweightSession(options);
                foreach (var projection in MartenInlineProjections) await projection.ApplyAsync(session, chunk, ct);
                await session.SaveChangesAsync(ct);
            }
        await transaction.CommitAsync(ct);
    }

    /// <summary>Marten's inline projections other than the read model slots (which <see cref="MartenSlot"/> applies to their generations).</summary>
    private IInlineProjection<IDocumentOperations>[] MartenInlineProjections => _martenInlineProjections ??=
        Marten.Options.Projections.All
            .Where(p => p.Lifecycle == ProjectionLifecycle.Inline && !Slots.Any(s => s.MartenName == p.Name))
            .Select(p => p.BuildForInline())
            .ToArray();

    private IInlineProjection<IDocumentOperations>[]? _martenInlineProjections;

    private static T? Unwrap<T>(Exception e) where T : Exception
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is T found) return found;
        return null;
    }

    private async Task<Guid?> FirstExistingStream(Guid[] ids, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand($"select id from {_schema}.mt_streams where id = any($1) limit 1");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    // ---------------------------------------------------------------- reading a stream

    /// <summary>The stream's kind, version and affiliate; read through <paramref name="within"/>'s connection when given (see <see cref="ReadStreamAsync"/>).</summary>
    public async Task<StreamInfo?> FetchStreamInfoAsync(Guid streamId, CancellationToken ct = default, IDocumentSession? within = null)
    {
        const string sql = "select id, coalesce(type, ''), version, tenant_id, created, timestamp, coalesce(is_archived, false) from {0}.mt_streams where id = $1";
        await using var command = within?.Connection is { } connection
            ? new NpgsqlCommand(string.Format(sql, _schema), connection)
            : DataSource.CreateCommand(string.Format(sql, _schema));
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new StreamInfo(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetBoolean(6));
    }

    /// <summary>
    /// Reads a stream forward, within the given bounds. An archived stream reads as empty unless asked for.
    /// <paramref name="within"/>: a write session with its transaction begun (one holding the stream's
    /// lock, say), read through on its own connection instead of another from the pool.
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(Guid streamId, StreamReadOptions? options = null, CancellationToken ct = default, IDocumentSession? within = null)
    {
        options ??= StreamReadOptions.All;
        await using var owned = within?.Connection is null ? await OpenConnectionAsync(ct) : null;
        var connection = owned ?? within!.Connection!;
        await using var command = new NpgsqlCommand($"""
            select {_selectColumns} from {_schema}.mt_events
             where stream_id = $1 and version >= $2 and version <= $3 and timestamp <= $4 and (not coalesce(is_archived, false) or $5)
             order by version
            """, connection);
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

    /// <summary>
    /// Several streams read forward whole (archived ones left out) in one round trip, by stream; a stream
    /// with no events is absent. For reads that fold many small streams at once (an affiliate's positions),
    /// which one read per stream made a round trip each.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<StoredEvent>>> ReadStreamsAsync(IReadOnlyCollection<Guid> streamIds, CancellationToken ct = default)
    {
        if (streamIds.Count == 0) return new Dictionary<Guid, IReadOnlyList<StoredEvent>>();
        await using var connection = await OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select {_selectColumns} from {_schema}.mt_events
             where stream_id = any($1) and not coalesce(is_archived, false)
             order by stream_id, version
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. streamIds] });
        var rows = new List<EventRow>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) rows.Add(ReadRow(reader));
        return (await Materialize(rows, ct)).GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => (IReadOnlyList<StoredEvent>)[.. g]);
    }

    // ---------------------------------------------------------------- reading across streams

    /// <summary>
    /// Events of the given types with sequence numbers in (<paramref name="after"/>, <paramref name="upTo"/>],
    /// in order, at most <paramref name="maxCount"/>, archived ones and Marten's tombstones left out: how a
    /// generation's build reads its last part (<see cref="ProjectionRuntime"/>), on its own transaction.
    /// </summary>
    internal async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long after, long upTo,
        string[] types, int maxCount, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select {_selectColumns} from {_schema}.mt_events
             where seq_id > $1 and seq_id <= $2 and type = any($3) and not coalesce(is_archived, false)
             order by seq_id limit $4
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        var rows = new List<EventRow>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) rows.Add(ReadRow(reader));
        return await Materialize(rows, ct);
    }

    /// <summary>The highest global sequence number committed so far (0 for an empty store), holes or not.</summary>
    public async Task<long> ReadLastSequenceAsync(CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"select coalesce(max(seq_id), 0) from {_schema}.mt_events");
        return (long)(await command.ExecuteScalarAsync(ct))!;
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

    /// <summary>A row as read, before its data is decrypted and deserialized.</summary>
    private sealed record EventRow(long Sequence, Guid Id, Guid StreamId, long Version, PersonalDataCodec.Pending Data, string TypeName, DateTimeOffset Timestamp,
        string TenantId, string? CorrelationId, string? CausationId, string? UserName, string? Headers);

    private static EventRow ReadRow(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3),
        new PersonalDataCodec.Pending(reader.GetString(4), reader.GetFieldValue<byte[]>(5)),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : reader.GetString(11));

    // Decryption needs the keys of every subject in the batch: fetched together, after the rows are read.
    private async Task<List<StoredEvent>> Materialize(List<EventRow> rows, CancellationToken ct)
    {
        if (PersonalData is not null) await PersonalData.OpenAsync(rows.Select(r => r.Data).ToList(), ct);
        var events = new List<StoredEvent>(rows.Count);
        foreach (var r in rows)
            events.Add(new StoredEvent(r.Sequence, r.Id, r.StreamId, r.Version, r.TypeName,
                Types.Deserialize(r.TypeName, r.Data.Data, r.Sequence, r.StreamId),
                r.Timestamp, r.TenantId, r.CorrelationId, r.CausationId, r.UserName,
                r.Headers is null ? EmptyHeaders : JsonSerializer.Deserialize(r.Headers, EventStoreJson.Default.IReadOnlyDictionaryStringString) ?? EmptyHeaders));
        return events;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class EventStoreJson : System.Text.Json.Serialization.JsonSerializerContext;
