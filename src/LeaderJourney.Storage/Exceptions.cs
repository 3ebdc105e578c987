namespace LeaderJourney.Storage;

/// <summary>Base of every error the store raises on purpose; its message is one line a person can act on.</summary>
public abstract class EventStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A write's expected version (its If-Match) is not the stream's version; nothing was written.</summary>
public sealed class ConcurrencyException(Guid streamId, long expectedVersion, long actualVersion)
    : EventStoreException($"Stream {streamId} is at version {actualVersion}, not the expected {expectedVersion}.")
{
    public Guid StreamId { get; } = streamId;
    public long ExpectedVersion { get; } = expectedVersion;
    public long ActualVersion { get; } = actualVersion;
}

public sealed class StreamAlreadyExistsException(Guid streamId)
    : EventStoreException($"Stream {streamId} already exists.")
{
    public Guid StreamId { get; } = streamId;
}

/// <summary>A stored type name that no registered type or upcaster knows.</summary>
public sealed class UnknownEventTypeException(string typeName, long sequence, Guid streamId)
    : EventStoreException($"Unknown event type '{typeName}' (event {sequence} of stream {streamId}); register it or add an upcaster for it.")
{
    public string TypeName { get; } = typeName;
    public long Sequence { get; } = sequence;
}

/// <summary>A CLR type that was never registered with a stable name.</summary>
public sealed class UnregisteredEventTypeException(Type type)
    : EventStoreException($"Event type {type.Name} has no registered name; register it with EventTypeRegistry.Register<{type.Name}>(\"stable.name\").");

/// <summary>An event's payload the database refused (for example a NUL character in a string).</summary>
public sealed class EventDataRejectedException(string detail, Exception inner)
    : EventStoreException($"The database refused an event's data: {detail}", inner);

/// <summary>The store cannot be opened: a bad connection string, an unreachable or refusing server.</summary>
public sealed class EventStoreUnavailableException(string message, Exception? inner = null)
    : EventStoreException(message, inner);

/// <summary>A stream started with a kind that was never registered (see <see cref="EventTypeRegistry.RegisterStreamKind"/>).</summary>
public sealed class UnregisteredStreamKindException(string kind)
    : EventStoreException($"Stream kind '{kind}' is not registered; register it with EventTypeRegistry.RegisterStreamKind<TMarker>(\"{kind}\").");

/// <summary>A write held a second event of what its stream holds once (<see cref="EventTypeRegistry.RecordOnce"/>); nothing was written. The message is the declared refusal.</summary>
public sealed class EventRecordedTwiceException(string refusal, Exception inner) : EventStoreException(refusal, inner);
