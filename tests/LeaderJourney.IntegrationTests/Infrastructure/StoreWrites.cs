using JasperFx.Events;
using LeaderJourney.Storage;
using Marten;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <param name="Version">The stream's version after the append.</param>
/// <param name="FirstSequence">Global sequence of the first appended event.</param>
/// <param name="LastSequence">Global sequence of the last appended event.</param>
public sealed record AppendResult(Guid StreamId, long Version, long FirstSequence, long LastSequence);

/// <summary>
/// Puts events in place for a test or a benchmark with Marten's own session API, as the product's
/// handlers do (they write through the session Wolverine gives them): a Marten session of the
/// affiliate, a stream started with its registered kind, an append with its expected version. Marten's
/// refusals come as Marten throws them. (Also compiled into the benchmarks.)
/// </summary>
public static class StoreWrites
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    /// <summary>A Marten session of <paramref name="tenant"/>, stamping its events with the metadata's writer, correlation and headers.</summary>
    public static IDocumentSession OpenWriteSession(this Store store, string tenant, AppendMetadata? metadata = null)
    {
        metadata ??= AppendMetadata.None;
        var session = store.Marten.LightweightSession(tenant);
        session.CorrelationId = metadata.CorrelationId;
        session.CausationId = metadata.CausationId;
        session.LastModifiedBy = metadata.UserName;
        foreach (var (key, value) in metadata.Headers ?? NoHeaders) session.SetHeader(key, value);
        return session;
    }

    /// <summary>Starts a stream of a registered kind (an unregistered one is refused here) in the session.</summary>
    public static StreamAction StartStream(this Store store, IDocumentSession session, Guid streamId, string kind, IReadOnlyList<object> events) =>
        session.Events.StartStream(store.Types.StreamKindType(kind), streamId, events.ToArray());

    /// <summary>Appends to a stream Marten then finds at <paramref name="decidedOnVersion"/> or refuses.</summary>
    public static StreamAction Append(this IDocumentSession session, Guid streamId, long decidedOnVersion, IReadOnlyList<object> events) =>
        session.Events.Append(streamId, decidedOnVersion + events.Count, events.ToArray());

    public static Task<AppendResult> StartStreamAsync(this Store store, Guid streamId, string kind, IReadOnlyList<object> events, AppendMetadata? metadata = null) =>
        WriteOneAsync(store, metadata, session => store.StartStream(session, streamId, kind, events));

    public static Task<AppendResult> AppendAsync(this Store store, Guid streamId, long expectedVersion, IReadOnlyList<object> events, AppendMetadata? metadata = null) =>
        WriteOneAsync(store, metadata, session => session.Append(streamId, expectedVersion, events));

    /// <summary>
    /// One write in a session of its own; tried again, as Wolverine tries the product's commands
    /// (`Messaging`), when it met a read model switching generations under it.
    /// </summary>
    private static async Task<AppendResult> WriteOneAsync(Store store, AppendMetadata? metadata, Func<IDocumentSession, StreamAction> add)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.OpenWriteSession((metadata ?? AppendMetadata.None).TenantId, metadata);
            var action = add(session);
            try
            {
                await session.SaveChangesAsync();
            }
            catch (Exception e) when (attempt < 4 && Store.GenerationsChangedDuring(e))
            {
                continue;
            }
            return new AppendResult(action.Id, action.Events[^1].Version, action.Events[0].Sequence, action.Events[^1].Sequence);
        }
    }
}
