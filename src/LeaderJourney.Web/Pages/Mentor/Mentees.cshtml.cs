using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>The leaders assigned to the mentor, with how far each has come.</summary>
public sealed class MenteesModel(LeaderLists lists) : PageModel
{
    public IReadOnlyList<LeaderListing> Mentees { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor || caller.Affiliate is null) return Forbid();
        Mentees = await lists.MenteesAsync(caller.Affiliate, caller.UserId, ct);
        return Page();
    }
}
