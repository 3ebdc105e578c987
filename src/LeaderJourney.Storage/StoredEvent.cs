namespace LeaderJourney.Storage;

/// <summary>An event as it was committed: its payload plus everything the store knows about it.</summary>
/// <param name="Sequence">Global position, from one database sequence; increasing in commit-visible order once read through <see cref="Store.ReadAllAsync"/>.</param>
/// <param name="Version">Position within its stream, from 1, without holes.</param>
/// <param name="TypeName">The stable name stored in the database (never a CLR type name).</param>
public sealed record StoredEvent(
    long Sequence,
    Guid Id,
    Guid StreamId,
    long Version,
    string TypeName,
    object Data,
    DateTimeOffset Timestamp,
    string TenantId,
    string? CorrelationId,
    string? CausationId,
    string? UserName,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>Who and what caused an append; stored on every event of it.</summary>
public sealed record AppendMetadata
{
    public const string DefaultTenant = "*DEFAULT*";

    public string TenantId { get; init; } = DefaultTenant;
    public string? CorrelationId { get; init; }
    public string? CausationId { get; init; }
    /// <summary>The acting user (a user id or name); the store does not interpret it.</summary>
    public string? UserName { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public static AppendMetadata None { get; } = new();
}

/// <summary>What part of a stream to read. Bounds are inclusive; all of them may be combined.</summary>
public sealed record StreamReadOptions
{
    public long FromVersion { get; init; } = 1;
    public long? ToVersion { get; init; }
    public DateTimeOffset? ToTimestamp { get; init; }
    /// <summary>Archived streams are left out of normal reads; set this to read one anyway.</summary>
    public bool IncludeArchived { get; init; }

    public static StreamReadOptions All { get; } = new();
}

/// <summary>A stream's own row: its type, version and whether it is archived.</summary>
public sealed record StreamInfo(Guid Id, string Type, long Version, string TenantId, DateTimeOffset Created, DateTimeOffset Timestamp, bool IsArchived);

/// <summary>A new stream with its events, for the bulk (binary COPY) path.</summary>
public sealed record BulkStream(Guid StreamId, string StreamType, IReadOnlyList<object> Events, AppendMetadata? Metadata = null);
