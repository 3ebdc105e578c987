using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Storage.PersonalData;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;


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
public sealed record Sender(CurrentUser Caller, WriteOptions Options)
{
    /// <summary>The caller's token, when the request did not look it up and the command's write checks it (<see cref="TokenChecks"/>).</summary>
    public TokenToCheck? Token { get; init; }
}

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

    /// <summary>For a command that starts its stream (an enrolment): the affiliate the new stream belongs to, which the message is sent for.</summary>
    public virtual string? NewStreamAffiliate => null;

    /// <summary>What a command on a stream that is not there answers (a 404).</summary>
    public virtual string Missing => $"There is no {StreamId}.";

    protected override string Describe() => $"{GetType().Name} on stream {StreamId}";
}

public static class SenderOfRequest
{
    /// <summary>The signed-in caller and the request's If-Match and Idempotency-Key (a hash of <paramref name="body"/> is kept with its answer).</summary>
    public static Sender SenderOf(this HttpContext http, object body) =>
        new(http.CurrentUser(), WriteOptions.From(http.Request, body, http.RequestServices.GetRequiredService<RequestHashes>()))
        {
            Token = http.Features.Get<TokenToCheck>(),
        };
}

/// <summary>What most writes to a stream answer: the stream's version after them, the next If-Match.</summary>
public sealed record VersionBody(long Version);

/// <summary>What a write that creates something answers (with its address in Location).</summary>
public sealed record CreatedBody(Guid Id);

/// <summary>The HTTP answer to a write: kept under its Idempotency-Key, so a repeat answers the same.</summary>
public sealed record Answer(int Status, object Body, string? Location = null) : IResult
{
    /// <summary>The answer kept for an earlier request with the same Idempotency-Key: nothing was recorded this time (a page says so).</summary>
    public bool Repeated { get; init; }

    public Task ExecuteAsync(HttpContext http)
    {
        if (Location is not null) http.Response.Headers.Location = Location;
        return Status == StatusCodes.Status204NoContent ? Results.NoContent().ExecuteAsync(http) : Results.Json(Body, statusCode: Status).ExecuteAsync(http);
    }
}
