using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.Mentors;
using LeaderJourney.Core.Leaders.SignOffs;
using LeaderJourney.Core.Leaders.Status;
using LeaderJourney.Core.Privacy.Erasure;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Staff;

/// <summary>
/// One leader, for staff: the record, mentors, status, progress on every theme and timeline, with the changes staff make there
/// (assign or end a mentor, correct the name, e-mail or local, record a training, give the leader a sign-in,
/// pause, withdraw, reactivate, erase), each the same
/// command the API sends.
/// A leader of another affiliate, or none, is "not found", as in the API.
/// </summary>
public sealed class LeaderModel(LeaderJourney.Core.Leaders.MentorActivity.MentorActivityQuery mentorActivity, LeaderJourney.Core.Succession.LeaderPositions.LeaderPositionsQuery leaderPositions, LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkWords frameworkWords, LeaderReader reader, AccessDirectory directory, StreamCommandBus commands, IMessageBus bus, LeaderJourney.Core.Leaders.Import.LeaderImport imports,
    LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkCatalog catalog, AttainmentPolicies policies, TimeProvider clock, LeaderJourney.Core.Leaders.LeaderLists lists,
    Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    /// <summary>The other leaders enrolled with the address a profile correction typed: not saved until staff tick that they share it.</summary>
    public IReadOnlyList<LeaderJourney.Core.Leaders.NamedLeader> SharingAddress { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "t")] public int TimelinePageNumber { get; set; } = 1;

    public Leader Record { get; private set; } = Leader.Initial;
    /// <summary>The framework and edition the leader is enrolled against.</summary>
    public string Framework { get; private set; } = "";
    public int LevelsAttained { get; private set; }
    public DateOnly? EnrolledOn { get; private set; }
    public IReadOnlyDictionary<Guid, string> MentorNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyDictionary<string, Guid> Mentors { get; private set; } = new Dictionary<string, Guid>();
    /// <summary>Each mentor's mentees still on their way, said beside their name where staff choose one to assign.</summary>
    public IReadOnlyDictionary<Guid, int> MenteeCounts { get; private set; } = new Dictionary<Guid, int>();
    /// <summary>Mentors whose sign-in is disabled: marked where they are assigned, and not offered.</summary>
    public IReadOnlySet<Guid> DisabledMentors { get; private set; } = new HashSet<Guid>();
    public TimelinePage Timeline { get; private set; } = new([], 1, 1, 0);
    /// <summary>The mentors' sign-offs that stand on the record.</summary>
    public IReadOnlyList<StandingSignOffRow> SignOffs { get; private set; } = [];

    /// <summary>A training, an assessment or a piece of evidence on the record, which staff withdraw when it was recorded by mistake.</summary>
    /// <param name="Kind">training, assessment or evidence: what the form withdraws.</param>
    /// <param name="What">A training's title, evidence's link and note, an assessment's note (what tells two of a day apart).</param>
    /// <param name="Assessed">An assessment's kind, for its label.</param>
    /// <param name="TakesBack">The lowest level withdrawing it would take back (with those above it), said in its form before staff withdraw it.</param>
    /// <param name="Held">The leader's level of the theme now, the highest one taken back.</param>
    public sealed record RecordedRow(Guid Id, string Kind, DateOnly On, string ThemeCode, string ThemeTitle, int Level, string What, AssessmentKind? Assessed = null,
        int? TakesBack = null, int Held = 0);

    public const string TrainingRow = "training", AssessmentRow = "assessment", EvidenceRow = "evidence";

    /// <summary>The trainings, assessments and evidence that stand (not withdrawn), newest first.</summary>
    public IReadOnlyList<RecordedRow> Recorded { get; private set; } = [];
    /// <summary>The positions seen from this leader (<see cref="LeaderPositionsView"/>).</summary>
    public LeaderPositionsView? Positions { get; private set; }
    public IReadOnlyList<DomainRow> Domains { get; private set; } = [];
    /// <summary>The user name the leader signs in with (and whether an admin disabled it), or null when they have no sign-in yet.</summary>
    public (string Username, bool Disabled)? LeaderSignIn { get; private set; }
    /// <summary>The user name typed into a refused sign-in form, shown again (the password is typed again).</summary>
    public string? SentUsername { get; private set; }
    /// <summary>A refused correction of the name, e-mail and local, shown again as typed.</summary>
    public (string? Name, string? Email, string? Local)? SentProfile { get; private set; }
    /// <summary>The values the profile form was opened with, sent back with it (<see cref="ProfileEdit"/>); none for the record's own.</summary>
    public (string? Name, string? Email, string? Local)? ShownProfile { get; private set; }
    /// <summary>A refused training, shown again as typed.</summary>
    public (string? ThemeCode, int? Level, string? Title, string? CompletedOn, string? Hours)? SentTraining { get; private set; }
    public (string? ThemeCode, int? Level, string? Note)? SentPeer { get; private set; }
    public string? Message { get; private set; }

    /// <summary>
    /// The section whose form was sent ("positions", "training", "peer", "sign-in"), which says its outcome where the
    /// page opens; null for the forms answered at the top of the page.
    /// </summary>
    public string? AnsweredIn { get; private set; }
    public string? Error { get; private set; }

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => Load(id, ct);

    /// <summary>Nominates the leader to a position from their record: the command <c>POST /api/positions/{id}/nominations</c> sends.</summary>
    public async Task<IActionResult> OnPostNominateAsync(Guid id, Guid positionId, CancellationToken ct)
    {
        // The page's own check (an affiliate's staff), before anything is sent: a national admin is turned away here, as from the page.
        if (!Staff(out var caller)) return Forbid();
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
            new LeaderJourney.Core.Succession.Positions.NominateCandidateCommand(positionId, id.ToString(), null) { Sender = new(caller, PageCommands.Options(Request, "nominate")) }, ct));
        var page = await Load(id, ct);
        if (Error is null) Message = Positions?.Standings.FirstOrDefault(p => p.PositionId == positionId) is { } position ? T["Nominated to {0}.", position.Title].Value : T["Nominated."].Value;
        if (Positions is not null)
        {
            AnsweredIn = "positions";
            Positions = Positions with { Outcome = (Message, Error) };
        }
        return page;
    }

    /// <summary>
    /// Everything held about the leader, for their request to see it: the export of
    /// <c>GET /api/leaders/{id}/personal-data</c>, audited there, without demographics (only the leader's own export holds them).
    /// </summary>
    public async Task<IActionResult> OnGetExportAsync(Guid id, [FromServices] LeaderJourney.Core.Privacy.SubjectAccess.SubjectAccessExport export, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        try
        {
            var document = await export.ExportAsync(id, caller, ct);
            return File(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document, System.Text.Json.JsonSerializerOptions.Web), "application/json",
                $"leader-{id}-personal-data-{clock.GetUtcNow():yyyy-MM-dd}.json");
        }
        catch (NotFoundException) { return NotFound(); }
    }

    public Task<IActionResult> OnPostAssignAsync(Guid id, Guid mentorId, CancellationToken ct) =>
        Send(id, caller => new AssignMentorCommand(id, mentorId.ToString()) { Sender = new(caller, PageCommands.Options(Request, "assign")) }, T["Mentor assigned."].Value, ct);

    public Task<IActionResult> OnPostUnassignAsync(Guid id, Guid mentorId, CancellationToken ct) =>
        Send(id, caller => new UnassignMentorCommand(id, mentorId.ToString()) { Sender = new(caller, PageCommands.Options(Request, "unassign")) },
            T["The mentor's assignment has ended; the sign-offs they gave stand."].Value, ct);

    /// <param name="shownName">The values the form showed when it was opened (<paramref name="shownEmail"/>, <paramref name="shownLocal"/>): a field
    /// staff left as it was keeps a change another staff member saved meanwhile, and a field both changed is not overwritten unseen.</param>
    public async Task<IActionResult> OnPostProfileAsync(Guid id, string? displayName, string? email, string? local, bool sharedAddress,
        string? shownName, string? shownEmail, string? shownLocal, CancellationToken ct)
    {
        // Answered in the form's own section, where the page lands: the top of the record is a screen above on a phone.
        AnsweredIn = "profile";
        var opened = Request.Form.ContainsKey("shownName");
        if (opened) ShownProfile = (shownName, shownEmail, shownLocal);
        if (opened && Staff(out var caller) && await BeforeAsync(id, caller, ct) is { } before)
        {
            var now = before.State;
            var name = ProfileEdit.Merge(shownName, displayName, now.DisplayName, StringComparer.Ordinal);
            var address = ProfileEdit.Merge(shownEmail, email, now.Email, StringComparer.OrdinalIgnoreCase);
            var place = ProfileEdit.Merge(shownLocal, local, now.Local, StringComparer.Ordinal);
            var changed = new List<string>();
            if (name.Conflict) changed.Add(T["the name is now “{0}”", now.DisplayName].Value);
            if (address.Conflict) changed.Add(T["the e-mail is now {0}", now.Email ?? ""].Value);
            if (place.Conflict) changed.Add(string.IsNullOrWhiteSpace(now.Local) ? T["the local is now empty"].Value : T["the local is now “{0}”", now.Local].Value);
            if (changed.Count > 0)
            {
                // What was typed stays in the fields both changed; the others show what merging gave (the other change, where
                // this form left a field as it was), so that saving again, now seen, overwrites only what was said.
                Error = T["Someone changed this record while your page was open: {0}. Nothing is saved; the form keeps what you typed: check it and save again.", string.Join("; ", changed)].Value;
                (SentProfile, ShownProfile) = ((name.Value, address.Value, place.Value), (now.DisplayName, now.Email, now.Local));
                return await Load(id, ct);
            }
            (displayName, email, local) = (name.Value, address.Value, place.Value);
        }
        // A new address another leader has is most often the same person enrolled twice, or a slip: said before
        // it is saved, as at enrolment (the import refuses such a row); a family's shared address is saved once ticked.
        if (!sharedAddress && await OthersWithAddressAsync(id, email, ct) is { Count: > 0 } others)
        {
            (SharingAddress, SentProfile) = (others, (displayName, email, local));
            return await Load(id, ct);
        }
        var result = await Send(id, caller => new LeaderJourney.Core.Leaders.Profile.ChangeLeaderProfileCommand(id, displayName, email, local) { Sender = new(caller, PageCommands.Options(Request, "profile")) },
            T["The name, e-mail and local are saved."].Value, ct);
        // A refused correction keeps what was typed, to be mended rather than typed again.
        if (Error is not null) SentProfile = (displayName, email, local);
        else ShownProfile = null;
        return result;
    }

    /// <summary>A peer's assessment as handed to staff: the command <c>POST /api/leaders/{id}/assessments</c> sends with kind <c>peer</c>; what was typed stays in the form after a refusal.</summary>
    public async Task<IActionResult> OnPostPeerAsync(Guid id, string? themeCode, int? level, string? note, CancellationToken ct)
    {
        var row = level is null ? await ThemeRowAsync(id, themeCode, ct) : null;
        var at = level ?? row?.NextLevel;
        // The form asks who assessed: an assessment nobody can trace is no evidence to sign off on.
        var result = row is { EveryLevelAttained: true } ? await Refuse(id, T["Every level of {0} is attained: choose the level it is for.", row.Title].Value, ct)
            : string.IsNullOrWhiteSpace(note)
            ? await Refuse(id, T["Say who assessed the leader and what they saw."].Value, ct)
            : await Send(id, caller => new LeaderJourney.Core.Leaders.Learning.RecordAssessmentCommand(id, themeCode, at, "peer", note) { Sender = new(caller, PageCommands.Options(Request, "peer")) },
                T["The peer's assessment of {0}, Level {1} is recorded.", await ThemeTitleAsync(themeCode, ct), at ?? 0].Value, ct);
        if (Error is not null) SentPeer = (themeCode, level, note);
        AnsweredIn = "peer";
        return result;
    }

    /// <summary>A training the leader completed, recorded by staff: the command POST /api/leaders/{id}/trainings sends.</summary>
    public async Task<IActionResult> OnPostTrainingAsync(Guid id, string? themeCode, int? level, string? title, DateOnly? completedOn, decimal? hours, CancellationToken ct)
    {
        var row = level is null ? await ThemeRowAsync(id, themeCode, ct) : null;
        var at = level ?? row?.NextLevel;
        var typedHours = ModelState.TryGetValue(nameof(hours), out var sent) ? sent.AttemptedValue : null;
        // Hours that are not a number bind as none: refused, rather than the training saved without them.
        var result = TrainingFormError(completedOn, sent, clock, T) is { } error ? await Refuse(id, error, ct)
            : row is { EveryLevelAttained: true } ? await Refuse(id, T["Every level of {0} is attained: choose the level it is for.", row.Title].Value, ct)
            : await Send(id, caller => new LeaderJourney.Core.Leaders.Learning.RecordTrainingCommand(id, title, themeCode, at, hours, completedOn!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                { Sender = new(caller, PageCommands.Options(Request, "training")) }, T["Training “{0}” recorded at {1}, Level {2}.", title ?? "", await ThemeTitleAsync(themeCode, ct), at ?? 0].Value, ct);
        if (Error is not null) SentTraining = (themeCode, level, title, completedOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), typedHours);
        AnsweredIn = "training";
        return result;
    }

    /// <summary>
    /// What is wrong with a training form's date or hours, in the page's words (the form's date field sends
    /// nothing for a date it cannot read; hours that are not a number bind as none), or null.
    /// </summary>
    public static string? TrainingFormError(DateOnly? completedOn, Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateEntry? hours, TimeProvider clock,
        Microsoft.Extensions.Localization.IStringLocalizer T) =>
        completedOn is not { } on || on > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime) ? T["Give the date the training was completed (not in the future)."].Value
        : on < Dates.EarliestLearning ? T["{0} is long ago: check the year of the date.", on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)].Value
        : hours is { Errors.Count: > 0 } ? T["Give the hours as a number, such as 2 or 1.5, or leave them empty."].Value
        : null;

    /// <summary>
    /// The theme's row in the leader's grid as it stands now, whose next level "The next level" stands for (<see cref="ProgressGrid.ThemeAt"/>);
    /// null for a leader or theme not found (the command refuses them).
    /// </summary>
    private async Task<ThemeRow?> ThemeRowAsync(Guid id, string? themeCode, CancellationToken ct)
    {
        if (!Staff(out var caller)) return null;
        try
        {
            // Not audited as a read of the record: the page shown after the write is (Load).
            var loaded = await reader.LoadForCallerAsync(id, caller, ct);
            return (await ProgressGrid.OfAsync(loaded, catalog, policies.For(loaded.State.Affiliate), ct)).ThemeAt(themeCode);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>The other leaders of the affiliate enrolled with <paramref name="email"/>, when it is not the leader's own already (none while the read model that keeps the addresses is being rebuilt).</summary>
    private async Task<IReadOnlyList<LeaderJourney.Core.Leaders.NamedLeader>> OthersWithAddressAsync(Guid id, string? email, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || !Staff(out var caller)) return [];
        try
        {
            if (string.Equals((await reader.LoadForCallerAsync(id, caller, ct)).State.Email?.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)) return [];
        }
        catch (NotFoundException)
        {
            return [];
        }
        return [.. (await lists.WithAddressAsync(caller.Affiliate!, [email], ct) ?? []).Select(f => f.Leader).Where(l => l.Id != id)];
    }

    private async Task<string> ThemeTitleAsync(string? themeCode, CancellationToken ct) => (await frameworkWords.LoadAsync(ct)).Of(themeCode ?? "");

    private Task<IActionResult> Refuse(Guid id, string error, CancellationToken ct)
    {
        Error = error;
        return Load(id, ct);
    }

    public Task<IActionResult> OnPostStatusAsync(Guid id, string? status, string? reason, CancellationToken ct) =>
        Send(id, caller => new ChangeLeaderStatusCommand(id, status, reason) { Sender = new(caller, PageCommands.Options(Request, "status")) }, status switch
        {
            ChangeLeaderStatusHandler.Paused => T["The journey is paused."].Value,
            ChangeLeaderStatusHandler.Withdrawn => T["The leader is withdrawn from the programme."].Value,
            _ => T["The journey is active again."].Value,
        }, ct);

    /// <summary>
    /// Gives the leader a sign-in of their own (the same command as POST /api/users with the leader role),
    /// with no password staff choose: a link with which the leader chooses their
    /// own (its first, which withdraws nothing), so no one at the affiliate knows it. The sign-in is made with
    /// a random password nobody sees, then the link, shown once to hand on.
    /// </summary>
    public async Task<IActionResult> OnPostSignInAsync(Guid id, string? username, CancellationToken ct)
    {
        Answer? created = null;
        var result = await Run(id, async caller => created = await bus.InvokeAsync<Answer>(
            new CreateUserCommand(username, PagePasswordLinks.NobodysPassword(), Roles.Leader, caller.Affiliate, id)
                { Sender = new(caller, PageCommands.Options(Request, "leader sign-in")) }, ct),
            T["The leader can now sign in as {0}.", username ?? ""].Value, ct);
        // Answered beside the form, far down a phone's page, where the page opens (asp-fragment).
        AnsweredIn = "sign-in";
        if (Error is not null) SentUsername = username;
        else if (created?.Body is CreatedBody body && Staff(out var caller))
        {
            (PasswordLink, var failed) = await PagePasswordLinks.MakeAsync(bus, caller, body.Id, username!, Request, ct);
            if (PasswordLink is null) Error = T["The sign-in is made, but no password link could be made ({0}): make one on the Users page.", failed ?? ""].Value;
        }
        return result;
    }

    /// <summary>The new sign-in's first password link, shown once to hand on.</summary>
    public ShownPasswordLink? PasswordLink { get; private set; }

    /// <summary>Erases the leader's personal data (docs/privacy.md), only with the confirmation box ticked, since it cannot be undone.</summary>
    public async Task<IActionResult> OnPostEraseAsync(Guid id, string? reason, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            Error = T["Tick the box to confirm the erasure: it cannot be undone."];
            return await Load(id, ct);
        }
        return await Run(id, caller => LeaderErasure.SendAsync(commands, imports, new EraseLeaderCommand(id, reason) { Sender = new(caller, PageCommands.Options(Request, "erase")) }, ct),
            T["The leader's personal data is erased; their levels and the counts stay."].Value, ct);
    }

    /// <summary>Withdraws a mentor's sign-off, with the reason the leader is shown (the API's sign-off revocation, as an admin).</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, string? themeCode, int level, Guid mentorUserId, string? reason, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        if (await BeforeAsync(id, caller, ct) is not { } before) return NotFound();
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(new RevokeSignOffCommand(id, themeCode, level, mentorUserId, reason)
            { Sender = new(caller, PageCommands.Options(Request, "withdraw sign-off")) }, ct));
        var page = await Load(id, ct);
        if (Error is null)
            Message = StandingSignOffsView.Withdrawn(T, before.Scope.TitleOf(themeCode!), level, MentorNames.GetValueOrDefault(mentorUserId) ?? T["a former mentor"].Value,
                before.State.HasAttained(themeCode!, level), Record.HasAttained(themeCode!, level));
        return page;
    }

    /// <summary>
    /// Withdraws a training, an assessment or a piece of evidence recorded by mistake (the API's withdrawals): it no
    /// longer counts, and a level that stood on a training or an assessment alone is taken back, as the answer says.
    /// </summary>
    /// <param name="kind">What is withdrawn (<see cref="RecordedRow.Kind"/>); a form of before it came sends <paramref name="training"/> alone.</param>
    public async Task<IActionResult> OnPostWithdrawLearningAsync(Guid id, Guid recordedId, bool training, string? kind, string? reason, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        if (await BeforeAsync(id, caller, ct) is not { } before) return NotFound();
        kind ??= training ? TrainingRow : EvidenceRow;
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(kind switch
        {
            TrainingRow => new LeaderJourney.Core.Leaders.Learning.WithdrawTrainingCommand(id, recordedId.ToString(), reason) { Sender = new(caller, PageCommands.Options(Request, "withdraw training")) },
            AssessmentRow => new LeaderJourney.Core.Leaders.Learning.WithdrawAssessmentCommand(id, recordedId.ToString(), reason) { Sender = new(caller, PageCommands.Options(Request, "withdraw assessment")) },
            _ => (LeaderJourney.Core.Leaders.LeaderCommand)new LeaderJourney.Core.Leaders.Learning.WithdrawEvidenceCommand(id, recordedId.ToString(), reason) { Sender = new(caller, PageCommands.Options(Request, "withdraw evidence")) },
        }, ct));
        var row = RecordedOf(before, policies.For(before.State.Affiliate)).FirstOrDefault(r => r.Id == recordedId);
        var page = await Load(id, ct);
        AnsweredIn = "recorded";
        if (Error is null && row is not null)
        {
            var theme = $"{row.ThemeTitle}, {T["Level {0}", row.Level]}";
            Message = row.Kind switch
            {
                TrainingRow => T["The training “{0}” for {1} is withdrawn: it no longer counts.", row.What, theme].Value,
                AssessmentRow => T["The assessment of {0} is withdrawn: it no longer counts.", theme].Value,
                _ => T["The evidence for {0} is withdrawn.", theme].Value,
            };
            // A level taken back takes those above it: said as one or as a range.
            var (held, holds) = (before.State.LevelOf(row.ThemeCode), Record.LevelOf(row.ThemeCode));
            if (holds < held)
                Message += " " + (row.Kind == AssessmentRow
                    ? held == holds + 1
                        ? T["{0}, Level {1} is no longer attained: it stood on this assessment.", row.ThemeTitle, held].Value
                        : T["{0} is no longer attained from Level {1} up: it stood on this assessment.", row.ThemeTitle, holds + 1].Value
                    : held == holds + 1
                        ? T["{0}, Level {1} is no longer attained: it stood on this training.", row.ThemeTitle, held].Value
                        : T["{0} is no longer attained from Level {1} up: it stood on this training.", row.ThemeTitle, holds + 1].Value);
        }
        return page;
    }

    /// <summary>The trainings, assessments and evidence of the record that stand, newest first.</summary>
    private static IReadOnlyList<RecordedRow> RecordedOf(LoadedLeader loaded, AttainmentPolicy policy)
    {
        var withdrawn = LearningOnRecord.Withdrawn(loaded.Events);
        var state = loaded.State;
        return [.. loaded.Events.Reverse().Select(e => e.Data switch
            {
                TrainingCompleted t when !withdrawn.Contains(t.TrainingId) => new RecordedRow(t.TrainingId, TrainingRow, t.CompletedOn, t.ThemeCode, loaded.Scope.TitleOf(t.ThemeCode), t.Level, t.Title,
                    TakesBack: LearningAtStake.LevelTakenBackByTraining(state, new RecordedLearning(t.TrainingId, t.ThemeCode, t.Level, e.Version, t.RecordedBy), policy), Held: state.LevelOf(t.ThemeCode)),
                // Who assessed is on the timeline; here the kind says whose it was, and the note tells two of a day apart.
                AssessmentRecorded a when !withdrawn.Contains(a.AssessmentId) => new RecordedRow(a.AssessmentId, AssessmentRow, JourneyTimeline.HappenedOn(e), a.ThemeCode, loaded.Scope.TitleOf(a.ThemeCode), a.Level,
                    a.Note ?? "", a.Kind,
                    LearningAtStake.LevelTakenBackByAssessment(state, new RecordedLearning(a.AssessmentId, a.ThemeCode, a.Level, e.Version, a.AssessorUserId, a.Kind), policy), state.LevelOf(a.ThemeCode)),
                EvidenceAdded x when !withdrawn.Contains(x.EvidenceId) => new RecordedRow(x.EvidenceId, EvidenceRow, JourneyTimeline.HappenedOn(e), x.ThemeCode, loaded.Scope.TitleOf(x.ThemeCode), x.Level,
                    string.Join(": ", new[] { x.Link, x.Note }.Where(s => !string.IsNullOrWhiteSpace(s)))),
                _ => null,
            }).OfType<RecordedRow>().OrderByDescending(r => r.On)];
    }

    /// <summary>The record as it stands before a withdrawal, to say what the withdrawal took back; null for no leader the caller may see.</summary>
    private async Task<LoadedLeader?> BeforeAsync(Guid id, CurrentUser caller, CancellationToken ct)
    {
        try
        {
            // Not audited as a read of the record: the page shown after the withdrawal is (Load).
            return await reader.LoadForCallerAsync(id, caller, ct);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private Task<IActionResult> Send(Guid id, Func<CurrentUser, StreamCommand> command, string done, CancellationToken ct) =>
        Run(id, caller => commands.InvokeAsync(command(caller), ct), done, ct);

    // The same way the API sends each command (the erasure through LeaderErasure.SendAsync).
    private async Task<IActionResult> Run(Guid id, Func<CurrentUser, Task> send, string done, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        Error = await PageCommands.TryAsync(() => send(caller));
        Message = Error is null ? done : null;
        return await Load(id, ct);
    }

    private bool Staff(out CurrentUser caller)
    {
        caller = BearerTokenHandler.CurrentUserOf(User);
        return caller.IsAdmin && caller.Affiliate is not null;
    }

    private async Task<IActionResult> Load(Guid id, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        LoadedLeader loaded;
        try
        {
            loaded = await reader.ReadRecordAsync(id, caller, ct);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        Record = loaded.State;
        LevelsAttained = loaded.State.Attainments.Count;
        EnrolledOn = loaded.Events.Select(e => e.Data).OfType<LeaderEnrolled>().Select(e => (DateOnly?)DateOnly.FromDateTime(e.EnrolledAt.UtcDateTime)).FirstOrDefault();
        Mentors = await directory.MentorsAsync(caller.Affiliate!, ct);
        MentorNames = await directory.MentorNamesAsync(caller.Affiliate!, ct);
        DisabledMentors = await directory.DisabledMentorsAsync(caller.Affiliate!, ct);
        MenteeCounts = await mentorActivity.MenteeCountsAsync(caller.Affiliate!, ct);
        Positions = await leaderPositions.ForLeaderAsync(caller.Affiliate!, id, forStaff: true, ct) is { } standings
            ? new(standings, await frameworkWords.LoadAsync(ct), LeaderPositionsView.Reader.Staff,
                NominateAction: loaded.State.Erased || loaded.State.Status == LeaderStatus.Withdrawn ? null : $"/staff/leaders/{id}?handler=nominate#positions")
            : null;
        Timeline = JourneyTimeline.Of(loaded.Events, loaded.Scope, MentorNames, TimelinePageNumber, T);
        LeaderSignIn = await directory.SignInOfLeaderAsync(id, ct);
        Domains = await ProgressGrid.OfAsync(loaded, catalog, policies.For(loaded.State.Affiliate), ct);
        SignOffs = StandingSignOffsView.Of(loaded, MentorNames);
        Recorded = RecordedOf(loaded, policies.For(loaded.State.Affiliate));
        Framework = (await catalog.ListAsync(ct)).FirstOrDefault(f => f.Id == loaded.State.FrameworkEditionId) is { } edition ? $"{edition.Name}, {edition.Edition}" : "";
        return Page();
    }
}
