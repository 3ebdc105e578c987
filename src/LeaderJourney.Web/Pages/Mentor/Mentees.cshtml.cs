using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>The leaders assigned to the mentor, with how far each has come; a name or local typed narrows them.</summary>
public sealed class MenteesModel(LeaderLists lists) : PageModel
{
    /// <summary>From how many mentees on the search box is offered: below it the list fits a phone's screen or two.</summary>
    public const int SearchFrom = 10;

    /// <summary>Part of a mentee's name or local.</summary>
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public IReadOnlyList<LeaderListing> Mentees { get; private set; } = [];

    /// <summary>How many leaders are assigned to the mentor, whatever was searched.</summary>
    public int Assigned { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor || caller.Affiliate is null) return Forbid();
        var mentees = await lists.MenteesAsync(caller.Affiliate, caller.UserId, ct);
        Assigned = mentees.Count;
        // A mentor's own mentees are a few dozen at most: narrowed here, not in the database.
        var typed = Q?.Trim();
        Mentees = string.IsNullOrEmpty(typed) ? mentees
            : [.. mentees.Where(m => NameFold.Finds(m.DisplayName, typed) || (m.Local is { } local && NameFold.Finds(local, typed)))];
        return Page();
    }
}
