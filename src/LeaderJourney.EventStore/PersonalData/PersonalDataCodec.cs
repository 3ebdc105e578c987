using System.Buffers;
using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

    private enum ErasedShape { Null, Text, List }

    private sealed record Field(string JsonName, PropertyInfo Property, PropertyInfo? Subject, ErasedShape Erased);

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
        var erased = property.PropertyType == typeof(string) ? ErasedShape.Text
            : typeof(IEnumerable).IsAssignableFrom(property.PropertyType) ? ErasedShape.List : ErasedShape.Null;
        return new Field(jsonName, property, subject, erased);
    }

    // ------------------------------------------------------------------ writing

    /// <summary>Whether events of this type carry personal data (and so must be sealed before they are stored).</summary>
    public bool HoldsPersonalData(Type eventType) => _fields.ContainsKey(eventType);

    /// <summary>
    /// The JSON of each event as it is stored: its personal values sealed under the subject's key (made
    /// when missing), for a writer that serializes on its own (Marten's session and bulk paths).
    /// </summary>
    public async Task<IReadOnlyList<string>> SealAsync(IReadOnlyList<(Guid StreamId, object Event)> events, CancellationToken ct = default)
    {
        var subjects = SubjectsOf(events);
        var keys = subjects.Count == 0 ? new Dictionary<Guid, SubjectKey>() : await KeysForWriteAsync(subjects, ct);
        using var sealer = Seal(keys);
        return events.Select(e => sealer.Serialize(e.Event, e.StreamId)).ToList();
    }

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

    /// <summary>Seals the personal values of the events of one write; call <see cref="Sealer.Serialize"/> per event, then dispose.</summary>
    internal Sealer Seal(IReadOnlyDictionary<Guid, SubjectKey> keys) => new(this, keys);

    internal sealed class Sealer(PersonalDataCodec codec, IReadOnlyDictionary<Guid, SubjectKey> keys) : IDisposable
    {
        // One cipher per key for the whole write: setting one up costs more than sealing a short value.
        private readonly Dictionary<(Guid, int), AesGcm> _ciphers = new();

        public string Serialize(object e, Guid streamId)
        {
            var type = e.GetType();
            if (!codec._fields.TryGetValue(type, out var fields)) return codec._types.Serialize(e);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(e, type, codec._types.JsonOptions);
            using var document = JsonDocument.Parse(bytes);
            var buffer = new ArrayBufferWriter<byte>(bytes.Length * 2);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var field = Array.Find(fields, f => property.NameEquals(f.JsonName));
                    if (field is null || property.Value.ValueKind == JsonValueKind.Null)
                    {
                        property.WriteTo(writer);
                        continue;
                    }
                    writer.WriteString(property.Name, SealValue(keys[SubjectOf(field, e, streamId)], JsonMarshal.GetRawUtf8Value(property.Value), field.JsonName));
                }
                writer.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        /// <summary>One JSON value sealed as <c>pd1:&lt;subject&gt;:&lt;generation&gt;:&lt;base64&gt;</c>, bound to <paramref name="jsonName"/>.</summary>
        public string SealValue(SubjectKey key, ReadOnlySpan<byte> json, string jsonName) => key.Key is null
            ? $"{Prefix}{key.Subject:N}:0:"
            : $"{Prefix}{key.Subject:N}:{key.Generation}:{Convert.ToBase64String(Seal(key, json, jsonName))}";

        private byte[] Seal(SubjectKey key, ReadOnlySpan<byte> plaintext, string jsonName)
        {
            if (!_ciphers.TryGetValue((key.Subject, key.Generation), out var cipher))
                _ciphers[(key.Subject, key.Generation)] = cipher = new AesGcm(key.Key!, TagSize);
            // Padded with JSON white space to a multiple of PadTo bytes: the length of a sealed value must
            // not tell "man" from "woman", or one race from another.
            var padded = new byte[(plaintext.Length / PadTo + 1) * PadTo];
            plaintext.CopyTo(padded);
            padded.AsSpan(plaintext.Length).Fill((byte)' ');
            var output = new byte[NonceSize + padded.Length + TagSize];
            var nonce = output.AsSpan(0, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            cipher.Encrypt(nonce, padded, output.AsSpan(NonceSize, padded.Length), output.AsSpan(NonceSize + padded.Length), Associated(key.Subject, key.Generation, jsonName));
            return output;
        }

        public void Dispose()
        {
            foreach (var cipher in _ciphers.Values) cipher.Dispose();
        }
    }

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int PadTo = 64;

    private static Guid SubjectOf(Field f, object e, Guid streamId) => f.Subject is null ? streamId : (Guid)f.Subject.GetValue(e)!;

    // ------------------------------------------------------------------ reading

    /// <summary>A stored event's data; <see cref="Opened"/> is set when it held sealed values, with them opened (or erased).</summary>
    internal sealed class Pending(string typeName, string json)
    {
        public string TypeName { get; } = typeName;
        public string Json { get; } = json;
        public string? Opened { get; set; }
        public string Data => Opened ?? Json;
    }

    private sealed record Envelope(Guid Subject, int Generation, byte[]? Sealed);

    /// <summary>One stored event's JSON with its sealed values opened (or read as erased), for a reader that deserializes on its own.</summary>
    public async Task<string> OpenAsync(string typeName, string json, CancellationToken ct = default)
    {
        var row = new Pending(typeName, json);
        await OpenAsync([row], ct);
        return row.Data;
    }

    /// <summary>Finds the sealed values in a batch of rows, fetches their keys in one go, and opens them.</summary>
    internal async Task OpenAsync(IReadOnlyList<Pending> rows, CancellationToken ct)
    {
        var found = new List<(Pending Row, Field[] Fields, JsonDocument Document, Dictionary<string, Envelope> Envelopes)>();
        var wanted = new HashSet<(Guid, int)>();
        foreach (var row in rows)
        {
            if (!row.Json.Contains(Prefix, StringComparison.Ordinal)) continue;
            // Only declared personal properties are opened (text elsewhere that looks like a sealed value
            // is left alone); for a retired type name read by an upcaster, every top-level property is.
            var type = _types.TypeOfSealedName(row.TypeName);
            var fields = type is not null && _fields.TryGetValue(type, out var f) ? f : [];
            if (type is not null && fields.Length == 0) continue;
            var document = JsonDocument.Parse(row.Json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                continue;
            }
            Dictionary<string, Envelope>? envelopes = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (type is not null && Array.Find(fields, x => property.NameEquals(x.JsonName)) is null) continue;
                if (property.Value.ValueKind == JsonValueKind.String && TryParse(property.Value.GetString()!, out var envelope))
                {
                    (envelopes ??= new Dictionary<string, Envelope>(StringComparer.Ordinal))[property.Name] = envelope;
                    if (envelope.Generation > 0) wanted.Add((envelope.Subject, envelope.Generation));
                }
            }
            if (envelopes is not null) found.Add((row, fields, document, envelopes));
            else document.Dispose();
        }
        if (found.Count == 0) return;

        var ciphers = new Dictionary<(Guid, int), AesGcm>();
        try
        {
            var keys = wanted.Count == 0 ? new Dictionary<(Guid, int), byte[]?>() : await _keys.ForReadAsync(wanted, ct);
            foreach (var (row, fields, document, envelopes) in found) row.Opened = Open(document, row.Json.Length, fields, envelopes, keys, ciphers);
        }
        finally
        {
            foreach (var cipher in ciphers.Values) cipher.Dispose();
            foreach (var f in found) f.Document.Dispose();
        }
    }

    private static string Open(JsonDocument document, int length, Field[] fields, Dictionary<string, Envelope> envelopes,
        IReadOnlyDictionary<(Guid, int), byte[]?> keys, Dictionary<(Guid, int), AesGcm> ciphers)
    {
        var buffer = new ArrayBufferWriter<byte>(length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!envelopes.TryGetValue(property.Name, out var envelope))
                {
                    property.WriteTo(writer);
                    continue;
                }
                writer.WritePropertyName(property.Name);
                var id = (envelope.Subject, envelope.Generation);
                if (envelope.Sealed is { } sealedValue && keys.GetValueOrDefault(id) is { } key)
                {
                    if (!ciphers.TryGetValue(id, out var cipher)) ciphers[id] = cipher = new AesGcm(key, TagSize);
                    writer.WriteRawValue(Decrypt(cipher, envelope, sealedValue, property.Name), skipInputValidation: true);
                }
                else
                {
                    switch (Array.Find(fields, f => f.JsonName == property.Name)?.Erased)
                    {
                        case ErasedShape.Text: writer.WriteStringValue(ErasedText); break;
                        case ErasedShape.List: writer.WriteStartArray(); writer.WriteEndArray(); break;
                        default: writer.WriteNullValue(); break;
                    }
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ReadOnlySpan<byte> Decrypt(AesGcm cipher, Envelope envelope, byte[] sealedValue, string jsonName)
    {
        var plaintext = new byte[sealedValue.Length - NonceSize - TagSize];
        cipher.Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize, plaintext.Length), sealedValue.AsSpan(NonceSize + plaintext.Length),
            plaintext, Associated(envelope.Subject, envelope.Generation, jsonName));
        return plaintext.AsSpan().TrimEnd((byte)' ');
    }

    private static bool TryParse(string text, out Envelope envelope)
    {
        envelope = null!;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var parts = text.Split(':');
        if (parts.Length != 4 || !Guid.TryParseExact(parts[1], "N", out var subject) || !int.TryParse(parts[2], out var generation)) return false;
        if (generation == 0)
        {
            envelope = new Envelope(subject, 0, null);
            return parts[3].Length == 0;
        }
        try { envelope = new Envelope(subject, generation, Convert.FromBase64String(parts[3])); }
        catch (FormatException) { return false; }
        return envelope.Sealed!.Length >= NonceSize + TagSize;
    }

    private static byte[] Associated(Guid subject, int generation, string jsonName) => Encoding.UTF8.GetBytes($"{subject:N}:{generation}:{jsonName}");
}
