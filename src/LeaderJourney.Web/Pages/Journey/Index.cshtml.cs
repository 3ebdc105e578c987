using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Journey;

/// <summary>A leader's own journey: the framework as a grid of domains, themes and levels, and the timeline of their events.</summary>
public sealed class IndexModel(LeaderReader reader, FrameworkCatalog catalog, AccessDirectory directory, Core.Privacy.SubjectAccess.SubjectAccessExport export, Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "t")] public int TimelinePageNumber { get; set; } = 1;

    /// <summary>Everything held about the leader, as a JSON file (subject access).</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        var document = await export.ExportAsync(leaderId, caller, ct);
        return File(JsonSerializer.SerializeToUtf8Bytes(document, JsonSerializerOptions.Web), "application/json", $"leaderjourney-my-data-{DateTime.UtcNow:yyyy-MM-dd}.json");
    }

    public string Name { get; private set; } = "";
    public IReadOnlyList<DomainRow> Domains { get; private set; } = [];
    public TimelinePage Timeline { get; private set; } = new([], 1, 1, 0);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        Name = loaded.State.DisplayName;
        Domains = await ProgressGrid.OfAsync(loaded, catalog, ct);
        Timeline = JourneyTimeline.Of(loaded.Events, loaded.Scope, await directory.MentorNamesAsync(loaded.State.Affiliate, ct), TimelinePageNumber, T);
        return Page();
    }
}
