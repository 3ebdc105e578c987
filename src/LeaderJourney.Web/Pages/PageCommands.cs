using System.Text;
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
    /// while a form changed before it is sent again (back, edit, send) is a write of its own. Only a keyed
    /// hash of it is kept, as for the API's keys (the fields may hold a person's name).
    /// </summary>
    public static WriteOptions Options(HttpRequest request, string what, long? ifMatch = null)
    {
        var fingerprint = "page " + what;
        if (!request.HasFormContentType || request.Form[FormKeyField].ToString() is not { Length: > 0 } formKey) return new(ifMatch, null, fingerprint);
        var key = new StringBuilder().Append(fingerprint).Append('\n').Append(request.Path).Append(request.QueryString).Append('\n').Append(formKey);
        foreach (var field in request.Form.Where(f => f.Key != "__RequestVerificationToken").OrderBy(f => f.Key, StringComparer.Ordinal))
            key.Append('\n').Append(field.Key).Append('=').Append(field.Value.ToString());
        return new(ifMatch, request.HttpContext.RequestServices.GetRequiredService<RequestHashes>().Of(key.ToString()), fingerprint);
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
