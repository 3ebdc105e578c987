using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
using Microsoft.AspNetCore.Http;
using Npgsql;
using NpgsqlTypes;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Leaders;

/// <summary>How a write was asked for: the If-Match version and the Idempotency-Key, when sent.</summary>
public sealed record WriteOptions(long? IfMatch, string? IdempotencyKey, string RequestFingerprint)
{
    public const int MaxIdempotencyKeyLength = 200;

    public static WriteOptions From(HttpRequest request, object body)
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
        return new WriteOptions(ifMatch, key.Length == 0 ? null : key,
            $"{request.Method} {request.Path} {JsonSerializer.Serialize(body, body.GetType(), JsonSerializerOptions.Web)}");
    }
}

/// <summary>What a decided command led to: the events appended and the leader after them.</summary>
public sealed record CommandOutcome(Leader State, IReadOnlyList<object> Events);

/// <summary>The HTTP answer to a write: kept under its Idempotency-Key, so a repeat answers the same.</summary>
public sealed record Answer(int Status, object Body, string? Location = null) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        if (Location is not null) http.Response.Headers.Location = Location;
        return Results.Json(Body, statusCode: Status).ExecuteAsync(http);
    }
}

/// <summary>
/// Every write to a leader's stream goes through here: the leader is loaded (only if the caller may see
/// them), If-Match is checked, the pure decider decides, the events are appended at the version they were
/// decided on, and the answer is stored under the Idempotency-Key in the same transaction.
/// On a version conflict without If-Match the command is decided once more, on the new state, holding
/// the stream's row lock: the decision is re-made, never replayed, so nothing appended meanwhile is
/// overwritten or ignored. With If-Match the caller asserted what they saw, so a conflict is a 409.
/// </summary>
public sealed class LeaderCommandPipeline(Store store, LeaderReader reader, AttainmentPolicies policies, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string StreamType = "leader";

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Decides a command against an existing leader and answers with <paramref name="respond"/>'s status and body.</summary>
    public Task<IResult> ExecuteAsync(Guid leaderId, CurrentUser caller, WriteOptions options,
        Func<Leader, FrameworkScope, object> command, Func<CommandOutcome, Answer> respond, CancellationToken ct) =>
        Run(leaderId, caller, options, isNew: false, command, respond, ct);

    /// <summary>Starts a new leader's stream (enrolment).</summary>
    public Task<IResult> StartAsync(Guid leaderId, CurrentUser caller, WriteOptions options,
        Func<Leader, FrameworkScope, object> command, Func<CommandOutcome, Answer> respond, CancellationToken ct) =>
        Run(leaderId, caller, options, isNew: true, command, respond, ct);

    private async Task<IResult> Run(Guid leaderId, CurrentUser caller, WriteOptions options, bool isNew,
        Func<Leader, FrameworkScope, object> command, Func<CommandOutcome, Answer> respond, CancellationToken ct)
    {
        if (options.IdempotencyKey is { } key && await FindAnswer(caller.UserId, key, ct) is { } stored)
            return stored.Request == options.RequestFingerprint
                ? stored.Answer
                : throw new RequestValidationException("Idempotency-Key", "This Idempotency-Key was already used for a different request.");

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = await store.BeginSessionAsync(ct);
                Leader state;
                FrameworkScope scope;
                if (isNew)
                {
                    (state, scope) = (Leader.Initial, null!);
                }
                else
                {
                    // A write that lost the optimistic race holds the stream's row lock the second time,
                    // so it cannot lose again however many writers pile onto one leader.
                    if (attempt > 1) await session.LockStreamAsync(leaderId, ct);
                    var loaded = await reader.FoldForCallerAsync(leaderId, await session.ReadStreamAsync(leaderId, ct: ct), caller, ct);
                    (state, scope) = (loaded.State, loaded.Scope);
                    if (options.IfMatch is { } expected && expected != state.Version)
                        throw new ConcurrencyException(leaderId, expected, state.Version);
                }

                var decided = command(state, scope);
                var events = LeaderDecider.Decide(decided, state, policies.For(isNew ? AffiliateOf(decided) : state.Affiliate));
                var answer = respond(new CommandOutcome(events.Aggregate(state, Leader.Evolve), events));
                if (events.Count > 0)
                {
                    var metadata = new AppendMetadata { TenantId = isNew ? AffiliateOf(decided) : state.Affiliate, UserName = caller.UserId.ToString(), CorrelationId = options.IdempotencyKey };
                    if (isNew) await session.StartStreamAsync(leaderId, StreamType, events, metadata, ct);
                    else await session.AppendAsync(leaderId, state.Version, events, metadata, ct);
                }
                if (options.IdempotencyKey is { } newKey && !await SaveAnswer(session, caller.UserId, newKey, options.RequestFingerprint, answer, ct))
                {
                    // The same key won a race in another request: its answer stands, this append is dropped.
                    var winner = (await FindAnswer(caller.UserId, newKey, ct))!;
                    return winner.Request == options.RequestFingerprint ? winner.Answer
                        : throw new RequestValidationException("Idempotency-Key", "This Idempotency-Key was already used for a different request.");
                }
                await session.CommitAsync(ct);
                return answer;
            }
            catch (ConcurrencyException) when (options.IfMatch is null && attempt == 1)
            {
            }
        }
    }

    private static string AffiliateOf(object command) => command is Enroll enroll ? enroll.Affiliate : throw new InvalidOperationException("Only enrolment starts a leader.");

    private sealed record StoredAnswer(string Request, Answer Answer);

    private async Task<StoredAnswer?> FindAnswer(Guid userId, string key, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select request, status_code, response::text, location from {store.Schema}.idempotency_keys where user_id = $1 and key = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new StoredAnswer(reader.GetString(0),
            new Answer(reader.GetInt32(1), JsonDocument.Parse(reader.GetString(2)).RootElement, reader.IsDBNull(3) ? null : reader.GetString(3)));
    }

    private async Task<bool> SaveAnswer(EventStoreSession session, Guid userId, string key, string request, Answer answer, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            insert into {store.Schema}.idempotency_keys (user_id, key, request, status_code, response, created_at, location)
            values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing
            """, session.Connection, session.Transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = answer.Status });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(answer.Body, answer.Body.GetType(), JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = answer.Location, NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
