using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.EventStore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Web.Pages.Journey;

/// <summary>The leader's own demographics, with consent, and withdrawing it.</summary>
public sealed class DemographicsModel(Store store, StreamCommandPipeline pipeline, LeaderReader reader) : PageModel
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
        if (BearerTokenHandler.CurrentUserOf(User).LeaderId is null) return Forbid();
        if (!consent) Error = "Tick the consent box to save: without your consent nothing is stored.";
        else
        {
            var values = (race ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Error = await Decide(new RecordDemographics(values, gender, job, true, Actor(), pipeline.Now), ct);
            Message = Error is null ? "Saved. Thank you." : null;
        }
        return await Load(ct);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(CancellationToken ct)
    {
        if (BearerTokenHandler.CurrentUserOf(User).LeaderId is null) return Forbid();
        Error = await Decide(new WithdrawDemographicsConsent(Actor(), pipeline.Now), ct);
        Message = Error is null ? "Your consent is withdrawn: you are no longer counted." : null;
        return await Load(ct);
    }

    private Domain.Leaders.Actor Actor() => BearerTokenHandler.CurrentUserOf(User).ToActor();

    private Task<string?> Decide(object command, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        var leaderId = caller.LeaderId!.Value;
        return PageCommands.TryAsync(async () =>
        {
            var leader = await reader.LoadForCallerAsync(leaderId, caller, ct);
            await pipeline.RunAsync(DemographicsState.StreamIdFor(leaderId), caller, PageCommands.Options("demographics"), history =>
            {
                var state = history.Aggregate(DemographicsState.Initial, (s, e) => DemographicsState.Evolve(s, e.Data));
                var events = DemographicsState.Decide(leaderId, command, state);
                return Task.FromResult(new StreamDecision(state.Version, "demographics", leader.State.Affiliate, events, new Answer(200, new { })));
            }, ct);
        });
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        var state = (await store.ReadStreamAsync(DemographicsState.StreamIdFor(leaderId), ct: ct)).Aggregate(DemographicsState.Initial, (s, e) => DemographicsState.Evolve(s, e.Data));
        (Consented, Race, Gender, Job) = (state.Consented, string.Join(", ", state.RaceEthnicity), state.Gender, state.JobCategory);
        return Page();
    }
}
