using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Privacy.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>
/// One of the mentor's mentees as the mentor needs them: where they stand on every theme, what waits
/// for a sign-off, and their timeline. Only for a mentor assigned to the leader; the read goes into the
/// audit of sensitive reads, as staff's reads of a record do.
/// </summary>
public sealed class MenteeModel(LeaderReader reader, FrameworkCatalog catalog, AccessDirectory directory, SensitiveReads audit,
    Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true, Name = "t")] public int TimelinePageNumber { get; set; } = 1;

    public string Name { get; private set; } = "";
    public string? Local { get; private set; }
    public string Status { get; private set; } = "";
    public int Waiting { get; private set; }
    public IReadOnlyList<DomainRow> Domains { get; private set; } = [];
    public TimelinePage Timeline { get; private set; } = new([], 1, 1, 0);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor) return Forbid();
        LoadedLeader loaded;
        try
        {
            loaded = await reader.LoadForCallerAsync(Id, caller, ct);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        // A leader not assigned to this mentor answers as a missing one, as another affiliate's does.
        if (!loaded.State.Mentors.Contains(caller.UserId)) return NotFound();
        await audit.RecordAsync(caller, SensitiveReads.LeaderRecord, Id, loaded.State.Affiliate, ct);
        Name = loaded.State.DisplayName;
        Local = loaded.State.Local;
        Status = loaded.State.Status.ToString();
        Waiting = loaded.State.PendingSignOffs.Count;
        Domains = await ProgressGrid.OfAsync(loaded, catalog, ct);
        Timeline = JourneyTimeline.Of(loaded.Events, loaded.Scope, await directory.MentorNamesAsync(loaded.State.Affiliate, ct), TimelinePageNumber, T);
        return Page();
    }
}
