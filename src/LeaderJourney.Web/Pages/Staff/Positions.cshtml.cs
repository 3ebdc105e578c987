using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Succession.Positions;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Domain.Succession;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Staff;

/// <summary>Staff define positions with their requirements and nominate candidates, through the same writes as the API.</summary>
public sealed class PositionsModel(PositionWrites writes, SuccessionData data, LeaderLists lists) : PageModel
{
    public string Affiliate { get; private set; } = "";
    public IReadOnlyList<Position> Positions { get; private set; } = [];
    public IReadOnlyList<LeaderListing> Leaders { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostDefineAsync(string? title, bool key, string? requirements, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        Error = await PageCommands.TryAsync(() => writes.DefineAsync(caller, caller.Affiliate, title, key, Parse(requirements), null, null, PageCommands.Options("define position"), ct));
        Message = Error is null ? $"Defined {title}." : null;
        return await Load(ct);
    }

    public async Task<IActionResult> OnPostNominateAsync(Guid positionId, Guid leaderId, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        Error = await PageCommands.TryAsync(() => writes.NominateAsync(caller, positionId.ToString(), leaderId.ToString(), null, PageCommands.Options("nominate"), ct));
        Message = Error is null ? "Nominated." : null;
        return await Load(ct);
    }

    /// <summary>"GOV.1:2, ADV:1": a code with a dot is a theme, without one a domain.</summary>
    private static IReadOnlyList<RequirementInput?> Parse(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
        {
            var pieces = part.Split(':', StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !int.TryParse(pieces[1], out var level))
                throw new RequestValidationException("requirements", $"'{part}' is not CODE:LEVEL (for example GOV.1:2).");
            return (RequirementInput?)(pieces[0].Contains('.') ? new RequirementInput(null, pieces[0], level) : new RequirementInput(pieces[0], null, level));
        }).ToList();

    private bool Staff(out CurrentUser caller)
    {
        caller = BearerTokenHandler.CurrentUserOf(User);
        return caller.IsAdmin && caller.Affiliate is not null;
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        Affiliate = caller.Affiliate!;
        Positions = await data.PositionsAsync(Affiliate, writes.Now, ct);
        Leaders = await lists.OfAffiliateAsync(Affiliate, ct);
        Names = Leaders.ToDictionary(l => l.Id, l => l.DisplayName);
        return Page();
    }
}
