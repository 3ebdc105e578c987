using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.Learning;
using LeaderJourney.Core.Leaders.SignOffs;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Journey;

public sealed record LevelText(int Number, string Name, string Descriptor, string Considerations);

/// <summary>One thing logged for a theme: when, at which level, what it was, what its author wrote (a mentor's note, say), and the evidence's link.</summary>
/// <param name="SignOff">A mentor's sign-off, its withdrawal or a declined request, shown among what was logged but no learning of the leader's.</param>
/// <param name="Removable">A training or piece of evidence the leader logged themself, which they may remove (logged by mistake): its id and which it is.</param>
/// <param name="TakesBack">The lowest level removing the training would take back (with those above it): said in its form before the leader removes it.</param>
public sealed record LoggedItem(DateOnly? On, int Level, string What, string? Said = null, string? Link = null, bool SignOff = false, (Guid Id, bool Training)? Removable = null,
    int? TakesBack = null)
{
    /// <summary>A link of another scheme is shown, never made clickable (as in the mentor's queue).</summary>
    public bool Clickable => Uri.TryCreate(Link, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}

/// <summary>
/// One theme of the leader's framework: what its next level asks for, what the leader has already
/// logged for it, who signs it off, and the leader's own steps towards it (learning first, then the
/// request for a sign-off, or the request already waiting).
/// </summary>
public sealed class ThemeModel(LeaderReader reader, FrameworkCatalog catalog, AccessDirectory directory, StreamCommandBus commands, AttainmentPolicies policies,
    TimeProvider clock, Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Code { get; set; } = "";
    public string Title { get; private set; } = "";
    public int Level { get; private set; }
    /// <summary>The journey's status: a paused or withdrawn one records nothing, so the page offers no form that can only be refused.</summary>
    public LeaderStatus Status { get; private set; }
    public LevelText? NextLevel { get; private set; }
    public string DomainName { get; private set; } = "";
    public IReadOnlyList<string> MentorNames { get; private set; } = [];
    public IReadOnlyList<LoggedItem> Logged { get; private set; } = [];
    /// <summary>The request for the next level already waiting, if any.</summary>
    public PendingSignOff? Waiting { get; private set; }
    /// <summary>What the next level still lacks under the affiliate's rule.</summary>
    public LevelNeeds NextNeeds { get; private set; } = LevelNeeds.None;
    /// <summary>The mentors whose sign-off of the next level stands.</summary>
    public IReadOnlyList<string> SignedOffBy { get; private set; } = [];

    /// <summary>The last decline of the next level, with who declined it and why: what to mend before asking again.</summary>
    public (string Mentor, DateTimeOffset On, string Reason)? LastDecline { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await Load(ct)) return Page();
        // A code typed in another case (com.1) opens the theme's own address, whose forms then send its code as the framework spells it.
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return NotFound();
        var spelt = (await reader.LoadForCallerAsync(leaderId, caller, ct)).Scope.ThemeToDomain.Keys.FirstOrDefault(k => string.Equals(k, Code.Trim(), StringComparison.OrdinalIgnoreCase));
        return spelt is null ? NotFound() : Redirect($"/journey/theme/{Uri.EscapeDataString(spelt)}");
    }

    public async Task<IActionResult> OnPostRequestAsync(CancellationToken ct)
    {
        var page = await Write("", (leaderId, sender) => new RequestSignOffCommand(leaderId, Code, null) { Sender = sender, AtNextLevel = true }, ct);
        if (Error is null) Message = MentorNames.Count == 1 ? T["Your sign-off request is in your mentor's queue."] : T["Your sign-off request is in your mentors' queue."];
        return page;
    }

    /// <summary>Takes back the request still waiting (the command POST /api/leaders/{id}/sign-off-request-withdrawals sends).</summary>
    public async Task<IActionResult> OnPostWithdrawRequestAsync(int level, CancellationToken ct)
    {
        var page = await Write("", (leaderId, sender) => new WithdrawSignOffRequestCommand(leaderId, Code, level) { Sender = sender }, ct);
        // A page opened before the mentor answered: what happened meanwhile, rather than "nothing is waiting".
        if (Error is not null && Waiting is null)
        {
            if (Level >= level) Error = T["Your mentor signed off Level {0} meanwhile: it is attained, and there is no request left to withdraw.", level];
            else if (LastDecline is not null && NextLevel?.Number == level) Error = T["Your mentor declined this request meanwhile: their reason is below, under “Ask for a sign-off”."];
        }
        if (Error is null)
            Message = MentorNames.Count == 1 ? T["Your request is withdrawn: it is no longer in your mentor's queue."] : T["Your request is withdrawn: it is no longer in your mentors' queue."];
        return page;
    }

    /// <summary>Today, the latest day a training can have been completed on.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// The section whose form was sent: its outcome is shown there, and the form's address ends in its id, so a
    /// phone opens the answer at the form rather than a screen or more above it.
    /// </summary>
    public string? PostedTo => Request.Method == "POST"
        ? Request.Query["handler"].ToString() switch { "training" => "training", "evidence" => "evidence", "assessment" => "self", "request" or "withdrawRequest" => "request", "remove" => "logged", _ => null }
        : null;

    public Task<IActionResult> OnPostTrainingAsync(string? title, DateOnly? completedOn, decimal? hours, CancellationToken ct) =>
        // The form's date field sends nothing for a date it cannot read: said in the page's words, not the API's.
        completedOn is not { } on || on > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)
            ? Refuse(T["Give the date you completed it (not in the future)."], ct)
            : on < Dates.EarliestLearning
            ? Refuse(T["{0} is long ago: check the year of the date.", on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)], ct)
            // Hours that are not a number bind as none: refused, rather than the training saved without them.
            : ModelState.TryGetValue(nameof(hours), out var sent) && sent.Errors.Count > 0
            ? Refuse(T["Give the hours as a number, such as 2 or 1.5, or leave them empty."], ct)
            : Write(T["Training added."], (leaderId, sender) =>
                new RecordTrainingCommand(leaderId, title, Code, null, hours, on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) { Sender = sender, AtNextLevel = true }, ct);

    public Task<IActionResult> OnPostEvidenceAsync(string? link, string? note, CancellationToken ct) =>
        Write(T["Evidence added."], (leaderId, sender) => new AddEvidenceCommand(leaderId, Code, null, WithScheme(link), note) { Sender = sender, AtNextLevel = true }, ct);

    /// <summary>
    /// An address typed as people say it (example.org/my-talk) is given https://, so it opens for the mentor; the
    /// field is a text field, as a browser's URL field refused such an address with a message of its own.
    /// </summary>
    public static string? WithScheme(string? link) =>
        string.IsNullOrWhiteSpace(link) || link.Contains("://", StringComparison.Ordinal) || link.Contains(' ', StringComparison.Ordinal) || !link.Trim().Contains('.', StringComparison.Ordinal)
            || link.TrimStart().StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)
            ? link : "https://" + link.Trim();

    /// <summary>Removes a training or a piece of evidence the leader logged by mistake (the command POST /api/leaders/{id}/training-withdrawals or evidence-withdrawals sends).</summary>
    public async Task<IActionResult> OnPostRemoveAsync(Guid id, bool training, string? reason, CancellationToken ct)
    {
        // The level held before, to say when the training took one back with it.
        if (!await Load(ct)) return NotFound();
        var before = Level;
        var page = await Write(training ? T["The training is removed: it no longer counts."] : T["The evidence is removed."], (leaderId, sender) => training
            ? new WithdrawTrainingCommand(leaderId, id.ToString(), reason) { Sender = sender }
            : new WithdrawEvidenceCommand(leaderId, id.ToString(), reason) { Sender = sender }, ct);
        if (Error is null && Level < before) Message += " " + T["You no longer hold this theme at Level {0} or above: the level stood on this training.", Level + 1].Value;
        return page;
    }

    public Task<IActionResult> OnPostAssessmentAsync(int level, string? note, CancellationToken ct) =>
        Write(T["Self-assessment recorded."], (leaderId, sender) => new RecordAssessmentCommand(leaderId, Code, level, "self", note) { Sender = sender }, ct);

    /// <summary>Sends the leader's own command about this theme; learning and requests are for the level after the one attained, decided with the command.</summary>
    private async Task<IActionResult> Write(string done, Func<Guid, Sender, LeaderCommand> command, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(command(leaderId, new Sender(caller, PageCommands.Options(Request, Code))), ct));
        Message = Error is null ? done : null;
        return await Load(ct) ? Page() : NotFound();
    }

    private async Task<IActionResult> Refuse(string error, CancellationToken ct)
    {
        Error = error;
        return await Load(ct) ? Page() : NotFound();
    }

    private async Task<bool> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return false;
        var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        if (!loaded.Scope.ThemeToDomain.ContainsKey(Code)) return false;
        var state = loaded.State;
        Level = state.LevelOf(Code);
        Status = state.Status;
        Waiting = state.PendingSignOffs.FirstOrDefault(p => p.ThemeCode == Code);
        var mentors = await directory.MentorNamesAsync(state.Affiliate, ct);
        MentorNames = state.Mentors.Where(mentors.ContainsKey).Select(id => mentors[id]).Order().ToList();
        // Trainings keep the day they were completed; evidence and assessments the day they were logged.
        // What was logged is read from the events: the leader's state keeps only what decisions need.
        // Newest first, and within a day the latest first (the sort keeps the reversed stream's order).
        // What was withdrawn (logged by mistake) is no longer shown; the timeline keeps that it was.
        var withdrawn = LearningOnRecord.Withdrawn(loaded.Events);
        var withdrawnDeclines = LearningOnRecord.WithdrawnDeclines(loaded.Events);
        (Guid, bool)? Removable(Guid id, Guid by, bool training) => by == caller.UserId && Status == LeaderStatus.Active ? (id, training) : null;
        var policy = policies.For(state.Affiliate);
        int? TakesBack(TrainingCompleted t, long version) => t.RecordedBy == caller.UserId && Status == LeaderStatus.Active
            ? LearningAtStake.LevelTakenBackByTraining(state, new RecordedLearning(t.TrainingId, t.ThemeCode, t.Level, version, t.RecordedBy), policy) : null;
        Logged = loaded.Events.Reverse().Select(e => e.Data switch
            {
                TrainingCompleted t when t.ThemeCode == Code && !withdrawn.Contains(t.TrainingId) =>
                    new LoggedItem(t.CompletedOn, t.Level, t.Hours is { } h ? T["Training “{0}”, {1} hours", t.Title, h.ToString("0.#", System.Globalization.CultureInfo.CurrentCulture)] : T["Training “{0}”", t.Title],
                        Removable: Removable(t.TrainingId, t.RecordedBy, training: true), TakesBack: TakesBack(t, e.Version)),
                EvidenceAdded x when x.ThemeCode == Code && !withdrawn.Contains(x.EvidenceId) =>
                    new LoggedItem(JourneyTimeline.HappenedOn(e), x.Level, x.Note is { Length: > 0 } note ? T["Evidence: {0}", note] : T["Evidence"], Link: Blank(x.Link),
                        Removable: Removable(x.EvidenceId, x.AddedBy, training: false)),
                // What the mentor wrote is theirs to the leader: shown with who wrote it.
                AssessmentRecorded a when a.ThemeCode == Code && !withdrawn.Contains(a.AssessmentId) => new LoggedItem(JourneyTimeline.HappenedOn(e), a.Level,
                    a.Kind switch
                    {
                        AssessmentKind.Self => T["Your self-assessment"],
                        AssessmentKind.Mentor => mentors.TryGetValue(a.AssessorUserId, out var by) ? T["Your mentor {0}'s assessment", by] : T["Your mentor's assessment"],
                        _ => T["A peer's assessment"],
                    }, Blank(a.Note)),
                LevelSignedOff s when s.ThemeCode == Code => new LoggedItem(JourneyTimeline.HappenedOn(e), s.Level,
                    T["Signed off by {0}", mentors.TryGetValue(s.MentorUserId, out var signer) ? signer : T["a mentor"].Value], Blank(s.Note), SignOff: true),
                // A decline's reason stays here after the level moves on (the notification of it links here); one its mentor withdrew
                // is said so, without its words (often a note meant for a sign-off).
                SignOffDeclined d when d.ThemeCode == Code && withdrawnDeclines.Contains(e.Version) => new LoggedItem(JourneyTimeline.HappenedOn(e), d.Level,
                    T["{0} declined your request for a sign-off, then withdrew the decline", mentors.TryGetValue(d.MentorUserId, out var undid) ? undid : T["a mentor"].Value], null, SignOff: true),
                SignOffDeclined d when d.ThemeCode == Code => new LoggedItem(JourneyTimeline.HappenedOn(e), d.Level,
                    T["{0} declined your request for a sign-off", mentors.TryGetValue(d.MentorUserId, out var decliner) ? decliner : T["a mentor"].Value], Blank(d.Reason), SignOff: true),
                SignOffRevoked r when r.ThemeCode == Code => new LoggedItem(JourneyTimeline.HappenedOn(e), r.Level,
                    T["The sign-off by {0} was withdrawn", mentors.TryGetValue(r.MentorUserId, out var withdrawn) ? withdrawn : T["a mentor"].Value], Blank(r.Reason), SignOff: true),
                _ => null,
            })
            .OfType<LoggedItem>()
            .OrderByDescending(i => i.On).ToList();
        static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
        using var content = JsonDocument.Parse((await catalog.GetAsync(loaded.State.FrameworkEditionId, ct))!.ToJsonString());
        var domain = content.RootElement.GetProperty("domains").EnumerateArray()
            .Single(d => d.GetProperty("themes").EnumerateArray().Any(t => t.GetProperty("code").GetString() == Code));
        DomainName = domain.GetProperty("name").GetString()!;
        var theme = domain.GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == Code);
        Title = theme.GetProperty("title").GetString()!;
        NextLevel = theme.GetProperty("levels").EnumerateArray()
            .Select(l => new LevelText(l.GetProperty("number").GetInt32(), l.GetProperty("name").GetString()!, l.GetProperty("descriptor").GetString()!, l.GetProperty("considerations").GetString()!))
            .FirstOrDefault(l => l.Number == Level + 1);
        if (NextLevel is { } next)
        {
            NextNeeds = AttainmentRule.Needs(state, Code, next.Number, policy);
            SignedOffBy = state.SignOffs.Where(s => s.ThemeCode == Code && s.Level == next.Number)
                .Select(s => mentors.TryGetValue(s.MentorUserId, out var name) ? name : T["a mentor"].Value).Order().ToList();
            // A decline stands until the level moves on (a new request, a sign-off, an attainment or a revocation) or its mentor withdraws it.
            SignOffDeclined? declined = null;
            foreach (var data in loaded.Events.Select(e => e.Data))
                declined = data switch
                {
                    SignOffDeclined d when d.ThemeCode == Code && d.Level == next.Number => d,
                    SignOffRequested r when r.ThemeCode == Code && r.Level == next.Number => null,
                    SignOffDeclineWithdrawn w when w.ThemeCode == Code && w.Level == next.Number => null,
                    LevelSignedOff s when s.ThemeCode == Code && s.Level == next.Number => null,
                    SignOffRevoked v when v.ThemeCode == Code && v.Level == next.Number => null,
                    LevelAttained a when a.ThemeCode == Code && a.Level == next.Number => null,
                    LevelAttainmentRevoked x when x.ThemeCode == Code && x.Level == next.Number => null,
                    _ => declined,
                };
            if (declined is not null)
                LastDecline = (mentors.TryGetValue(declined.MentorUserId, out var by) ? by : T["a mentor"].Value, declined.DeclinedAt, declined.Reason);
        }
        return true;
    }
}
