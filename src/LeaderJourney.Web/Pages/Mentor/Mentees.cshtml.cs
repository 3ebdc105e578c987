using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>The leaders assigned to the mentor, with how far each has come and what of theirs waits for the mentor; a name or local typed narrows them.</summary>
public sealed class MenteesModel(LeaderLists lists, LeaderJourney.Core.Leaders.MentorQueue.MentorQueueQuery queue) : PageModel
{
    /// <summary>From how many mentees on the search box is offered: below it the list fits a phone's screen or two.</summary>
    public const int SearchFrom = 10;

    /// <summary>Part of a mentee's name or local.</summary>
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public IReadOnlyList<LeaderListing> Mentees { get; private set; } = [];

    /// <summary>How many leaders are assigned to the mentor, whatever was searched.</summary>
    public int Assigned { get; private set; }

    /// <summary>How many of each mentee's requests wait in the mentor's queue (a mentee not here has none): who needs the mentor, at a glance.</summary>
    public IReadOnlyDictionary<Guid, int> Waiting { get; private set; } = new Dictionary<Guid, int>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor || caller.Affiliate is null) return Forbid();
        var mentees = await lists.MenteesAsync(caller.Affiliate, caller.UserId, ct);
        Assigned = mentees.Count;
        // The queue's read model, as the queue itself reads it (null while its first generation is built: nothing said).
        Waiting = (await queue.ForMentorAsync(caller, ct))?.GroupBy(q => q.LeaderId).ToDictionary(g => g.Key, g => g.Count()) ?? new Dictionary<Guid, int>();
        // A mentor's own mentees are a few dozen at most: narrowed here, not in the database.
        var typed = Q?.Trim();
        Mentees = string.IsNullOrEmpty(typed) ? mentees
            : [.. mentees.Where(m => NameFold.Finds(m.DisplayName, typed) || (m.Local is { } local && NameFold.Finds(local, typed)))];
        return Page();
    }
}
