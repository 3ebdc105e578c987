using System.Buffers;
using System.Collections;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LeaderJourney.Storage.PersonalData;

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
    /// The UTF-8 JSON of each event as it is stored: its personal values sealed under the subject's key
    /// (made when missing), for a writer that serializes on its own (Marten's session and bulk paths).
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> SealAsync(IReadOnlyList<(Guid StreamId, object Event)> events, CancellationToken ct = default)
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

        /// <summary>
        /// The event's JSON with each personal value replaced by its sealed text, spliced into the
        /// serializer's UTF-8 output: the rest of the document (most of a stored leader) is copied as
        /// it is, never parsed into a tree and written again.
        /// </summary>
        public byte[] Serialize(object e, Guid streamId)
        {
            var type = e.GetType();
            var json = JsonSerializer.SerializeToUtf8Bytes(e, type, codec._types.JsonOptions);
            if (!codec._fields.TryGetValue(type, out var fields)) return json;
            var output = new ArrayBufferWriter<byte>(json.Length + 256);
            var copied = 0;
            foreach (var value in TopLevelValues(json, fields))
            {
                if (value.Kind == JsonTokenType.Null) continue;
                output.Write(json.AsSpan(copied, value.Start - copied));
                WriteSealed(output, keys[SubjectOf(value.Field!, e, streamId)], json.AsSpan(value.Start, value.End - value.Start), value.Field!.JsonName);
                copied = value.End;
            }
            output.Write(json.AsSpan(copied));
            return output.WrittenSpan.ToArray();
        }

        /// <summary>One JSON value sealed as the JSON string <c>"pd1:&lt;subject&gt;:&lt;generation&gt;:&lt;base64&gt;"</c>, bound to <paramref name="jsonName"/>.</summary>
        private void WriteSealed(ArrayBufferWriter<byte> output, SubjectKey key, ReadOnlySpan<byte> json, string jsonName)
        {
            var generation = key.Key is null ? 0 : key.Generation;
            var text = key.Key is null
                ? $"\"{Prefix}{key.Subject:N}:0:\""
                : $"\"{Prefix}{key.Subject:N}:{generation}:{Convert.ToBase64String(Seal(key, json, jsonName))}\"";
            // Base64, hex and digits need no escaping inside a JSON string.
            Encoding.UTF8.GetBytes(text, output);
        }

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

    /// <summary>Where one top-level property's value lies in a JSON object's bytes, and which personal field it is.</summary>
    private readonly record struct ValueAt(Field? Field, string Name, int Start, int End, JsonTokenType Kind, Envelope? Envelope);

    /// <summary>
    /// The values of a JSON object's top-level properties that are among <paramref name="fields"/> (all of
    /// them when null), with the sealed envelope a string value holds, if any. Nested values are skipped
    /// whole. Empty when the JSON is not an object.
    /// </summary>
    private static List<ValueAt> TopLevelValues(ReadOnlySpan<byte> json, Field[]? fields)
    {
        var found = new List<ValueAt>();
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return found;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Field? field = null;
            if (fields is not null)
                foreach (var f in fields)
                    if (reader.ValueTextEquals(f.JsonName)) { field = f; break; }
            var name = field?.JsonName ?? (fields is null ? reader.GetString()! : "");
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            var kind = reader.TokenType;
            Envelope? envelope = null;
            if (kind == JsonTokenType.String && (fields is null || field is not null))
                envelope = reader.ValueIsEscaped ? TryParse(Encoding.UTF8.GetBytes(reader.GetString()!)) : TryParse(reader.ValueSpan);
            reader.Skip();
            if (fields is null || field is not null) found.Add(new ValueAt(field, name, start, (int)reader.BytesConsumed, kind, envelope));
        }
        return found;
    }

    // ------------------------------------------------------------------ reading

    /// <summary>A stored event's UTF-8 JSON; <see cref="Opened"/> is set when it held sealed values, with them opened (or erased).</summary>
    internal sealed class Pending(string typeName, ReadOnlyMemory<byte> json)
    {
        public string TypeName { get; } = typeName;
        public ReadOnlyMemory<byte> Json { get; } = json;
        public ReadOnlyMemory<byte>? Opened { get; set; }
        public ReadOnlyMemory<byte> Data => Opened ?? Json;
    }

    private sealed record Envelope(Guid Subject, int Generation, byte[]? Sealed);

    /// <summary>One stored event's UTF-8 JSON with its sealed values opened (or read as erased), for a reader that deserializes on its own.</summary>
    public async Task<ReadOnlyMemory<byte>> OpenAsync(string typeName, ReadOnlyMemory<byte> json, CancellationToken ct = default)
    {
        var row = new Pending(typeName, json);
        await OpenAsync([row], ct);
        return row.Data;
    }

    /// <summary>Finds the sealed values in a batch of rows, fetches their keys in one go, and opens them.</summary>
    internal async Task OpenAsync(IReadOnlyList<Pending> rows, CancellationToken ct)
    {
        var found = new List<(Pending Row, Field[] Fields, List<ValueAt> Sealed)>();
        var wanted = new HashSet<(Guid, int)>();
        foreach (var row in rows)
        {
            if (row.Json.Span.IndexOf(PrefixUtf8) < 0) continue;
            // Only declared personal properties are opened (text elsewhere that looks like a sealed value
            // is left alone); for a retired type name read by an upcaster, every top-level property is.
            var type = _types.TypeOfSealedName(row.TypeName);
            var fields = type is not null && _fields.TryGetValue(type, out var f) ? f : [];
            if (type is not null && fields.Length == 0) continue;
            var values = TopLevelValues(row.Json.Span, type is null ? null : fields);
            values.RemoveAll(v => v.Envelope is null);
            if (values.Count == 0) continue;
            foreach (var v in values)
                if (v.Envelope!.Generation > 0) wanted.Add((v.Envelope.Subject, v.Envelope.Generation));
            found.Add((row, fields, values));
        }
        if (found.Count == 0) return;

        var ciphers = new Dictionary<(Guid, int), AesGcm>();
        try
        {
            var keys = wanted.Count == 0 ? new Dictionary<(Guid, int), byte[]?>() : await _keys.ForReadAsync(wanted, ct);
            foreach (var (row, fields, values) in found) row.Opened = Open(row.Json.Span, fields, values, keys, ciphers);
        }
        finally
        {
            foreach (var cipher in ciphers.Values) cipher.Dispose();
        }
    }

    private static readonly byte[] ErasedTextJson = Encoding.UTF8.GetBytes($"\"{ErasedText}\"");

    /// <summary>The row's JSON with each sealed value replaced by its plaintext JSON, or by the erased shape of its field.</summary>
    private static ReadOnlyMemory<byte> Open(ReadOnlySpan<byte> json, Field[] fields, List<ValueAt> values,
        IReadOnlyDictionary<(Guid, int), byte[]?> keys, Dictionary<(Guid, int), AesGcm> ciphers)
    {
        var output = new ArrayBufferWriter<byte>(json.Length);
        var copied = 0;
        foreach (var value in values)
        {
            output.Write(json[copied..value.Start]);
            var envelope = value.Envelope!;
            var id = (envelope.Subject, envelope.Generation);
            if (envelope.Sealed is { } sealedValue && keys.GetValueOrDefault(id) is { } key)
            {
                if (!ciphers.TryGetValue(id, out var cipher)) ciphers[id] = cipher = new AesGcm(key, TagSize);
                output.Write(Decrypt(cipher, envelope, sealedValue, value.Name));
            }
            else
            {
                output.Write((value.Field ?? Array.Find(fields, f => f.JsonName == value.Name))?.Erased switch
                {
                    ErasedShape.Text => ErasedTextJson,
                    ErasedShape.List => "[]"u8,
                    _ => "null"u8,
                });
            }
            copied = value.End;
        }
        output.Write(json[copied..]);
        return output.WrittenMemory;
    }

    private static ReadOnlySpan<byte> Decrypt(AesGcm cipher, Envelope envelope, byte[] sealedValue, string jsonName)
    {
        var plaintext = new byte[sealedValue.Length - NonceSize - TagSize];
        cipher.Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize, plaintext.Length), sealedValue.AsSpan(NonceSize + plaintext.Length),
            plaintext, Associated(envelope.Subject, envelope.Generation, jsonName));
        return plaintext.AsSpan().TrimEnd((byte)' ');
    }

    private static ReadOnlySpan<byte> PrefixUtf8 => "pd1:"u8;

    /// <summary>The envelope a JSON string's UTF-8 text holds, or null when it is not one.</summary>
    private static Envelope? TryParse(ReadOnlySpan<byte> text)
    {
        if (!text.StartsWith(PrefixUtf8)) return null;
        text = text[PrefixUtf8.Length..];
        if (!System.Buffers.Text.Utf8Parser.TryParse(text, out Guid subject, out var used, 'N') || used != 32 || text.Length <= used || text[used] != ':') return null;
        text = text[(used + 1)..];
        if (!System.Buffers.Text.Utf8Parser.TryParse(text, out int generation, out used) || text.Length <= used || text[used] != ':') return null;
        var payload = text[(used + 1)..];
        if (generation == 0) return payload.Length == 0 ? new Envelope(subject, 0, null) : null;
        var sealedValue = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(payload.Length)];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(payload, sealedValue, out var read, out var written) != OperationStatus.Done || read != payload.Length) return null;
        return written >= NonceSize + TagSize ? new Envelope(subject, generation, sealedValue[..written]) : null;
    }

    private static byte[] Associated(Guid subject, int generation, string jsonName) => Encoding.UTF8.GetBytes($"{subject:N}:{generation}:{jsonName}");
}
