using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain;
using LeaderJourney.EventStore;

namespace LeaderJourney.Web.Pages;

/// <summary>Runs a write from a page through the same pipeline as the API, turning its refusals into a sentence for the page.</summary>
public static class PageCommands
{
    /// <summary>Pages send no If-Match or Idempotency-Key: the anti-forgery token guards the form, and the pipeline retries conflicts.</summary>
    public static WriteOptions Options(string what) => new(null, null, "page " + what);

    public static async Task<string?> TryAsync(Func<Task> write)
    {
        try
        {
            await write();
            return null;
        }
        catch (Exception e) when (e is RequestValidationException or DomainRuleException or ForbiddenException or NotFoundException or ConcurrencyException or EventDataRejectedException or DuplicateException)
        {
            return e.Message;
        }
    }
}
