using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.Demographics;
using LeaderJourney.Domain.Demographics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Journey;

/// <summary>
/// The leader's own demographics, with consent, and withdrawing it: the same commands the API sends.
/// The leader picks from the values their affiliate reports on, or describes themself in their own words
/// (counted only as "self-described").
/// </summary>
public sealed class DemographicsModel(DemographicsWrites writes, StreamCommandBus commands, DemographicLists lists) : PageModel
{
    public const string OwnWords = "self";

    /// <summary>Whether the stored answers are given with consent (the withdrawal is offered then).</summary>
    public bool HasConsented { get; private set; }
    /// <summary>Whether the consent box is ticked: as stored, or as sent when a save was refused.</summary>
    public bool Consented { get; private set; }
    public IReadOnlyList<string> RaceChoices { get; private set; } = [];
    public IReadOnlyList<string> GenderChoices { get; private set; } = [];
    public IReadOnlyList<string> JobChoices { get; private set; } = [];
    public IReadOnlySet<string> Race { get; private set; } = new HashSet<string>();
    public string? RaceOwn { get; private set; }
    /// <summary>Whether "self-describe" is ticked for race/ethnicity (a refused save may leave words in the box unticked).</summary>
    public bool RaceOwnChosen { get; private set; }
    /// <summary>The questions whose "self-describe" the leader unchose in a save that was refused (see <see cref="OnPostRecordAsync"/>).</summary>
    public IReadOnlySet<string> Unchosen { get; private set; } = new HashSet<string>();
    public string? Gender { get; private set; }
    public string? GenderOwn { get; private set; }
    public string? Job { get; private set; }
    public string? JobOwn { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostRecordAsync(string[]? race, string? raceOwn, string? gender, string? genderOwn, string? job, string? jobOwn, bool consent,
        string[]? ownShown, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        // What is stored, as the form showed it: its own words come back in their boxes.
        if (await Load(ct) is not PageResult) return Forbid();
        var (storedRace, storedGender, storedJob) = (RaceOwn, GenderOwn, JobOwn);
        // Words newly typed in a box are meant: with nothing else chosen they are the answer, as if "self-describe"
        // had been picked; beside another choice the page asks which, rather than drop them. Words as stored, with
        // "self-describe" unticked or another answer chosen, are left behind: that is how they are removed. So are
        // any words whose "self-describe" the form showed chosen and the leader unchose (`ownShown`): after a
        // refused save the box holds words never stored, and unticking is still what the leader meant.
        var shownChosen = (ownShown ?? []).ToHashSet();
        race ??= [];
        if (Typed(raceOwn, storedRace) && !race.Contains(OwnWords) && !shownChosen.Contains("race")) race = [.. race, OwnWords];
        gender = shownChosen.Contains("gender") ? gender : Own(gender, genderOwn, storedGender);
        job = shownChosen.Contains("job") ? job : Own(job, jobOwn, storedJob);
        if (!consent) Error = "Tick the consent box to save: without your consent nothing is stored.";
        else if (Both(gender, genderOwn, storedGender) || Both(job, jobOwn, storedJob))
            Error = "You chose an answer and also typed your own words for the same question: keep one of them.";
        // Ticked with its box left empty, "self-describe" was dropped without a word and the page said "Saved".
        else if (race.Contains(OwnWords) && string.IsNullOrWhiteSpace(raceOwn))
            Error = "You chose to describe your race or ethnicity in your own words but left the box empty: type them, or choose another answer.";
        else if (gender == OwnWords && string.IsNullOrWhiteSpace(genderOwn))
            Error = "You chose to describe your gender in your own words but left the box empty: type them, or choose another answer.";
        else if (job == OwnWords && string.IsNullOrWhiteSpace(jobOwn))
            Error = "You chose to describe your job in your own words but left the box empty: type them, or choose another answer.";
        else
        {
            var values = race.Where(v => v != OwnWords).Concat(race.Contains(OwnWords) && !string.IsNullOrWhiteSpace(raceOwn) ? [raceOwn] : []).ToArray();
            Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
                new RecordDemographicsCommand(leaderId, values, gender == OwnWords ? genderOwn : gender, job == OwnWords ? jobOwn : job, consent)
                    { Sender = new(caller, PageCommands.Options(Request, "demographics")) }, ct));
            Message = Error is null ? "Saved. Thank you." : null;
        }
        var page = await Load(ct);
        // Refused, the form shows what was sent, not what is stored, so nothing typed or chosen is lost.
        if (Error is not null)
        {
            Race = race.Where(v => v != OwnWords).ToHashSet();
            (RaceOwn, RaceOwnChosen) = (string.IsNullOrWhiteSpace(raceOwn) ? null : raceOwn, race.Contains(OwnWords));
            (Gender, GenderOwn, Job, JobOwn, Consented) = (Blank(gender), genderOwn, Blank(job), jobOwn, consent);
            // Unchosen by the leader and shown again unchosen, with their words: sent again, they are still unchosen, not newly typed.
            Unchosen = shownChosen;
        }
        return page;

        static bool Typed(string? words, string? stored) => !string.IsNullOrWhiteSpace(words) && words.Trim() != stored;
        static string? Own(string? chosen, string? words, string? stored) => string.IsNullOrEmpty(chosen) && Typed(words, stored) ? OwnWords : chosen;
        static bool Both(string? chosen, string? words, string? stored) => !string.IsNullOrEmpty(chosen) && chosen != OwnWords && Typed(words, stored);
        static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }

    public async Task<IActionResult> OnPostWithdrawAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
            new WithdrawDemographicsConsentCommand(leaderId) { Sender = new(caller, PageCommands.Options(Request, "demographics")) }, ct));
        Message = Error is null ? "Your consent is withdrawn: what you gave is deleted, and you are no longer counted." : null;
        return await Load(ct);
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId || caller.Affiliate is not { } affiliate) return Forbid();
        var state = await writes.OwnAsync(leaderId, caller, ct);
        (RaceChoices, GenderChoices, JobChoices) = (lists.For(affiliate, "raceEthnicity"), lists.For(affiliate, "gender"), lists.For(affiliate, "jobCategory"));
        Consented = HasConsented = state.Consented;
        // What the leader gave, shown as they gave it: listed values ticked, their own words in the text box.
        string Counted(string category, string value) => lists.CountedAs(affiliate, category, value);
        Race = state.RaceEthnicity.Select(v => Counted("raceEthnicity", v)).Where(v => v != DemographicLists.SelfDescribed).ToHashSet();
        RaceOwn = string.Join(", ", state.RaceEthnicity.Where(v => Counted("raceEthnicity", v) == DemographicLists.SelfDescribed)) is { Length: > 0 } own ? own : null;
        RaceOwnChosen = RaceOwn is not null;
        (Gender, GenderOwn) = Split("gender", state.Gender);
        (Job, JobOwn) = Split("jobCategory", state.JobCategory);
        return Page();

        (string?, string?) Split(string category, string? value) =>
            value is null ? (null, null) : Counted(category, value) is var counted && counted == DemographicLists.SelfDescribed ? (OwnWords, value) : (counted, null);
    }
}
