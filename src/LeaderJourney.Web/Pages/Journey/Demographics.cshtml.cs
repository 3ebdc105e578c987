using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.Demographics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Journey;

/// <summary>The leader's own demographics, with consent, and withdrawing it: the same commands the API sends.</summary>
public sealed class DemographicsModel(DemographicsWrites writes, IMessageBus bus) : PageModel
{
    public bool Consented { get; private set; }
    public string? Race { get; private set; }
    public string? Gender { get; private set; }
    public string? Job { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostRecordAsync(string? race, string? gender, string? job, bool consent, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        if (!consent) Error = "Tick the consent box to save: without your consent nothing is stored.";
        else
        {
            var values = (race ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
                new RecordDemographicsCommand(leaderId, values, gender, job, consent) { Sender = new(caller, PageCommands.Options("demographics")) }, ct));
            Message = Error is null ? "Saved. Thank you." : null;
        }
        return await Load(ct);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new WithdrawDemographicsConsentCommand(leaderId) { Sender = new(caller, PageCommands.Options("demographics")) }, ct));
        Message = Error is null ? "Your consent is withdrawn: what you gave is deleted, and you are no longer counted." : null;
        return await Load(ct);
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        var state = await writes.OwnAsync(leaderId, caller, ct);
        (Consented, Race, Gender, Job) = (state.Consented, string.Join(", ", state.RaceEthnicity), state.Gender, state.JobCategory);
        return Page();
    }
}
