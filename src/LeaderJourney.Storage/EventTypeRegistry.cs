using System.Collections.Concurrent;
using System.Text.Json;
using LeaderJourney.Storage.PersonalData;
using System.Text.Json.Serialization.Metadata;

namespace LeaderJourney.Storage;

/// <summary>
/// Maps stable event type names (what the database stores, e.g. "leader.signed-off") to CLR types
/// and back. A published name is never renamed: a breaking change gets a new name, and the old name
/// gets an upcaster, a function from the old JSON to the new record.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<string, Type> _typesByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _namesByType = new();
    private readonly ConcurrentDictionary<string, Func<JsonElement, object>> _upcasters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, IReadOnlyList<PersonalField>> _personal = new();
    private readonly ConcurrentDictionary<string, Type> _streamKinds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Type> _documentsByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _namesByDocument = new();
    private readonly ConcurrentDictionary<string, RecordedOnceKey> _once = new(StringComparer.Ordinal);

    public EventTypeRegistry(JsonSerializerOptions? jsonOptions = null)
    {
        JsonOptions = jsonOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        JsonOptions.MakeReadOnly();
    }

    /// <summary>The serializer options for event data (camelCase by default). Pass options with a source-generated resolver to avoid reflection.</summary>
    public JsonSerializerOptions JsonOptions { get; }

    public EventTypeRegistry Register<T>(string name) where T : notnull => Register(typeof(T), name);

    public EventTypeRegistry Register(Type type, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_upcasters.ContainsKey(name))
            throw new InvalidOperationException($"Event type name '{name}' already has an upcaster; a name is either current or upcast.");
        if (!_typesByName.TryAdd(name, type) && _typesByName[name] != type)
            throw new InvalidOperationException($"Event type name '{name}' is already registered for {_typesByName[name].Name}.");
        if (!_namesByType.TryAdd(type, name) && _namesByType[type] != name)
            throw new InvalidOperationException($"{type.Name} is already registered as '{_namesByType[type]}'.");
        return this;
    }

    /// <summary>Reads events stored under <paramref name="oldName"/> as <typeparamref name="TNew"/>.</summary>
    public EventTypeRegistry AddUpcaster<TNew>(string oldName, Func<JsonElement, TNew> upcast) where TNew : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(oldName);
        if (_typesByName.ContainsKey(oldName))
            throw new InvalidOperationException($"Event type name '{oldName}' is registered as current; an upcaster needs a retired name.");
        if (!_upcasters.TryAdd(oldName, json => upcast(json)))
            throw new InvalidOperationException($"Event type name '{oldName}' already has an upcaster.");
        return this;
    }

    /// <summary>
    /// Declares which properties of an event type hold personal data (and about whom). A store opened
    /// with master keys encrypts them per subject, so that shredding the subject's key erases them.
    /// </summary>
    public EventTypeRegistry DeclarePersonalData(Type type, IReadOnlyList<PersonalField> fields)
    {
        if (!_namesByType.ContainsKey(type)) throw new UnregisteredEventTypeException(type);
        if (fields.Count > 0) _personal[type] = fields;
        return this;
    }

    public IReadOnlyDictionary<Type, IReadOnlyList<PersonalField>> PersonalFields => _personal;

    /// <summary>
    /// Declares a document type Marten stores that holds personal data (the leader the commands decide on),
    /// sealed like an event's: each field's subject is named by a Guid property of the document (its
    /// id). <paramref name="name"/> only tells the codec which fields to open; it is never an event name.
    /// </summary>
    public EventTypeRegistry DeclarePersonalDocument(Type type, string name, IReadOnlyList<PersonalField> fields)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_typesByName.ContainsKey(name) || _upcasters.ContainsKey(name)) throw new InvalidOperationException($"'{name}' is an event type name.");
        if (_namesByType.ContainsKey(type)) throw new InvalidOperationException($"{type.Name} is an event type.");
        if (fields.Count == 0 || fields.Any(f => f.SubjectProperty is null))
            throw new InvalidOperationException($"Each personal field of the document {type.Name} names the property that holds its subject.");
        _documentsByName[name] = type;
        _namesByDocument[type] = name;
        _personal[type] = fields;
        return this;
    }

    /// <summary>The name the codec knows a type with sealed values by: an event type's published name, or a personal document's.</summary>
    public string SealedNameOf(Type type) => _namesByDocument.TryGetValue(type, out var name) ? name : NameOf(type);

    /// <summary>The event or personal document type sealed under <paramref name="name"/>; null when unknown or retired.</summary>
    public Type? TypeOfSealedName(string name) => TypeOfName(name) ?? _documentsByName.GetValueOrDefault(name);

    /// <summary>The CLR type stored under a current name; null for an unknown or retired (upcast) name.</summary>
    public Type? TypeOfName(string typeName) => _typesByName.GetValueOrDefault(typeName);

    public string NameOf(Type type) =>
        _namesByType.TryGetValue(type, out var name) ? name : throw new UnregisteredEventTypeException(type);

    public bool IsKnown(string typeName) => _typesByName.ContainsKey(typeName) || _upcasters.ContainsKey(typeName);

    public IReadOnlyCollection<string> Names => _typesByName.Keys.Concat(_upcasters.Keys).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Declares that a stream holds at most one event of <paramref name="type"/> with a given value of
    /// <paramref name="property"/>, a Guid (a training's id, say). The database keeps it, with a unique index over
    /// the stream and that field of the type's events (<see cref="RecordedOnceIndexes"/>), so that a
    /// decision need not hold every value its stream ever recorded; a second such event is refused with
    /// its whole write, as <see cref="EventRecordedTwiceException"/> carrying <paramref name="refusal"/>.
    /// Declare personal data first: a sealed value differs at every write and cannot be compared.
    /// </summary>
    public EventTypeRegistry RecordOnce(Type type, string property, string refusal)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refusal);
        var name = NameOf(type);
        if (type.GetProperty(property)?.PropertyType != typeof(Guid)) throw new InvalidOperationException($"{type.Name} has no Guid property {property}.");
        if (_personal.TryGetValue(type, out var personal) && personal.Any(f => f.Property == property))
            throw new InvalidOperationException($"{type.Name}.{property} is personal data: sealed, it cannot be kept unique.");
        var once = new RecordedOnceKey(name, JsonOptions.PropertyNamingPolicy?.ConvertName(property) ?? property, refusal);
        if (!_once.TryAdd(once.IndexName, once) && _once[once.IndexName] != once)
            throw new InvalidOperationException($"{type.Name} is already recorded once by another property.");
        return this;
    }

    /// <summary>What each stream holds once (<see cref="RecordOnce"/>), by the name of the index that keeps it.</summary>
    public IReadOnlyDictionary<string, RecordedOnceKey> RecordedOnce => _once;

    /// <summary>
    /// Declares a kind of stream. Marten records a stream's kind by a CLR type, under the type's alias
    /// (its name in snake case), so <paramref name="name"/> must be that alias: <c>Leader</c> is
    /// <c>leader</c>, <c>ReportIssues</c> is <c>report_issues</c>. The store checks it when it opens.
    /// </summary>
    public EventTypeRegistry RegisterStreamKind(string name, Type marker)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_streamKinds.TryAdd(name, marker) && _streamKinds[name] != marker)
            throw new InvalidOperationException($"Stream kind '{name}' is already registered for {_streamKinds[name].Name}.");
        return this;
    }

    public EventTypeRegistry RegisterStreamKind<TMarker>(string name) => RegisterStreamKind(name, typeof(TMarker));

    public IReadOnlyDictionary<string, Type> StreamKinds => _streamKinds;

    /// <summary>The marker type of a stream kind; an unregistered kind is refused before anything is written.</summary>
    public Type StreamKindType(string name) =>
        _streamKinds.TryGetValue(name, out var type) ? type : throw new UnregisteredStreamKindException(name);

    /// <summary>A stored event's data from its UTF-8 JSON (as read from the row, with any sealed values opened).</summary>
    internal object Deserialize(string typeName, ReadOnlyMemory<byte> json, long sequence, Guid streamId)
    {
        if (_typesByName.TryGetValue(typeName, out var type))
            return JsonSerializer.Deserialize(json.Span, type, JsonOptions)
                ?? throw new InvalidOperationException($"Event {sequence} of stream {streamId} ('{typeName}') has null data.");
        if (_upcasters.TryGetValue(typeName, out var upcast))
        {
            using var document = JsonDocument.Parse(json);
            return upcast(document.RootElement);
        }
        throw new UnknownEventTypeException(typeName, sequence, streamId);
    }
}
