using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.SignOffs;
using LeaderJourney.Core.Privacy.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>
/// One of the mentor's mentees as the mentor needs them: where they stand on every theme, what waits
/// for a sign-off, and their timeline; and, after meeting them, the mentor's own assessment of a theme
/// at a level, with the sign-off of that level if they give it (the API's commands, assessment first).
/// Only for a mentor assigned to the leader; the read goes into the audit of sensitive reads, as
/// staff's reads of a record do.
/// </summary>
public sealed class MenteeModel(LeaderJourney.Core.Succession.LeaderPositions.LeaderPositionsQuery leaderPositions, LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkWords frameworkWords, LeaderReader reader, FrameworkCatalog catalog, AccessDirectory directory, SensitiveReads audit,
    StreamCommandBus commands, AttainmentPolicies policies, Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    /// <summary>What the assessment form sent, shown again when it is refused so nothing has to be chosen or typed again.</summary>
    public (string? ThemeCode, int? Level, string? Note, bool SignOff)? Sent { get; private set; }

    /// <summary>
    /// The theme the form starts at: one chosen in the grid (<c>?theme=</c>), at the level the leader waits
    /// a sign-off for or works towards; else the one request waiting; else none, so the mentor chooses.
    /// </summary>
    public (string ThemeCode, int Level)? Chosen { get; private set; }

    [BindProperty(SupportsGet = true, Name = "theme")] public string? ChosenTheme { get; set; }

    /// <summary>The theme and level the form starts at, by name, with what the framework says that level asks.</summary>
    public (string Theme, int Level, string Asks)? ChosenAsks { get; private set; }

    /// <summary>The form was asked for at a theme of the grid: it opens there.</summary>
    public bool ChosenInGrid => ChosenTheme is not null && Chosen?.ThemeCode == ChosenTheme;

    /// <param name="level">Null for "The next level" of the theme chosen, as the grid shows it when the form was sent.</param>
    public async Task<IActionResult> OnPostAssessAsync(string? themeCode, int? level, string? note, bool signOff, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor) return Forbid();
        if (await AssignedAsync(caller, ct) is not { } before) return NotFound();
        var theme = themeCode is not null && before.Scope.ThemeToDomain.ContainsKey(themeCode) ? before.Scope.TitleOf(themeCode) : themeCode ?? "";
        // A theme not in the grid is refused by the command, before its level counts.
        var row = level is null ? (await ProgressGrid.OfAsync(before, catalog, policies.For(before.State.Affiliate), ct)).ThemeAt(themeCode) : null;
        if (row is { EveryLevelAttained: true })
        {
            (Error, Sent) = (T["Every level of {0} is attained: choose the level it is for.", theme].Value, (themeCode, level, note, signOff));
            return await OnGetAsync(ct);
        }
        var at = level ?? row?.NextLevel ?? 1;
        var outcome = await MentorSteps.TakeAsync(new MentorStep(Assess: true, note, signOff, null), caller, Request, Id, themeCode, theme, at, commands, reader, policies, T, ct);
        (Error, Message) = (outcome.Error, outcome.Message);
        // Refused before anything was recorded: the form shows what was chosen and typed.
        if (outcome.Error is not null && outcome.Message is null) Sent = (themeCode, level, note, signOff);
        return await OnGetAsync(ct);
    }

    /// <summary>Withdraws one of this mentor's own sign-offs, with the reason the leader is shown (the API's sign-off revocation).</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(string? themeCode, int level, string? reason, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor) return Forbid();
        if (await AssignedAsync(caller, ct) is not { } before) return NotFound();
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(new RevokeSignOffCommand(Id, themeCode, level, null, reason)
            { Sender = new(caller, PageCommands.Options(Request, "withdraw sign-off")) }, ct));
        if (Error is null)
        {
            var after = await reader.LoadForCallerAsync(Id, caller, ct);
            Message = StandingSignOffsView.Withdrawn(T, before.Scope.TitleOf(themeCode!), level, null,
                before.State.HasAttained(themeCode!, level), after.State.HasAttained(themeCode!, level));
        }
        return await OnGetAsync(ct);
    }

    /// <summary>
    /// Withdraws one of this mentor's declines that is still the last word on its level (a mind changed after the queue's
    /// undo was gone): the request waits for the leader's mentors again, as old as it was.
    /// </summary>
    /// <param name="version">The decline's stream version, as the page showed it: a later decline of the level is not withdrawn by a stale form.</param>
    public async Task<IActionResult> OnPostWithdrawDeclineAsync(string? themeCode, int? level, long? version, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor) return Forbid();
        if (await AssignedAsync(caller, ct) is not { } before) return NotFound();
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(new WithdrawDeclineCommand(Id, themeCode, level, version)
            { Sender = new(caller, PageCommands.Options(Request, "withdraw decline")) }, ct));
        if (Error is null)
            Message = T["Your decline of {0}, Level {1} is withdrawn: the request waits for a sign-off again, in your queue.", before.Scope.TitleOf(themeCode!), level ?? 0].Value;
        return await OnGetAsync(ct);
    }

    /// <summary>
    /// Withdraws one of this mentor's own assessments, recorded by mistake (a tap too many, the wrong theme or level): it no
    /// longer counts as learning, and a level that stood on it alone is taken back. The leader's timeline keeps both, with the reason.
    /// </summary>
    /// <param name="reason">Why, for the leader's timeline (optional).</param>
    public async Task<IActionResult> OnPostWithdrawAssessmentAsync(Guid? assessmentId, string? reason, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor) return Forbid();
        if (await AssignedAsync(caller, ct) is not { } before) return NotFound();
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(new LeaderJourney.Core.Leaders.Learning.WithdrawAssessmentCommand(Id, assessmentId?.ToString(), reason)
            { Sender = new(caller, PageCommands.Options(Request, "withdraw assessment")) }, ct));
        if (Error is null && before.Events.FirstOrDefault(e => e.Data is Domain.Leaders.AssessmentRecorded a && a.AssessmentId == assessmentId)?.Data is Domain.Leaders.AssessmentRecorded withdrawn)
        {
            var after = await reader.LoadForCallerAsync(Id, caller, ct);
            var theme = before.Scope.TitleOf(withdrawn.ThemeCode);
            // An assessment is learning for the levels below it too: what was taken back is read from the theme's level before and after.
            Message = after.State.LevelOf(withdrawn.ThemeCode) < before.State.LevelOf(withdrawn.ThemeCode)
                ? T["Your assessment of {0}, Level {1} is withdrawn, and the level it stood on is taken back.", theme, withdrawn.Level].Value
                : T["Your assessment of {0}, Level {1} is withdrawn: it no longer counts.", theme, withdrawn.Level].Value;
        }
        return await OnGetAsync(ct);
    }

    /// <summary>The leader, when this mentor is assigned to them; null otherwise (answered as a missing leader, as another affiliate's is).</summary>
    private async Task<LoadedLeader?> AssignedAsync(CurrentUser caller, CancellationToken ct)
    {
        try
        {
            var loaded = await reader.LoadForCallerAsync(Id, caller, ct);
            return loaded.State.Mentors.Contains(caller.UserId) ? loaded : null;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true, Name = "t")] public int TimelinePageNumber { get; set; } = 1;

    public string Name { get; private set; } = "";
    public string? Local { get; private set; }
    public string Status { get; private set; } = "";
    public int Waiting { get; private set; }
    /// <summary>The positions seen from this leader (<see cref="LeaderPositionsView"/>).</summary>
    public LeaderPositionsView? Positions { get; private set; }
    public IReadOnlyList<DomainRow> Domains { get; private set; } = [];
    public TimelinePage Timeline { get; private set; } = new([], 1, 1, 0);
    /// <summary>This mentor's sign-offs that stand on the leader's record.</summary>
    public IReadOnlyList<StandingSignOffRow> SignOffs { get; private set; } = [];

    /// <summary>This mentor's declines that are still the last word on their level (<c>Leader.Declines</c>), with what they wrote, newest first.</summary>
    public IReadOnlyList<(string ThemeCode, string ThemeTitle, int Level, long Version, DateTimeOffset At, string Reason)> Declines { get; private set; } = [];

    /// <summary>
    /// This mentor's own assessments that stand (not withdrawn), newest first, at most <see cref="AssessmentsShown"/>; with the lowest
    /// level withdrawing one would take back (to the leader's level now, <c>Held</c>), said in its form before the mentor withdraws it.
    /// </summary>
    public IReadOnlyList<(Guid Id, string ThemeTitle, int Level, DateTimeOffset At, string? Note, int? TakesBack, int Held)> Assessments { get; private set; } = [];
    public const int AssessmentsShown = 10;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor) return Forbid();
        if (await AssignedAsync(caller, ct) is not { } loaded) return NotFound();
        await audit.RecordAsync(caller, SensitiveReads.LeaderRecord, Id, loaded.State.Affiliate, ct);
        Name = loaded.State.DisplayName;
        Local = loaded.State.Local;
        Status = loaded.State.Status.ToString();
        Waiting = loaded.State.PendingSignOffs.Count;
        Domains = await ProgressGrid.OfAsync(loaded, catalog, policies.For(loaded.State.Affiliate), ct);
        // A withdrawn leader aims at nothing until staff make their journey active again: no positions to aim at.
        Positions = loaded.State.Status == LeaderJourney.Domain.Leaders.LeaderStatus.Withdrawn ? null : await leaderPositions.ForLeaderAsync(loaded.State.Affiliate, Id, forStaff: false, ct) is { } standings
            ? new(standings, await frameworkWords.LoadAsync(ct), LeaderPositionsView.Reader.Mentor,
            loaded.State.Status == LeaderJourney.Domain.Leaders.LeaderStatus.Active ? $"/mentor/mentees/{Id}?theme={{0}}#assess" : null)
            : null;
        var themes = Domains.SelectMany(d => d.Themes);
        Chosen = themes.FirstOrDefault(t => t.Code == ChosenTheme) is { } chosen ? (chosen.Code, chosen.NextLevel)
            : loaded.State.PendingSignOffs is [var only] ? (only.ThemeCode, only.Level) : null;
        // The form shows what was sent after a refusal, else where it starts: the level's words follow it.
        var shown = Sent is { ThemeCode: { } sentTheme } sent ? (sentTheme, sent.Level ?? Domains.ThemeAt(sentTheme)?.NextLevel ?? 1) : Chosen;
        ChosenAsks = shown is { } at && loaded.Scope.DescriptorOf(at.ThemeCode, at.Level) is { } asks ? (loaded.Scope.TitleOf(at.ThemeCode), at.Level, asks) : null;
        var mentorNames = await directory.MentorNamesAsync(loaded.State.Affiliate, ct);
        Timeline = JourneyTimeline.Of(loaded.Events, loaded.Scope, mentorNames, TimelinePageNumber, T);
        SignOffs = StandingSignOffsView.Of(loaded, mentorNames, onlyMentor: caller.UserId);
        Declines = [.. loaded.State.Declines.Where(d => d.MentorUserId == caller.UserId).OrderByDescending(d => d.Version)
            .Select(d => loaded.Events.FirstOrDefault(e => e.Version == d.Version)?.Data is Domain.Leaders.SignOffDeclined declined
                ? (d.ThemeCode, loaded.Scope.TitleOf(d.ThemeCode), d.Level, d.Version, declined.DeclinedAt, declined.Reason) : default)
            .Where(d => d.ThemeCode is not null)];
        var withdrawn = LearningOnRecord.Withdrawn(loaded.Events);
        var policy = policies.For(loaded.State.Affiliate);
        Assessments = [.. loaded.Events
            .Select(e => e.Data is Domain.Leaders.AssessmentRecorded a && a.AssessorUserId == caller.UserId && !withdrawn.Contains(a.AssessmentId) ? (Recorded: a, e.Version) : default)
            .Where(x => x.Recorded is not null).Reverse().Take(AssessmentsShown)
            .Select(x => (x.Recorded.AssessmentId, loaded.Scope.TitleOf(x.Recorded.ThemeCode), x.Recorded.Level, x.Recorded.RecordedAt, x.Recorded.Note,
                Domain.Leaders.LearningAtStake.LevelTakenBackByAssessment(loaded.State,
                    new(x.Recorded.AssessmentId, x.Recorded.ThemeCode, x.Recorded.Level, x.Version, x.Recorded.AssessorUserId, x.Recorded.Kind), policy),
                loaded.State.LevelOf(x.Recorded.ThemeCode)))];
        return Page();
    }
}
