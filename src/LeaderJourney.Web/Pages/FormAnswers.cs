using System.IO.Compression;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using LeaderJourney.Core.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// Post/redirect/get for every form of the pages. A page answers its form with the page itself (the
/// outcome said where the form was, what was typed handed back on a refusal); left like that, Back from
/// the next page, or a reload, lands on the browser's "Confirm Form Resubmission". So the answer a form's
/// post renders is kept for five minutes, and the post is answered 303 See Other to the page's own address
/// (its handler dropped) with the answer's id (<c>answer=</c>): the browser's history then holds
/// addresses it can load again, and a load shows the answer as it was rendered. A reload in those minutes
/// shows it again (a phone's browser reloads a tab it put away: a refusal and the text typed came back
/// gone), except an answer holding a password link, which its first load deletes (<see cref="ShowOnce"/>);
/// a load after them, or one that finds nothing kept, goes on to the page afresh, without the id (the write
/// was recorded either way). The id in the address, not a cookie alone, says which answer a load is for:
/// two tabs sending forms of one page at once each show their own.
/// Kept in the database, so that a second host behind a balancer finds it, sealed with AES-GCM under a key
/// made for that one answer and held only in the browser's cookie (named with the answer's id, limited to
/// the page's path, five minutes): the server keeps nothing that reads it, so the rows hold no personal
/// data any erasure would have to reach. A row is shown only with its key and to its user, page and query;
/// none older than ten minutes is read, and the hourly sweep of kept answers (Core/Http/SweepKeptAnswers)
/// deletes them, not each form's post or load. Keeping or reading an answer never fails a form: the write is recorded
/// by then, so a database that does not answer leaves the page answered as before, without a redirect.
/// Pages' own handlers stay as they are: one place, instead of a redirect and a message carried over in
/// each of the pages' fifty forms.
/// </summary>
public sealed class FormAnswers(NpgsqlDataSource dataSource, DatabaseSettings database, TimeProvider clock, ILogger<FormAnswers> logger)
{
    /// <summary>The answer's cookie is named this and the answer's id; the id is the address's <see cref="QueryKey"/>.</summary>
    public const string CookiePrefix = "lj-answer-";
    public const string QueryKey = "answer";
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromMinutes(5);
    /// <summary>Rows no cookie can still name (the cookie's five minutes, with room for a slow clock): never read, swept hourly.</summary>
    public static readonly TimeSpan KeptAtMost = TimeSpan.FromMinutes(10);
    // A page larger than this (none is near it) is answered as before, without a redirect.
    private const int MaxPage = 4 * 1024 * 1024;
    private const int IdLength = 16, KeyLength = 32, NonceLength = 12, TagLength = 16;

    /// <param name="Once">Shown at one load only (<see cref="ShowOnce"/>): a password link, not to be shown again by a reload or Back.</param>
    private sealed record Answer(string Path, Dictionary<string, string[]> Query, string? User, string ContentType, string? Policy, string? Language, string Html, bool Once = false);

    private const string OnceKey = "FormAnswers.Once";

    /// <summary>The answer being rendered holds what is shown once (a password link): its first load deletes it.</summary>
    public static void ShowOnce(HttpContext context) => context.Items[OnceKey] = true;

    /// <summary>
    /// More answer cookies than this on a request (forms sent on one page in five minutes) and the others go when
    /// one is shown: each is about 80 bytes of every request to the page, and servers cap a request's headers.
    /// Fewer are left alone, so that two tabs' answers each stay for their own tab.
    /// </summary>
    private const int CookiesAtMost = 8;

    // Never put in a page: the HTML is kept as it is rather than escaped character by character.
    private static readonly JsonSerializerOptions Packing = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Post/redirect/get for the pages' forms (see <see cref="FormAnswers"/>); after authentication, so the answer is shown only to whom it was made for.</summary>
    public static IApplicationBuilder Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata is not { } page || page.GetMetadata<PageActionDescriptor>() is null || page.GetMetadata<AnswersPostsDirectlyAttribute>() is not null) await next(context);
        else if (HttpMethods.IsGet(context.Request.Method)) { if (!await context.RequestServices.GetRequiredService<FormAnswers>().TryShowAsync(context)) await next(context); }
        else if (HttpMethods.IsPost(context.Request.Method)) await context.RequestServices.GetRequiredService<FormAnswers>().AnswerAsync(context, next);
        else await next(context);
    });

    private async Task AnswerAsync(HttpContext context, RequestDelegate next)
    {
        var response = context.Response;
        var body = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        var buffered = new StreamResponseBodyFeature(buffer);
        context.Features.Set<IHttpResponseBodyFeature>(buffered);
        try
        {
            await next(context);
            await buffered.CompleteAsync();
        }
        finally { context.Features.Set(body); }
        var request = context.Request;
        var path = (request.PathBase + request.Path).ToUriComponent();
        // A page rendered as the form's answer; a redirect, a download or an answer with another status (an
        // error page; a sign-in's 429) goes out as it came. So does a path a cookie cannot be limited to.
        if (response.StatusCode == StatusCodes.Status200OK && response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
            && buffer.Length <= MaxPage && path.IndexOfAny([';', ',']) < 0
            && await TryKeepAsync(new Answer(path, OwnQuery(request.Query), UserOf(context.User), response.ContentType,
                response.Headers.ContentSecurityPolicy.ToString() is { Length: > 0 } policy ? policy : null,
                response.Headers.ContentLanguage.ToString() is { Length: > 0 } language ? language : null,
                System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), context.Items.ContainsKey(OnceKey)), context.RequestAborted) is ({ } id, { } key, { } query))
        {
            response.Cookies.Append(CookiePrefix + id, key, CookieFor(context, path, CookieLifetime));
            response.Headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.ContentType);
            response.Headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy);
            response.Headers.ContentLength = null;
            response.StatusCode = StatusCodes.Status303SeeOther;
            response.Headers.Location = Address(path, query, id);
            return;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(body.Stream, context.RequestAborted);
    }

    /// <returns>Whether the load was answered here: the kept answer it names shown, or, with none to show, a redirect to the address without its id.</returns>
    private async Task<bool> TryShowAsync(HttpContext context)
    {
        if (context.Request.Query[QueryKey].ToString() is not { Length: > 0 } id) return false;
        var path = (context.Request.PathBase + context.Request.Path).ToUriComponent();
        var cookie = context.Request.Cookies[CookiePrefix + id];
        if (cookie is null || await TryReadAsync(id, cookie, path, UserOf(context.User), OwnQuery(context.Request.Query), context.RequestAborted) is not { } answer)
        {
            // Its five minutes are over (the cookie is gone), or it is not this user's, page's or query's: the page as it is now, at its own address.
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = Address(path, OwnQuery(context.Request.Query), null);
            return true;
        }
        if (answer.Once)
        {
            context.Response.Cookies.Delete(CookiePrefix + id, CookieFor(context, path, null));
            await ForgetAsync(id, context.RequestAborted);
        }
        var others = context.Request.Cookies.Keys.Where(name => name.StartsWith(CookiePrefix, StringComparison.Ordinal) && name != CookiePrefix + id).ToList();
        if (others.Count >= CookiesAtMost)
            foreach (var name in others) context.Response.Cookies.Delete(name, CookieFor(context, path, null));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = answer.ContentType;
        if (answer.Policy is not null) context.Response.Headers.ContentSecurityPolicy = answer.Policy;
        if (answer.Language is not null) context.Response.Headers.ContentLanguage = answer.Language;
        await context.Response.WriteAsync(answer.Html, context.RequestAborted);
        return true;
    }

    /// <returns>The answer's id and key, each in base64url, and the query it was kept for; null when it could not be kept (logged).</returns>
    private async Task<(string Id, string Key, Dictionary<string, string[]> Query)?> TryKeepAsync(Answer answer, CancellationToken ct)
    {
        try
        {
            var (id, key) = await KeepAsync(answer, ct);
            return (id, key, answer.Query);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "A form's answer could not be kept for its redirect; the page answered the post itself");
            return null;
        }
    }

    private async Task<(string Id, string Key)> KeepAsync(Answer answer, CancellationToken ct)
    {
        var id = RandomNumberGenerator.GetBytes(IdLength);
        var key = RandomNumberGenerator.GetBytes(KeyLength);
        using var packed = new MemoryStream();
        // Compressed first (a page of 60 kB becomes about 10): fastest, as it is read within minutes, mostly once.
        await using (var brotli = new BrotliStream(packed, CompressionLevel.Fastest, leaveOpen: true))
            await JsonSerializer.SerializeAsync(brotli, answer, Packing, ct);
        var plain = packed.ToArray();
        var sealedAnswer = new byte[NonceLength + TagLength + plain.Length];
        var nonce = sealedAnswer.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagLength))
            aes.Encrypt(nonce, plain, sealedAnswer.AsSpan(NonceLength + TagLength), sealedAnswer.AsSpan(NonceLength, TagLength), associatedData: id);
        await using var insert = dataSource.CreateCommand($"insert into {database.Schema}.page_answers (id, kept_at, sealed) values ($1, $2, $3)");
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = new Guid(id) });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = sealedAnswer, NpgsqlDbType = NpgsqlDbType.Bytea });
        await insert.ExecuteNonQueryAsync(ct);
        return (WebEncoders.Base64UrlEncode(id), WebEncoders.Base64UrlEncode(key));
    }

    /// <summary>
    /// The answer kept under <paramref name="answerId"/>, opened with the cookie's key, when it was made for this
    /// path, user and query. Anything else (a wrong key, another user, a row of an older build that cannot be
    /// read, a database that does not answer) is none.
    /// </summary>
    private async Task<Answer?> TryReadAsync(string answerId, string cookie, string path, string? user, Dictionary<string, string[]> query, CancellationToken ct)
    {
        byte[] id, key;
        try { (id, key) = (WebEncoders.Base64UrlDecode(answerId), WebEncoders.Base64UrlDecode(cookie)); }
        catch (FormatException) { return null; }
        if (id.Length != IdLength || key.Length != KeyLength) return null;
        try
        {
            await using var command = dataSource.CreateCommand($"select sealed from {database.Schema}.page_answers where id = $1 and kept_at >= $2");
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = new Guid(id) });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() - KeptAtMost });
            if (await command.ExecuteScalarAsync(ct) is not byte[] sealedAnswer || sealedAnswer.Length < NonceLength + TagLength) return null;
            var plain = new byte[sealedAnswer.Length - NonceLength - TagLength];
            using (var aes = new AesGcm(key, TagLength))
                aes.Decrypt(sealedAnswer.AsSpan(0, NonceLength), sealedAnswer.AsSpan(NonceLength + TagLength), sealedAnswer.AsSpan(NonceLength, TagLength), plain, associatedData: id);
            Answer? answer;
            await using (var brotli = new BrotliStream(new MemoryStream(plain), CompressionMode.Decompress))
                answer = await JsonSerializer.DeserializeAsync<Answer>(brotli, Packing, ct);
            return answer is null || answer.Path != path || answer.User != user || !SameQuery(answer.Query, query) ? null : answer;
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or JsonException or InvalidDataException or NpgsqlException or TimeoutException)
        {
            if (e is NpgsqlException or TimeoutException) logger.LogWarning(e, "A form's kept answer could not be read; the page is shown afresh");
            return null;
        }
    }

    /// <summary>Deletes an answer shown once; one the database does not delete now goes with the sweep (never read after ten minutes).</summary>
    private async Task ForgetAsync(string answerId, CancellationToken ct)
    {
        try
        {
            await using var delete = dataSource.CreateCommand($"delete from {database.Schema}.page_answers where id = $1");
            delete.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = new Guid(WebEncoders.Base64UrlDecode(answerId)) });
            await delete.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "A form's answer shown once could not be deleted; the hourly sweep deletes it");
        }
    }

    private static string? UserOf(ClaimsPrincipal user) => user.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    /// <summary>The page's address with its own query (<see cref="OwnQuery"/>): where a language's change leads back to.</summary>
    public static string OwnAddress(HttpRequest request) => OwnAddress(request.PathBase + request.Path, request.Query);

    /// <summary>A page's address with its own query: where an error page leads back to the form's page.</summary>
    public static string OwnAddress(PathString path, IQueryCollection query) => Address(path.ToUriComponent(), OwnQuery(query), null);

    /// <summary>The page's own query: without the form's handler and an answer's id.</summary>
    private static Dictionary<string, string[]> OwnQuery(IQueryCollection query) =>
        query.Where(q => !string.Equals(q.Key, "handler", StringComparison.OrdinalIgnoreCase) && !string.Equals(q.Key, QueryKey, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(q => q.Key, q => q.Value.Select(v => v ?? "").ToArray());

    private static string Address(string path, Dictionary<string, string[]> query, string? answerId) =>
        QueryHelpers.AddQueryString(path, query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Concat(answerId is null ? [] : [new(QueryKey, answerId)]));

    private static bool SameQuery(Dictionary<string, string[]> kept, Dictionary<string, string[]> query) =>
        kept.Count == query.Count && kept.All(q => query.TryGetValue(q.Key, out var values) && values.SequenceEqual(q.Value));

    private static CookieOptions CookieFor(HttpContext context, string path, TimeSpan? lifetime) => new()
    {
        Path = path,
        HttpOnly = true,
        // Sent back on the redirect, which is the same site's; never on a request another site starts.
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        MaxAge = lifetime,
        IsEssential = true,
    };
}

/// <summary>A page whose posts <see cref="FormAnswers"/> leaves as they come: a mail program's one-click stop (RFC 8058) is a post of no browser, answered 200 at once.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnswersPostsDirectlyAttribute : Attribute;
