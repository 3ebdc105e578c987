using LeaderJourney.Core.Access;
using LeaderJourney.Core.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace LeaderJourney.Web.Pages.Notifications;

/// <summary>The menu's link to the notifications, with how many are unread (up to <see cref="Shown"/>, then "9+").</summary>
public sealed class NotificationsLinkViewComponent(NotificationBox box, ILogger<NotificationsLinkViewComponent> logger) : ViewComponent
{
    public const int Shown = 9;

    public async Task<IViewComponentResult> InvokeAsync()
    {
        var caller = BearerTokenHandler.CurrentUserOf(UserClaimsPrincipal);
        int? unread;
        try
        {
            unread = await box.UnreadCountAsync(caller, Shown + 1, HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // The menu is on every page, the error page too: a count it cannot read is left out, not a page lost.
            logger.LogWarning(e, "The menu's count of unread notifications could not be read.");
            unread = null;
        }
        return View(unread);
    }
}
