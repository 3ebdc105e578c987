using System.Collections.Concurrent;
using LeaderJourney.Core.Http;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Access;

/// <summary>
/// A command's bearer token checked in the command's own write instead of in a lookup of its own.
/// Every request looks its token up, so that whatever ends a token holds from the next request on every
/// host (docs/security.md). For a command on a stream that lookup was one of its four round trips to the
/// database. An endpoint marked <see cref="ChecksTokenWithItsWrite"/> may instead go on the user this host
/// last found the token live for (<see cref="RecentTokens"/>; a token's user, role and affiliate never
/// change while it lives: a role or password change ends it). The command's save then checks the token
/// again, in its batch, under the same rule as the lookup (<c>assert_token_live</c>): a token ended in
/// between fails the write whole, as a 401. A request that ends without such a save (a refusal, a kept
/// answer, a 404) looks the token up before it answers, so nothing is answered on an ended token.
/// </summary>
public static class TokenChecks
{
    /// <summary>The SQLSTATE <c>assert_token_live</c> raises for an ended token.</summary>
    public const string EndedState = "LJ401";

    /// <summary>What a request with an unknown, expired or ended token is answered (401).</summary>
    public const string SignInFirst = "Sign in first: send Authorization: Bearer <token> from POST /api/auth/token.";

    /// <summary>Marks a command endpoint whose write checks the caller's token (see the class).</summary>
    public static RouteHandlerBuilder ChecksTokenWithItsWrite(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(Marker.Instance).AddEndpointFilter(AnswerOnlyLiveTokensAsync);

    /// <summary>
    /// Marks a read endpoint that sends the token's check ahead of its read, in the read's own batch
    /// (<see cref="TokenToCheck.AheadOfRead"/>): the same rule as a write's, and the same lookup before
    /// answering when the read did not send it (a read that fell back to another path, a refusal).
    /// </summary>
    public static RouteHandlerBuilder ChecksTokenWithItsRead(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(Marker.Instance).AddEndpointFilter(AnswerOnlyLiveTokensAsync);

    /// <summary>For a marked read: the request's token check to send ahead of its read; null when the token was looked up for this request.</summary>
    public static LeaderJourney.Storage.IStatementAhead? TokenCheckAhead(this HttpContext http) =>
        http.Features.Get<TokenToCheck>() is { } token
            ? token.AheadOfRead(http.RequestServices.GetRequiredService<Store>().Schema, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())
            : null;

    /// <summary>The endpoint metadata <see cref="BearerTokenHandler"/> looks for.</summary>
    public sealed class Marker
    {
        public static readonly Marker Instance = new();
        private Marker() { }
    }

    /// <summary>True when the failure is the write's token check: the token ended before the write.</summary>
    public static bool IsEnded(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is PostgresException { SqlState: EndedState }) return true;
        return false;
    }

    /// <summary>Wolverine middleware on every <see cref="StreamCommand"/>: queues the token's check into the save's batch.</summary>
    public static class InTheWrite
    {
        public static void Before(StreamCommand command, IDocumentSession session, Store store, TimeProvider clock)
        {
            if (command.Sender.Token is not { } token) return;
            session.QueueSqlCommand($"call {store.Schema}.assert_token_live(?, ?)", token.Hash, clock.GetUtcNow());
            token.QueuedInSave = true;
        }
    }

    // Around a marked endpoint: whatever it answers, the token was live when it was decided. A command
    // that saved has checked it in its batch; otherwise it is looked up now.
    private static async ValueTask<object?> AnswerOnlyLiveTokensAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Features.Get<TokenToCheck>() is not { } token) return await next(context);
        object? answer;
        try
        {
            answer = await next(context);
        }
        catch (Exception e)
        {
            // A refusal says something of what was asked for: it is answered only to a live token.
            if (e is not TokenEndedException && await IsLiveAsync(http, token)) throw;
            Forget(http, token);
            return Ended();
        }
        if (token.Checked || await IsLiveAsync(http, token)) return answer;
        Forget(http, token);
        return Ended();
    }

    private static async Task<bool> IsLiveAsync(HttpContext http, TokenToCheck token) =>
        await http.RequestServices.GetRequiredService<AccessDirectory>().FindLiveTokenAsync(token.Hash, http.RequestAborted) is not null;

    private static void Forget(HttpContext http, TokenToCheck token) => http.RequestServices.GetRequiredService<RecentTokens>().Forget(token.Hash);

    private static IResult Ended() => Results.Problem(title: SignInFirst, statusCode: StatusCodes.Status401Unauthorized);
}

/// <summary>
/// A request's token that was not looked up for it (<see cref="TokenChecks"/>): kept in the request's
/// features and in its command's <see cref="Sender"/>, never stored; <see cref="Hash"/> is the token's
/// stored SHA-256 hash, never the token.
/// </summary>
public sealed class TokenToCheck(byte[] hash)
{
    public byte[] Hash { get; } = hash;

    /// <summary>The check is in the command's save (<see cref="TokenChecks.InTheWrite"/>).</summary>
    internal bool QueuedInSave { get; set; }

    /// <summary>
    /// The check passed: a read was answered past it (<see cref="AheadOfRead"/>), or the command's save
    /// committed with the check in it (<see cref="StreamCommandBus"/>): every
    /// <see cref="StreamCommand"/>'s generated handler runs the middleware and then saves, whatever it
    /// decided (<c>TokenCheckedInTheWriteTests</c> checks the generated code).
    /// </summary>
    public bool Checked { get; private set; }

    internal void SavedWithTheCheck()
    {
        if (QueuedInSave) Checked = true;
    }

    /// <summary>The check to send ahead of a read in the read's batch; <see cref="Checked"/> once the read has been answered past it.</summary>
    public LeaderJourney.Storage.IStatementAhead AheadOfRead(string schema, DateTimeOffset now) => new CheckAhead(this, schema, now);

    private sealed class CheckAhead(TokenToCheck token, string schema, DateTimeOffset now) : LeaderJourney.Storage.IStatementAhead
    {
        public NpgsqlBatchCommand Command()
        {
            var check = new NpgsqlBatchCommand($"call {schema}.assert_token_live($1, $2)");
            check.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = token.Hash });
            check.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            return check;
        }

        public void Passed() => token.Checked = true;
    }
}

/// <summary>The token's check failed in the command's write: none of the command's save was written.</summary>
public sealed class TokenEndedException() : Exception(TokenChecks.SignInFirst);

/// <summary>
/// The users this host last found tokens live for, by the tokens' hashes: only ever used by a request
/// whose write or read checks the token again (<see cref="TokenChecks"/>), and never once the token has expired.
/// Bounded: past <see cref="Capacity"/> tokens it starts again empty (expired ones go then), and a token
/// not found is looked up as any other.
/// </summary>
public sealed class RecentTokens(TimeProvider clock)
{
    public const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, AccessDirectory.LiveToken> _live = new();
    // Counted apart: the dictionary's own Count takes every lock, and every lookup remembers its token.
    private int _count;

    public CurrentUser? Find(byte[] hash) =>
        _live.TryGetValue(Convert.ToHexString(hash), out var token) && token.ExpiresAt > clock.GetUtcNow() ? token.User : null;

    public void Remember(byte[] hash, AccessDirectory.LiveToken token)
    {
        if (!_live.TryAdd(Convert.ToHexString(hash), token)) return;
        if (Interlocked.Increment(ref _count) <= Capacity) return;
        _live.Clear();
        Interlocked.Exchange(ref _count, 0);
    }

    public void Forget(byte[] hash) => _live.TryRemove(Convert.ToHexString(hash), out _);
}
