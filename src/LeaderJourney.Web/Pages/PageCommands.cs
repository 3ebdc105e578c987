using System.Text.Json;
using LeaderJourney.Core.Http;

namespace LeaderJourney.Web.Pages;

/// <summary>Sends a page's command (the same the API sends), turning its refusals into a sentence for the page.</summary>
public static class PageCommands
{
    /// <summary>The hidden field that carries a form's key (<see cref="FormKeyTagHelper"/>).</summary>
    public const string FormKeyField = "formKey";

    /// <summary>
    /// How a page's write is sent: the anti-forgery token guards the form, and Wolverine retries a lost
    /// race. A form that carries its key is sent with an Idempotency-Key made of that key, the write and
    /// every field of the form: the same form sent again is recorded once and answered as the first time,
    /// while a form changed before it is sent again (back, edit, send) is a write of its own. Only keyed
    /// hashes of the key and of the write's name are kept, as for the API's keys (the fields may hold a
    /// person's name). <paramref name="what"/> names the write: a post that sends several names each apart.
    /// </summary>
    public static WriteOptions Options(HttpRequest request, string what, long? ifMatch = null)
    {
        var fingerprint = "page " + what;
        if (!request.HasFormContentType || request.Form[FormKeyField].ToString() is not { Length: > 0 } formKey) return new(ifMatch, null, fingerprint);
        // As JSON, so that no field's text can pass for another field.
        var key = JsonSerializer.Serialize(new object[]
        {
            fingerprint, $"{request.Path}{request.QueryString}", formKey,
            request.Form.Where(f => f.Key != "__RequestVerificationToken").OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new object[] { f.Key, f.Value.ToArray() }).ToArray(),
        });
        var hashes = request.HttpContext.RequestServices.GetRequiredService<RequestHashes>();
        return new(ifMatch, hashes.Of(key), hashes.Of(fingerprint));
    }

    public static async Task<string?> TryAsync(Func<Task> write)
    {
        try
        {
            await write();
            return null;
        }
        catch (Exception e) when (Problems.For(e) is not null)
        {
            // What the API answers as a problem, the page says in a sentence (translated by the page).
            return Problems.SentenceFor(e);
        }
    }
}
