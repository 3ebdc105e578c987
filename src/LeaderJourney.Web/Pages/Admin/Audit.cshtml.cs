using LeaderJourney.Core.Access;
using LeaderJourney.Core.Privacy.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Admin;

/// <summary>National admins: who read a leader's record or an equity breakdown, and when (newest first).</summary>
public sealed class AuditModel(SensitiveReads reads) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? LeaderId { get; set; }
    public IReadOnlyList<SensitiveRead> Reads { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!BearerTokenHandler.CurrentUserOf(User).IsNationalAdmin) return Forbid();
        Guid? leader = null;
        if (!string.IsNullOrWhiteSpace(LeaderId))
        {
            if (Guid.TryParse(LeaderId.Trim(), out var id)) leader = id;
            else Error = "A leader id looks like 0190a3c2-7e5b-7c3d-9f1e-2b4c6d8e0a1b.";
        }
        Reads = await reads.ListAsync(leader, null, null, null, 200, ct);
        return Page();
    }
}
