using LeaderJourney.Core.Http;

namespace LeaderJourney.Web.Pages;

/// <summary>Sends a page's command (the same the API sends), turning its refusals into a sentence for the page.</summary>
public static class PageCommands
{
    /// <summary>Pages send no If-Match or Idempotency-Key: the anti-forgery token guards the form, and Wolverine retries a lost race.</summary>
    public static WriteOptions Options(string what) => new(null, null, "page " + what);

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
