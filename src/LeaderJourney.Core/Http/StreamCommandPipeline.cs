using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.EventStore;
using LeaderJourney.EventStore.PersonalData;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Store = LeaderJourney.EventStore.EventStore;


namespace LeaderJourney.Core.Http;

/// <summary>How a write was asked for: the If-Match version and the Idempotency-Key, when sent.</summary>
/// <param name="IdempotencyKey">A keyed hash (<see cref="RequestHashes"/>) of the Idempotency-Key header, when sent.</param>
/// <param name="RequestFingerprint">A keyed hash of the method, path and body.</param>
public sealed record WriteOptions(long? IfMatch, string? IdempotencyKey, string RequestFingerprint)
{
    public const int MaxIdempotencyKeyLength = 200;

    public static WriteOptions From(HttpRequest request, object body, RequestHashes hashes)
    {
        long? ifMatch = null;
        var header = request.Headers.IfMatch.ToString();
        if (header.Length > 0)
        {
            if (!long.TryParse(header.Trim().Trim('"').Replace("W/", "", StringComparison.Ordinal).Trim('"'), out var version))
                throw new RequestValidationException("If-Match", "If-Match takes the version from the leader's ETag, e.g. \"7\".");
            ifMatch = version;
        }
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length > MaxIdempotencyKeyLength)
            throw new RequestValidationException("Idempotency-Key", $"An Idempotency-Key has at most {MaxIdempotencyKeyLength} characters.");
        // Only a keyed hash of the request is kept with its answer: the body may hold a person's name.
        var fingerprint = $"{request.Method} {request.Path} {JsonSerializer.Serialize(body, body.GetType(), JsonSerializerOptions.Web)}";
        // The key is the client's own text (it may name someone): it is kept, and used as the events'
        // correlation id, only as a keyed hash.
        return new WriteOptions(ifMatch, key.Length == 0 ? null : hashes.Of(key), hashes.Of(fingerprint));
    }
}

/// <summary>
/// Keyed hashes (HMAC-SHA-256) of what a client sent, for the Idempotency-Key table, the sign-in
/// throttle and the email a single sign-on matches. Keyed, because a plain hash of a short body can be
/// guessed back by hashing every likely value (a demographics answer has only a few hundred). The key
/// is the installation's own (<see cref="SubjectKeys.InstallationKeyAsync"/>): kept in the database
/// wrapped by the master key, so a copy of the database alone cannot test guesses, and unchanged by a
/// master key rotation, so emails and answers stored before one are still found after it.
/// </summary>
public sealed class RequestHashes
{
    /// <summary>The id the key is kept under (no person's).</summary>
    public static readonly Guid KeyId = new("0e3c6a52-9d0f-4b7e-8a11-5f2d1c7b9e40");

    // Read on first use (a host has migrated by then); a database that is down then is tried again next time.
    private readonly Lazy<byte[]> _key;

    public RequestHashes(SubjectKeys keys) =>
        _key = new(() => Task.Run(() => keys.InstallationKeyAsync(KeyId)).GetAwaiter().GetResult(), LazyThreadSafetyMode.PublicationOnly);

    /// <summary>With a key of the caller's (tools that keep nothing, such as the benchmarks).</summary>
    public RequestHashes(byte[] key) => _key = new(() => key);

    public string Of(string text) => Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(text)));
}

/// <summary>Who sends a command and how they asked (If-Match, Idempotency-Key): set by the endpoint or the page, never read from a request body.</summary>
public sealed record Sender(CurrentUser Caller, WriteOptions Options);

/// <summary>
/// A write, sent through Wolverine (<c>IMessageBus.InvokeAsync&lt;Answer&gt;</c>, or
/// <see cref="StreamCommandBus"/> for the commands on Wolverine's aggregate handler workflow) by the API
/// and the pages alike; its handler sits with its use case. Commands are handled in the sending request, never
/// stored in Wolverine's tables, and never print their fields (a command may carry a person's name,
/// notes or a password); Wolverine's own log of a failed command is switched off
/// (<see cref="Hosting.Messaging.QuietCommandFailures"/>).
/// </summary>
public abstract record Command
{
    public required Sender Sender { get; init; }

    public sealed override string ToString() => Describe();

    /// <summary>What a log line may say of the command: its kind and ids, nothing a person wrote.</summary>
    protected virtual string Describe() => GetType().Name;
}

/// <summary>A write to one stream.</summary>
public abstract record StreamCommand(Guid StreamId) : Command
{
    /// <summary>
    /// The stream whose affiliate the command belongs to (<see cref="StreamCommandBus"/>): its own, unless
    /// its stream is kept beside another's (a leader's demographics belong to the leader's affiliate).
    /// </summary>
    public virtual Guid AffiliationStreamId => StreamId;

    protected override string Describe() => $"{GetType().Name} on stream {StreamId}";
}

public static class SenderOfRequest
{
    /// <summary>The signed-in caller and the request's If-Match and Idempotency-Key (a hash of <paramref name="body"/> is kept with its answer).</summary>
    public static Sender SenderOf(this HttpContext http, object body) =>
        new(http.CurrentUser(), WriteOptions.From(http.Request, body, http.RequestServices.GetRequiredService<RequestHashes>()));
}

/// <summary>What most writes to a stream answer: the stream's version after them, the next If-Match.</summary>
public sealed record VersionBody(long Version);

/// <summary>What a write that creates something answers (with its address in Location).</summary>
public sealed record CreatedBody(Guid Id);

/// <summary>The HTTP answer to a write: kept under its Idempotency-Key, so a repeat answers the same.</summary>
public sealed record Answer(int Status, object Body, string? Location = null) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        if (Location is not null) http.Response.Headers.Location = Location;
        return Status == StatusCodes.Status204NoContent ? Results.NoContent().ExecuteAsync(http) : Results.Json(Body, statusCode: Status).ExecuteAsync(http);
    }
}

/// <summary>What a use case decided on a stream's history: the events to append at the version it read, and the answer.</summary>
/// <param name="DecidedOnVersion">The stream's version the decision was made on; 0 starts a new stream of <paramref name="StreamType"/>.</param>
/// <param name="Tenant">The stream's affiliate: the Marten session the write goes through belongs to it.</param>
/// <param name="InTransaction">Other writes that must commit or roll back with the events (e.g. shredding keys), queued on the write's Marten session.</param>
public sealed record StreamDecision(long DecidedOnVersion, string StreamType, string Tenant, IReadOnlyList<object> Events, Answer Answer,
    Func<IDocumentSession, CancellationToken, Task>? InTransaction = null);

/// <summary>
/// A first try at a write lost a race (no If-Match was sent): the command is decided once more, on the
/// new history, holding the stream's row lock, so it cannot lose again. Nobody sees it as an error.
/// </summary>
public sealed class StreamChangedWhileDeciding(Guid streamId, Exception inner)
    : Exception($"Stream {streamId} changed while the command was decided; it is decided again on the new history.", inner);

/// <summary>
/// The commands not yet on Wolverine's aggregate handler workflow (the leaders', see
/// docs/architecture.md) write to their stream through here: the use case reads the history and
/// decides on it (loading only what the caller may see), If-Match is checked, and a Marten session for
/// the stream's affiliate appends the events at the version they were decided on (Marten's append
/// function refuses them if the stream moved meanwhile) and stores the answer under the Idempotency-Key
/// in the same transaction. On a version conflict without If-Match, Wolverine runs the handler again
/// (<see cref="StreamChangedWhileDeciding"/>) and the command is decided once more, on the new history,
/// after Marten's exclusive append has locked the stream's row: the decision is re-made, never
/// replayed, so nothing appended meanwhile is overwritten or ignored, and however many writers pile onto
/// one stream none is lost. With If-Match the caller asserted what they saw, so a conflict is a 409.
/// </summary>
public sealed class StreamCommandPipeline(Store store, IdempotentAnswers answers, TimeProvider clock)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    public Task<Answer> RunAsync(Guid streamId, CurrentUser caller, WriteOptions options,
        Func<IReadOnlyList<StoredEvent>, Task<StreamDecision>> decide, int attempt, CancellationToken ct) =>
        RunAsync(streamId, caller, options, async locked => await decide(await store.ReadStreamAsync(streamId, ct: ct, within: locked)), attempt, ct);

    /// <summary>
    /// The same, for a use case that reads what it decides on itself (a snapshot and the events after it,
    /// say). On a retried attempt <paramref name="decide"/> is given the session that holds the stream's
    /// lock, to read through: its connection is already taken, and the writers queued behind the lock
    /// each hold one of the pool's; otherwise null.
    /// </summary>
    /// <param name="attempt">
    /// Wolverine's attempt at the message this write handles (<c>Envelope.Attempts</c>): a first attempt
    /// that loses a race throws <see cref="StreamChangedWhileDeciding"/> and Wolverine's retry policy
    /// (<see cref="Hosting.Messaging"/>) runs the handler again, which then holds the stream's row lock.
    /// </param>
    public async Task<Answer> RunAsync(Guid streamId, CurrentUser caller, WriteOptions options,
        Func<IDocumentSession?, Task<StreamDecision>> decide, int attempt, CancellationToken ct)
    {
        var sender = new Sender(caller, options);
        if (await answers.FindAsync(sender, ct) is { } stored) return stored;
        return await TryAsync(streamId, sender, decide, lockFirst: attempt > 1, ct);
    }

    private async Task<Answer> TryAsync(Guid streamId, Sender sender,
        Func<IDocumentSession?, Task<StreamDecision>> decide, bool lockFirst, CancellationToken ct)
    {
        var (caller, options) = (sender.Caller, sender.Options);
        var metadata = new AppendMetadata { UserName = caller.UserId.ToString(), CorrelationId = options.IdempotencyKey };
        IDocumentSession? session = null;
        try
        {
            // The locked attempt holds the stream's row from before it reads: the stream cannot move under it.
            if (lockFirst && await store.FetchStreamInfoAsync(streamId, ct) is { } stream)
            {
                session = store.OpenWriteSession(stream.TenantId, metadata);
                if (!await store.LockStreamAsync(session, streamId, ct)) throw new StreamNotFoundException(streamId);
            }
            var decision = await decide(session);
            if (options.IfMatch is { } expected && expected != decision.DecidedOnVersion)
                throw new ConcurrencyException(streamId, expected, decision.DecidedOnVersion);
            if (decision.Events.Count == 0 && decision.InTransaction is null && options.IdempotencyKey is null) return decision.Answer;

            session ??= store.OpenWriteSession(decision.Tenant, metadata);
            // The exclusive append's placeholder goes when there is nothing to append; the lock stays until the end.
            if (decision.Events.Count == 0) session.EjectAllPendingChanges();
            else if (decision.DecidedOnVersion == 0) store.StartStream(session, streamId, decision.StreamType, decision.Events);
            else store.Append(session, streamId, decision.DecidedOnVersion, decision.Events);
            if (decision.InTransaction is { } also) await also(session, ct);
            answers.Queue(session, sender, streamId, decision.Answer);
            try
            {
                await store.SaveAsync(session, ct);
            }
            catch (Exception e) when (IdempotentAnswers.IsTaken(e))
            {
                // The same key won a race in another request: its answer stands, this append is dropped.
                return (await answers.FindAsync(sender, ct))!;
            }
            return decision.Answer;
        }
        catch (Exception e) when (e is ConcurrencyException or StreamAlreadyExistsException && options.IfMatch is null && !lockFirst)
        {
            throw new StreamChangedWhileDeciding(streamId, e);
        }
        finally
        {
            if (session is not null) await session.DisposeAsync();
        }
    }
}
