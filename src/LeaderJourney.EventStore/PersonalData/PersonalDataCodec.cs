using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeaderJourney.EventStore.PersonalData;

/// <summary>One property of an event type that holds personal data, and whose data it is.</summary>
/// <param name="Property">The CLR property name.</param>
/// <param name="SubjectProperty">A Guid property naming the subject; null when the subject is the event's stream.</param>
public sealed record PersonalField(string Property, string? SubjectProperty = null);

/// <summary>
/// Encrypts the personal properties of an event on the way into the database and decrypts them on
/// the way out. Each value is stored in place as <c>pd1:&lt;subject&gt;:&lt;generation&gt;:&lt;base64&gt;</c>:
/// AES-GCM of the value's JSON under the subject's data key, bound to subject, generation and property
/// name. A value whose key was shredded reads as <see cref="ErasedText"/> (text), an empty list
/// (lists) or null (anything else), so code that folds events keeps working after an erasure.
/// </summary>
public sealed class PersonalDataCodec
{
    /// <summary>What a shredded text reads as.</summary>
    public const string ErasedText = "[erased]";
    private const string Prefix = "pd1:";

    private readonly EventTypeRegistry _types;
    private readonly SubjectKeys _keys;
    private readonly Dictionary<Type, Field[]> _fields = new();

    private sealed record Field(string JsonName, PropertyInfo Property, PropertyInfo? Subject, JsonNode? Erased);

    internal PersonalDataCodec(EventTypeRegistry types, SubjectKeys keys)
    {
        _types = types;
        _keys = keys;
        foreach (var (type, declared) in types.PersonalFields)
            _fields[type] = declared.Select(f => Describe(type, f)).ToArray();
    }

    public SubjectKeys Keys => _keys;

    private Field Describe(Type type, PersonalField field)
    {
        var property = type.GetProperty(field.Property) ?? throw new InvalidOperationException($"{type.Name} has no property {field.Property}.");
        var subject = field.SubjectProperty is null ? null : type.GetProperty(field.SubjectProperty);
        if (field.SubjectProperty is not null && subject?.PropertyType != typeof(Guid))
            throw new InvalidOperationException($"{type.Name}.{field.SubjectProperty} must be a Guid to name the subject of {field.Property}.");
        var jsonName = _types.JsonOptions.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name;
        JsonNode? erased = property.PropertyType == typeof(string) ? JsonValue.Create(ErasedText)
            : typeof(IEnumerable).IsAssignableFrom(property.PropertyType) ? new JsonArray() : null;
        return new Field(jsonName, property, subject, erased);
    }

    // ------------------------------------------------------------------ writing

    /// <summary>The subjects whose keys writing these events needs.</summary>
    internal IReadOnlyCollection<Guid> SubjectsOf(IEnumerable<(Guid StreamId, object Event)> events)
    {
        var subjects = new HashSet<Guid>();
        foreach (var (streamId, e) in events)
            if (_fields.TryGetValue(e.GetType(), out var fields))
                foreach (var f in fields)
                    if (f.Property.GetValue(e) is not null) subjects.Add(SubjectOf(f, e, streamId));
        return subjects;
    }

    internal Task<IReadOnlyDictionary<Guid, SubjectKey>> KeysForWriteAsync(IReadOnlyCollection<Guid> subjects, CancellationToken ct) =>
        _keys.ForWriteAsync(subjects, ct);

    internal string Serialize(object e, Guid streamId, IReadOnlyDictionary<Guid, SubjectKey> keys)
    {
        if (!_fields.TryGetValue(e.GetType(), out var fields)) return _types.Serialize(e);
        var node = JsonSerializer.SerializeToNode(e, e.GetType(), _types.JsonOptions)!.AsObject();
        foreach (var f in fields)
        {
            if (node[f.JsonName] is not { } value) continue;
            var key = keys[SubjectOf(f, e, streamId)];
            node[f.JsonName] = key.Key is null
                ? $"{Prefix}{key.Subject:N}:0:"
                : $"{Prefix}{key.Subject:N}:{key.Generation}:{Convert.ToBase64String(MasterKeyRing.Seal(key.Key, Encoding.UTF8.GetBytes(value.ToJsonString()), Associated(key.Subject, key.Generation, f.JsonName)))}";
        }
        return node.ToJsonString();
    }

    private static Guid SubjectOf(Field f, object e, Guid streamId) => f.Subject is null ? streamId : (Guid)f.Subject.GetValue(e)!;

    // ------------------------------------------------------------------ reading

    /// <summary>A stored event's data before decryption; <see cref="Node"/> is set when it holds personal data.</summary>
    internal sealed class Pending(string typeName, string json)
    {
        public string TypeName { get; } = typeName;
        public string Json { get; } = json;
        public JsonObject? Node { get; set; }
        public List<(string Name, Guid Subject, int Generation, byte[]? Sealed)>? Envelopes { get; set; }
    }

    /// <summary>Finds the sealed values in a batch of rows, fetches their keys in one go, and opens them.</summary>
    internal async Task OpenAsync(IReadOnlyList<Pending> rows, CancellationToken ct)
    {
        var wanted = new HashSet<(Guid, int)>();
        foreach (var row in rows)
        {
            if (!row.Json.Contains(Prefix, StringComparison.Ordinal)) continue;
            var node = JsonNode.Parse(row.Json) as JsonObject;
            if (node is null) continue;
            // Only declared personal properties are opened (text elsewhere that looks like a sealed value
            // is left alone); for a retired type name read by an upcaster, every top-level property is.
            var type = _types.TypeOfName(row.TypeName);
            var declared = type is not null ? (_fields.TryGetValue(type, out var f) ? f.Select(x => x.JsonName).ToHashSet() : []) : null;
            foreach (var (name, value) in node)
                if ((declared is null || declared.Contains(name)) && value is JsonValue v && v.TryGetValue<string>(out var text) && TryParse(text, out var subject, out var generation, out var sealedValue))
                {
                    (row.Envelopes ??= []).Add((name, subject, generation, sealedValue));
                    if (generation > 0) wanted.Add((subject, generation));
                }
            if (row.Envelopes is not null) row.Node = node;
        }
        if (wanted.Count == 0 && rows.All(r => r.Envelopes is null)) return;
        var keys = wanted.Count == 0 ? new Dictionary<(Guid, int), byte[]?>() : await _keys.ForReadAsync(wanted, ct);
        foreach (var row in rows.Where(r => r.Envelopes is not null))
        {
            var type = _types.TypeOfName(row.TypeName);
            var fields = type is not null && _fields.TryGetValue(type, out var f) ? f : [];
            foreach (var (name, subject, generation, sealedValue) in row.Envelopes!)
            {
                var key = generation > 0 ? keys.GetValueOrDefault((subject, generation)) : null;
                row.Node![name] = key is null || sealedValue is null
                    ? fields.FirstOrDefault(x => x.JsonName == name)?.Erased?.DeepClone()
                    : JsonNode.Parse(MasterKeyRing.Open(key, sealedValue, Associated(subject, generation, name)));
            }
        }
    }

    private static bool TryParse(string text, out Guid subject, out int generation, out byte[]? sealedValue)
    {
        subject = default;
        generation = 0;
        sealedValue = null;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var parts = text.Split(':');
        if (parts.Length != 4 || !Guid.TryParseExact(parts[1], "N", out subject) || !int.TryParse(parts[2], out generation)) return false;
        if (generation == 0) return parts[3].Length == 0;
        try { sealedValue = Convert.FromBase64String(parts[3]); }
        catch (FormatException) { return false; }
        return true;
    }

    private static byte[] Associated(Guid subject, int generation, string jsonName) => Encoding.UTF8.GetBytes($"{subject:N}:{generation}:{jsonName}");
}
