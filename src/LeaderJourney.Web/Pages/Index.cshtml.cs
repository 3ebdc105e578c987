using LeaderJourney.Core.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages;

/// <summary>Sends each person to the page their role comes for.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => BearerTokenHandler.CurrentUserOf(User).Role switch
    {
        Roles.Leader => Redirect("/journey"),
        Roles.Mentor => Redirect("/mentor/queue"),
        Roles.AffiliateAdmin => Redirect("/staff/leaders"),
        Roles.NationalAdmin => Redirect("/admin/users"),
        _ => Redirect("/board/succession"),
    };
}
