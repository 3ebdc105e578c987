using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Journey;

/// <summary>One level a leader holds: the theme, when it was attained, and who signed it off.</summary>
public sealed record LevelHeld(string ThemeCode, string Theme, string Domain, int Level, DateOnly AttainedOn, IReadOnlyList<string> SignedOffBy);

/// <summary>One training a leader completed, as it was recorded.</summary>
public sealed record TrainingDone(DateOnly CompletedOn, string Title, string Theme, int Level, decimal? Hours);

/// <summary>
/// A leader's record of learning, to print or keep (an application, a CV): the levels they hold with the
/// day each was attained and who signed it off, and the trainings they completed. Read from their own
/// stream, as the journey's page reads it; the JSON export holds everything, this page what a reader asks for.
/// </summary>
public sealed class RecordModel(LeaderReader reader, AccessDirectory directory, TimeProvider clock) : PageModel
{
    public string Name { get; private set; } = "";
    public DateOnly Today { get; private set; }
    public IReadOnlyList<LevelHeld> Levels { get; private set; } = [];
    public IReadOnlyList<TrainingDone> Trainings { get; private set; } = [];
    public int Themes { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        var mentors = await directory.MentorNamesAsync(loaded.State.Affiliate, ct);
        var scope = loaded.Scope;
        Name = loaded.State.DisplayName;
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Themes = scope.ThemeCodes.Count;

        // The levels held and the sign-offs standing, as the leader's folded state has them (a sign-off withdrawn
        // since, by mistake, is not named, as the record's list of sign-offs leaves it out); the trainings from the events.
        var state = loaded.State;
        var withdrawn = LearningOnRecord.Withdrawn(loaded.Events);
        var trainings = loaded.Events.Select(e => e.Data).OfType<TrainingCompleted>().Where(t => !withdrawn.Contains(t.TrainingId))
            .Select(t => new TrainingDone(t.CompletedOn, t.Title, scope.TitleOf(t.ThemeCode), t.Level, t.Hours));
        var order = scope.ThemeCodes.Select((code, i) => (code, i)).ToDictionary(c => c.code, c => c.i);
        // A signer is named as people know them; one who is no longer a mentor (their role changed) by their user name.
        var signers = state.SignOffs.Select(s => s.MentorUserId).Distinct().Where(id => !mentors.ContainsKey(id)).ToList();
        var others = signers.Count == 0 ? new Dictionary<Guid, string>() : await directory.UsernamesAsync(signers, ct);
        string NameOf(Guid id) => mentors.TryGetValue(id, out var name) ? name : others.GetValueOrDefault(id, "");
        Levels = [.. state.Attainments.Where(a => order.ContainsKey(a.ThemeCode))
            .Select(a => new LevelHeld(a.ThemeCode, scope.TitleOf(a.ThemeCode), scope.TitleOf(scope.ThemeToDomain[a.ThemeCode]), a.Level, DateOnly.FromDateTime(a.AttainedAt.UtcDateTime),
                [.. state.SignOffs.Where(s => s.ThemeCode == a.ThemeCode && s.Level == a.Level).Select(s => NameOf(s.MentorUserId)).Where(n => n.Length > 0).Distinct().Order()]))
            .OrderBy(l => order[l.ThemeCode]).ThenBy(l => l.Level)];
        Trainings = [.. trainings.OrderByDescending(t => t.CompletedOn)];
        return Page();
    }
}
