using System.Buffers;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using LeaderJourney.Storage;
using LeaderJourney.Storage.PersonalData;
using Marten;
using Marten.Services;
using Npgsql;

namespace LeaderJourney.Storage.PersonalData;

/// <summary>
/// Marten's serializer with LeaderJourney's per-subject encryption (docs/privacy.md): an event that
/// carries personal data is written as the JSON the codec sealed for it before the write (see
/// <see cref="SealPersonalData"/> and <see cref="SealAsync"/>), and read back with its sealed values
/// opened, or read as erased once the subject's key is shredded. An event with personal data that was
/// not sealed first is refused rather than written in plain text. Everything else is Marten's own
/// System.Text.Json serializer. Ours because Marten has per-subject keys neither for writing nor for
/// erasure (its masking rewrites rows in place, which leaves the values in WAL and backups).
/// </summary>
public sealed class SealingSerializer(Marten.Services.SystemTextJsonSerializer inner, PersonalDataCodec codec, EventTypeRegistry types) : Marten.ISerializer
{
    // The sealed UTF-8 JSON of each event object about to be written, by reference; dropped with the object.
    private readonly ConditionalWeakTable<object, byte[]> _sealed = new();

    /// <summary>Seals the personal values of these events (each with its stream) so that writing them stores the sealed JSON.</summary>
    public async Task SealAsync(IReadOnlyList<(Guid StreamId, object Event)> events, CancellationToken ct = default)
    {
        var personal = events.Where(e => codec.HoldsPersonalData(e.Event.GetType()) && !_sealed.TryGetValue(e.Event, out _)).ToList();
        if (personal.Count == 0) return;
        var json = await codec.SealAsync(personal, ct);
        for (var i = 0; i < personal.Count; i++) _sealed.AddOrUpdate(personal[i].Event, json[i]);
    }

    private byte[]? SealedJsonOf(object value)
    {
        if (!codec.HoldsPersonalData(value.GetType())) return null;
        return _sealed.TryGetValue(value, out var json)
            ? json
            : throw new InvalidOperationException($"{value.GetType().Name} carries personal data and was not sealed before the write; nothing was written in plain text.");
    }

    public string ToJson(object? document) => document is not null && SealedJsonOf(document) is { } json ? Encoding.UTF8.GetString(json) : inner.ToJson(document!);

    public void WriteTo(IBufferWriter<byte> writer, object? value)
    {
        if (value is not null && SealedJsonOf(value) is { } json) writer.Write(json);
        else inner.WriteTo(writer, value!);
    }

    public string ToCleanJson(object? document) => ToJson(document);

    public void WriteToCleanJson(IBufferWriter<byte> writer, object? value) => WriteTo(writer, value);

    public string ToJsonWithTypes(object document) => SealedJsonOf(document) is { } json ? Encoding.UTF8.GetString(json) : inner.ToJsonWithTypes(document);

    public void WriteToJsonWithTypes(IBufferWriter<byte> writer, object value)
    {
        if (SealedJsonOf(value) is { } json) writer.Write(json);
        else inner.WriteToJsonWithTypes(writer, value);
    }

    public void WriteToParameter(NpgsqlParameter parameter, object? value)
    {
        if (value is not null && SealedJsonOf(value) is { } json)
        {
            // As Marten's own serializer types it: a document's column takes no text. Npgsql sends the
            // UTF-8 bytes as the jsonb's text.
            parameter.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb;
            parameter.Value = json;
        }
        else inner.WriteToParameter(parameter, value);
    }

    public void WriteToParameter(DbParameter parameter, object? value)
    {
        if (parameter is NpgsqlParameter npgsql) WriteToParameter(npgsql, value);
        else if (value is not null && SealedJsonOf(value) is { } json) parameter.Value = Encoding.UTF8.GetString(json);
        else ((Weasel.Storage.IStorageSerializer)inner).WriteToParameter(parameter, value);
    }

    // ------------------------------------------------------------------ reading

    public T FromJson<T>(Stream stream) => (T)FromJson(typeof(T), stream);

    public T FromJson<T>(DbDataReader reader, int index) => (T)FromJson(typeof(T), reader, index);

    public object FromJson(Type type, Stream stream)
    {
        if (!codec.HoldsPersonalData(type)) return inner.FromJson(type, stream);
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return Open(type, bytes.GetBuffer().AsMemory(0, (int)bytes.Length));
    }

    // jsonb read as bytes is its UTF-8 text (Npgsql leaves out the format's version byte).
    public object FromJson(Type type, DbDataReader reader, int index) =>
        codec.HoldsPersonalData(type) ? Open(type, reader.GetFieldValue<byte[]>(index)) : inner.FromJson(type, reader, index);

    public async ValueTask<T> FromJsonAsync<T>(Stream stream, CancellationToken cancellationToken = default) =>
        (T)await FromJsonAsync(typeof(T), stream, cancellationToken);

    public async ValueTask<T> FromJsonAsync<T>(DbDataReader reader, int index, CancellationToken cancellationToken = default) =>
        (T)await FromJsonAsync(typeof(T), reader, index, cancellationToken);

    public async ValueTask<object> FromJsonAsync(Type type, Stream stream, CancellationToken cancellationToken = default)
    {
        if (!codec.HoldsPersonalData(type)) return await inner.FromJsonAsync(type, stream, cancellationToken);
        using var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes, cancellationToken);
        return await OpenAsync(type, bytes.GetBuffer().AsMemory(0, (int)bytes.Length), cancellationToken);
    }

    public async ValueTask<object> FromJsonAsync(Type type, DbDataReader reader, int index, CancellationToken cancellationToken = default) =>
        codec.HoldsPersonalData(type)
            ? await OpenAsync(type, await reader.GetFieldValueAsync<byte[]>(index, cancellationToken), cancellationToken)
            : await inner.FromJsonAsync(type, reader, index, cancellationToken);

    // Marten's synchronous read paths: the key lookup is cached per subject (SubjectKeys), so this
    // blocks on the database only the first time a subject is read in a while.
    private object Open(Type type, ReadOnlyMemory<byte> json) => OpenAsync(type, json, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    // UTF-8 from the row to the deserializer: no string of the document is made on the way.
    private async ValueTask<object> OpenAsync(Type type, ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        var opened = await codec.OpenAsync(types.SealedNameOf(type), json, ct);
        return System.Text.Json.JsonSerializer.Deserialize(opened.Span, type, types.JsonOptions)!;
    }

    public Weasel.Core.EnumStorage EnumStorage => inner.EnumStorage;
    public Weasel.Core.Casing Casing => inner.Casing;
    public ValueCasting ValueCasting => inner.ValueCasting;
}

/// <summary>
/// Seals the personal values of every event a session is about to write, and of every personal
/// document it stores (the leader the commands decide on, written by Marten's inline projection before the
/// listeners run), before Marten serializes them.
/// </summary>
public sealed class SealPersonalData(SealingSerializer serializer) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var events = session.PendingChanges.Streams().SelectMany(s => s.Events.Select(e => (s.Id, e.Data)));
        // A document's subject is one of its own properties (its id): no stream to name.
        var documents = session.PendingChanges.Updates().Concat(session.PendingChanges.Inserts()).Select(d => (Guid.Empty, d));
        return serializer.SealAsync(events.Concat(documents).ToList(), token);
    }
}
