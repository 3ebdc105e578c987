using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders.MentorQueue;
using Microsoft.AspNetCore.Mvc;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>
/// The mentor's menu link to their queue, with how many requests wait in it (up to
/// <see cref="Notifications.NotificationsLinkViewComponent.Shown"/>, then "9+"): on a phone, the menu
/// says there is something to sign without opening the home page.
/// </summary>
public sealed class QueueLinkViewComponent(MentorQueueQuery queue, ILogger<QueueLinkViewComponent> logger) : ViewComponent
{
    /// <summary>
    /// Where the queue page leaves how many requests it lists: checked against each leader's stream, so right
    /// after a sign-off it is one fewer than the read model, which trails the command by a moment.
    /// </summary>
    public const string CountOnThisPage = "queue-count-on-this-page";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (HttpContext.Items[CountOnThisPage] is int listed) return View((int?)listed);
        int? waiting;
        try
        {
            waiting = (await queue.ForMentorAsync(BearerTokenHandler.CurrentUserOf(UserClaimsPrincipal), HttpContext.RequestAborted))?.Count;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // The menu is on every page, the error page too: a count it cannot read is left out, not a page lost.
            logger.LogWarning(e, "The menu's count of waiting sign-off requests could not be read.");
            waiting = null;
        }
        return View(waiting);
    }
}
