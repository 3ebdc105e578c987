using JasperFx;
using JasperFx.Events;
using JasperFx.MultiTenancy;
using LeaderJourney.Storage.PersonalData;
using Marten;
using Marten.Services;
using Npgsql;

namespace LeaderJourney.Storage;

/// <summary>
/// Marten configured as LeaderJourney's event store: the same schema as the rest of the data, every
/// event under its published name (docs/events.md) as camelCase JSON, one stream per leader (position,
/// framework, ...) owned by one affiliate, and the metadata the previous store kept on every event.
/// </summary>
public static class MartenEngine
{
    /// <summary>
    /// A document store on the caller's data source (which must pin <c>Timezone=UTC</c>, as
    /// <see cref="Database.CreateDataSource"/> does). With <paramref name="personalData"/>, the
    /// registry's personal values are sealed per subject on every write and opened on every read.
    /// </summary>
    public static DocumentStore Create(NpgsqlDataSource dataSource, string schema, EventTypeRegistry types, PersonalDataCodec? personalData = null) =>
        new(Options(dataSource, schema, types, personalData));

    internal static StoreOptions Options(NpgsqlDataSource dataSource, string schema, EventTypeRegistry types, PersonalDataCodec? personalData = null,
        IReadOnlyList<Projections.MartenSlot>? slots = null, int batchSize = 1000, Action<StoreOptions>? configure = null)
    {
        SchemaName.Validate(schema);
        var options = new StoreOptions();
        options.Connection(dataSource);
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        // The schema is applied at start-up (Store.MigrateAsync, under an advisory lock); Marten
        // itself checks it once more per store before its first bulk insert.
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // Each stream belongs to one affiliate. Under conjoined tenancy a plain append from another
        // affiliate to an existing id would start a second stream with that id; a stream must be started
        // with its declared kind, so such an append is refused instead.
        options.Events.TenancyStyle = TenancyStyle.Conjoined;
        options.Events.UseMandatoryStreamTypeDeclaration = true;
        // Quick appends: one function call per append, which draws its sequence numbers inside the
        // append's transaction, after its version check.
        options.Events.AppendMode = EventAppendMode.Quick;
        // The append function reads the stream's version FOR UPDATE before it checks it: concurrent
        // appenders to one stream queue on its row, and a loser is refused before it draws a sequence
        // number (without it both pass the check, and the loser leaves a hole when its insert collides).
        options.Events.UseExclusiveLockOnConcurrentAppends = true;
        // Stream reads and the refusals' look-up find streams by id alone (the affiliate is not known
        // yet), and Marten's keys lead with the tenant: these indexes are ours (made by Store.MigrateAsync),
        // and the one on mt_streams keeps an id to one stream across affiliates.
        options.Events.IgnoreIndex(StreamIdIndexes.Events);
        options.Events.IgnoreIndex(StreamIdIndexes.Streams);
        foreach (var earlier in StreamIdIndexes.EarlierStreams) options.Events.IgnoreIndex(earlier);
        foreach (var once in types.RecordedOnce.Keys) options.Events.IgnoreIndex(once);
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;

        // The registry's own options: camelCase, the same converters the previous store wrote with.
        // Marten's own casing default is PascalCase and overrides the options' naming policy.
        var json = new SystemTextJsonSerializer(new System.Text.Json.JsonSerializerOptions(types.JsonOptions)) { Casing = Weasel.Core.Casing.CamelCase };
        if (personalData is null)
        {
            options.Serializer(json);
        }
        else
        {
            var sealing = new SealingSerializer(json, personalData, types);
            options.Serializer(sealing);
            options.Listeners.Add(new SealPersonalData(sealing));
        }
        foreach (var name in types.Names)
            if (types.TypeOfName(name) is { } type) options.Events.MapEventType(type, name);
        options.Listeners.Add(new PublishedNamesOnly(types));

        // The read models: two slots each (Projections.MartenSlot), inline or under Marten's async daemon.
        foreach (var slot in slots ?? [])
        {
            var registration = slot.ToMarten(types, batchSize);
            options.Projections.Add(registration, registration.Lifecycle);
        }
        // Hot/cold: one node runs each async slot at a time (an advisory lock per slot, taken again by
        // another node within a second of the holder's death). A failing event pauses its slot instead of
        // being skipped into a dead-letter table; Marten tries the slot again every few seconds.
        options.Projections.AsyncMode = JasperFx.Events.Daemon.DaemonMode.HotCold;
        // The daemon looks for new events every 100 ms while events arrive and every 250 ms when quiet
        // (Marten's defaults are 250 ms and 1 s). Marten's LISTEN/NOTIFY wake-up was measured too: a
        // pg_notify per append serialises commits on PostgreSQL's notification queue (docs/performance.md).
        options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
        options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);
        options.Projections.LeadershipPollingTime = 1000;
        options.Projections.Errors.SkipApplyErrors = false;
        options.Projections.Errors.SkipSerializationErrors = false;
        options.Projections.Errors.SkipUnknownEvents = false;
        options.Projections.RebuildErrors.SkipApplyErrors = false;
        options.Projections.RebuildErrors.SkipSerializationErrors = false;
        options.Projections.RebuildErrors.SkipUnknownEvents = false;
        configure?.Invoke(options);
        // The inline read models tell an append from a rebuild by the sequence Marten has not yet
        // assigned under quick append (MartenSlot); a configuration that changed the mode would
        // make every save look like a rebuild.
        if (options.Events.AppendMode != EventAppendMode.Quick)
            throw new InvalidOperationException("LeaderJourney's inline read models need Marten's quick append mode (EventAppendMode.Quick).");
        return options;
    }
}

/// <summary>
/// Refuses, before anything is written, an event whose type has no published name (Marten would
/// otherwise store it under a name generated from its CLR type, which no reader could rely on), and a
/// new stream of no declared kind (Marten would name it after whatever type it was started or fetched
/// as). It runs for every session: the handlers' on Wolverine's workflow, the tools' and the tests'.
/// </summary>
public sealed class PublishedNamesOnly(EventTypeRegistry types) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        foreach (var stream in session.PendingChanges.Streams())
        {
            if (stream.ActionType == StreamActionType.Start && stream.Events.Count > 0)
            {
                var kind = stream.AggregateType is { } type ? ((DocumentStore)session.DocumentStore).Events.AggregateAliasFor(type) : "(none)";
                types.StreamKindType(kind); // throws UnregisteredStreamKindException
            }
            foreach (var e in stream.Events)
                types.NameOf(e.EventType); // throws UnregisteredEventTypeException
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// The store's own indexes on Marten's event tables (see <see cref="Store.MigrateAsync"/>). A
/// stream id is unique across affiliates: under conjoined tenancy Marten's key is (tenant, id), and a
/// start from another affiliate under an existing id would otherwise make a second stream. Marten's
/// tombstone stream is the exception: when an append fails after it drew sequence numbers, Marten
/// fills them with tombstones in a stream of its own, with a row per tenant under one id (drawn anew
/// by each process) and no stream type. Unique over every id, the index refused the second affiliate's
/// tombstone row, and Marten's background writer tried it again without end (2,429 refusals in 4.5
/// minutes in a test run). Every stream of ours declares its type (<c>UseMandatoryStreamTypeDeclaration</c>),
/// so the index keys the type-less rows by tenant too: for every other stream the second column is the
/// same, so an id stays one stream, and a look-up by id alone still uses the index.
/// </summary>
internal static class StreamIdIndexes
{
    public const string Events = "mt_events_stream_id_version";
    public const string Streams = "mt_streams_id_typed";
    /// <summary>
    /// The indexes the same place had before: not unique; then unique over the tombstone stream too; then
    /// keyed by the tombstone stream's id of the process that made it (the id is drawn per process).
    /// </summary>
    public static readonly string[] EarlierStreams = ["mt_streams_id", "mt_streams_id_unique", "mt_streams_id_once"];

    public static string Sql(string schema) => $"""
        create index if not exists {Events} on {schema}.mt_events (stream_id, version);
        create unique index if not exists {Streams} on {schema}.mt_streams (id, (case when type is null then tenant_id else '' end));
        {string.Concat(EarlierStreams.Select(name => $"drop index if exists {schema}.{name};\n"))}
        """;
}

/// <summary>A field a stream holds once per value for an event type (<see cref="EventTypeRegistry.RecordOnce"/>).</summary>
public sealed record RecordedOnceKey(string EventName, string JsonProperty, string Refusal)
{
    /// <summary>The unique index that keeps it, on Marten's mt_events.</summary>
    public string IndexName { get; } = "mt_events_once_" + new string(EventName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}

/// <summary>
/// The unique indexes that keep what a stream holds once (see <see cref="Store.MigrateAsync"/>), ours
/// on Marten's mt_events like <see cref="StreamIdIndexes"/>: partial, over the stream and one Guid field of
/// one event type's data (as a uuid, a third smaller than its text), so that the other events pay nothing
/// for them. On a database that already has many events, the first start builds them while appends wait:
/// 8.8 s for the three of the national data here (6.2 million of its 10.4 million events; 294 MB).
/// </summary>
internal static class RecordedOnceIndexes
{
    public static string Sql(string schema, EventTypeRegistry types) => string.Concat(types.RecordedOnce.Values.Select(key => $"""
        create unique index if not exists {key.IndexName} on {schema}.mt_events (stream_id, ((data ->> {Literal(key.JsonProperty)})::uuid)) where type = {Literal(key.EventName)};

        """));

    private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";
}
