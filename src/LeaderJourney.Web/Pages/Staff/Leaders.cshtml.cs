using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.Enrol;
using LeaderJourney.Core.Leaders.Mentors;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Staff;

/// <summary>
/// Staff find their leaders (search, filters, sort, pages of 50, done in the database), enrol them,
/// assign mentors and record a training the leaders they tick attended, through the same write path as
/// the API; each name opens the leader's page (<see cref="LeaderModel"/>), where status changes and erasure are.
/// </summary>
public sealed class LeadersModel(LeaderJourney.Core.Leaders.MentorActivity.MentorActivityQuery mentorActivity, LeaderLists lists, AccessDirectory directory, StreamCommandBus commands, FrameworkCatalog catalog, ReportService reports, ISentences sentences, TimeProvider clock,
    Microsoft.Extensions.Localization.IStringLocalizer<Texts> T, Core.Privacy.Audit.SensitiveReads audit) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    /// <summary>Every active leader shown starts ticked for the training form (a workshop's whole list, filtered by its local, say).</summary>
    [BindProperty(SupportsGet = true)] public bool TickAll { get; set; }
    [BindProperty(SupportsGet = true)] public string? LocalFilter { get; set; }
    /// <summary>A status, or "any"; none for the leaders on their way (active or paused), as the pipeline counts them.</summary>
    [BindProperty(SupportsGet = true)] public string? StatusFilter { get; set; }
    /// <summary>"stalled" for the leaders whose stage has not risen in twelve months (the pipeline report's), or none for all.</summary>
    [BindProperty(SupportsGet = true)] public string? ProgressFilter { get; set; }
    /// <summary>A mentor's user id, or "none" for leaders without a mentor.</summary>
    [BindProperty(SupportsGet = true)] public string? MentorFilter { get; set; }
    /// <summary>The stage (0 to 3, the highest level attained in any theme), or none for every stage.</summary>
    [BindProperty(SupportsGet = true)] public int? StageFilter { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public string Affiliate { get; private set; } = "";
    public LeaderPage List { get; private set; } = new([], 0, 1, 1);
    public IReadOnlyList<LeaderListing> Leaders => List.Leaders;
    public IReadOnlyDictionary<Guid, string> MentorNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyDictionary<string, Guid> Mentors { get; private set; } = new Dictionary<string, Guid>();
    /// <summary>The affiliate's locals as spelt on records, offered by the local filter and the enrol form, so one local is not typed three ways.</summary>
    public IReadOnlyList<string> Locals { get; private set; } = [];
    /// <summary>Each mentor's mentees still on their way, said beside their name where staff choose one to assign.</summary>
    public IReadOnlyDictionary<Guid, int> MenteeCounts { get; private set; } = new Dictionary<Guid, int>();
    /// <summary>Mentors whose sign-in is disabled: marked in the list, and not offered to assign.</summary>
    public IReadOnlySet<Guid> DisabledMentors { get; private set; } = new HashSet<Guid>();
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    /// <summary>The frameworks a leader may be enrolled against (the current edition of each); a choice is offered when there are several.</summary>
    public IReadOnlyList<FrameworkSummary> Frameworks { get; private set; } = [];
    public Guid? DefaultFramework { get; private set; }

    /// <summary>What the enrolment form sent, shown again when it is refused, so nothing typed or chosen is lost.</summary>
    public (string? DisplayName, string? Email, string? Local, string? FrameworkId)? Sent { get; private set; }

    /// <summary>
    /// Leaders already enrolled under the name or the e-mail address just sent (<c>SameAddress</c>): the
    /// enrolment waits until staff say this is someone else (<c>anotherPerson</c>), since the same person
    /// enrolled twice splits their journey in two (two people may share a name, or a household's address).
    /// </summary>
    public IReadOnlyList<(NamedLeader Leader, bool SameAddress)> AlreadyEnrolled { get; private set; } = [];

    /// <summary>The address sent could not be looked for among those enrolled (<see cref="LeaderLists.WithAddressAsync"/>): said with the outcome.</summary>
    public bool AddressUnchecked { get; private set; }

    /// <summary>The leader just enrolled: the page leads to their record, where a mentor and a sign-in are given.</summary>
    public (Guid Id, string Name)? EnrolledNow { get; private set; }

    /// <summary>The affiliate has no leader at all yet (not a filter finding none).</summary>
    public bool NoneEnrolled { get; private set; }

    public async Task<IActionResult> OnPostEnrolAsync(string? displayName, string? email, string? local, string? frameworkId, bool anotherPerson, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        var id = Guid.CreateVersion7();
        try
        {
            Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
                new EnrolLeaderCommand(id, caller.Affiliate, displayName, email, local, string.IsNullOrEmpty(frameworkId) ? null : frameworkId)
                    { Sender = new(caller, PageCommands.Options(Request, "enrol")), AsksIfEnrolled = !anotherPerson }, ct));
        }
        catch (AlreadyEnrolledException found)
        {
            AlreadyEnrolled = found.Leaders;
            Sent = (displayName, email, local, frameworkId);
            return await Load(ct);
        }
        AddressUnchecked = Error is null && !anotherPerson && !await lists.FindsAddressesAsync(ct);
        Message = Error is null ? T["Enrolled {0}.", displayName ?? ""].Value
            + (AddressUnchecked ? " " + T["Their address could not be checked against those enrolled: the leaders' list is being rebuilt after an upgrade."].Value : "") : null;
        if (Error is null) EnrolledNow = (id, displayName!.Trim());
        if (Error is not null) Sent = (displayName, email, local, frameworkId);
        return await Load(ct);
    }

    /// <summary>The filters and page shown, kept by the forms that post, so the list stays as it was.</summary>
    public IDictionary<string, string> Shown => new Dictionary<string, string>
    {
        ["q"] = Q ?? "", ["localFilter"] = LocalFilter ?? "", ["statusFilter"] = StatusFilter ?? "", ["mentorFilter"] = MentorFilter ?? "",
        ["stageFilter"] = StageFilter?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", ["progressFilter"] = ProgressFilter ?? "", ["sort"] = Sort ?? "",
        ["p"] = PageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The themes a training may be recorded against: those of the frameworks the active leaders shown follow.</summary>
    public IReadOnlyList<DomainRow> Themes { get; private set; } = [];

    /// <summary>A refused training for the ticked leaders, shown again as typed, with the leaders still ticked.</summary>
    public (string? ThemeCode, int? Level, string? Title, string? CompletedOn, string? Hours, IReadOnlySet<Guid> Leaders)? SentTraining { get; private set; }

    /// <summary>
    /// The training form was sent: its answer is said in the form's own section, where the page opens
    /// (the page draws that section while an active leader is listed; else the answer is at the top).
    /// </summary>
    public bool TrainingPosted => Request.Method == "POST" && string.Equals(Request.Query["handler"], "trainings", StringComparison.OrdinalIgnoreCase)
        && Leaders.Any(l => l.Status == "active");

    /// <summary>The enrol form was sent: its answer (a refusal, a name or an address enrolled already, or the leader enrolled) is said in its section, where the page opens, below the list.</summary>
    public bool EnrolPosted => Request.Method == "POST" && string.Equals(Request.Query["handler"], "enrol", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A training the ticked leaders attended (a workshop, say), recorded for each of them: the command
    /// POST /api/leaders/{id}/trainings sends, one per leader, so one refused (a paused journey, another
    /// framework's theme) leaves the others recorded, and the page says who was not and why.
    /// </summary>
    public async Task<IActionResult> OnPostTrainingsAsync(Guid[]? leaderIds, string? themeCode, int? level, string? title, DateOnly? completedOn, decimal? hours, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        var ticked = (leaderIds ?? []).Distinct().ToList();
        var typedHours = ModelState.TryGetValue(nameof(hours), out var sentHours) ? sentHours.AttemptedValue : null;
        var day = completedOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        // What is wrong with the form itself is said once, not once per leader.
        var formError = string.IsNullOrWhiteSpace(themeCode) ? T["Choose the training's theme."].Value
            : LeaderModel.TrainingFormError(completedOn, sentHours, clock, T)
            ?? await PageCommands.TryAsync(() => Task.FromResult(LeaderInput.Required(title, "title", LeaderInput.MaxTitleLength)));
        if (ticked.Count == 0 || ticked.Count > LeaderFilter.PageSize || formError is not null)
        {
            Error = ticked.Count == 0 ? T["Tick the leaders who completed the training."]
                : ticked.Count > LeaderFilter.PageSize ? T["Record a training for at most {0} leaders at a time.", LeaderFilter.PageSize]
                : formError;
            SentTraining = (themeCode, level, title, day, typedHours, ticked.ToHashSet());
            return await Load(ct);
        }
        var refused = new List<(Guid Leader, string Reason)>();
        var repeated = 0;
        // A theme of another framework is said in words, not with the command's list of the leader's framework's codes.
        var editions = await lists.FrameworkEditionsAsync(caller.Affiliate!, ticked, ct);
        var catalogEditions = (await catalog.ListAsync(ct)).ToDictionary(f => f.Id);
        var themesOf = new Dictionary<Guid, IReadOnlyList<DomainRow>>();
        foreach (var edition in editions.Values.Distinct().Where(catalogEditions.ContainsKey))
            themesOf[edition] = await ProgressGrid.ThemesAsync(catalog, [catalogEditions[edition]], ct);
        var themeTitle = themesOf.Values.SelectMany(d => d).SelectMany(d => d.Themes).FirstOrDefault(t => t.Code == themeCode)?.Title ?? themeCode ?? "";
        foreach (var leaderId in ticked)
        {
            if (editions.TryGetValue(leaderId, out var edition) && themesOf.TryGetValue(edition, out var themes) && !themes.SelectMany(d => d.Themes).Any(t => t.Code == themeCode))
            {
                refused.Add((leaderId, T["their framework ({0}) has no theme “{1}”.", catalogEditions[edition].Name, themeTitle]));
                continue;
            }
            // Each leader's write is named apart: the page's Idempotency-Key is made of the form and the write.
            var error = await PageCommands.TryAsync(async () =>
            {
                var answer = await commands.InvokeAsync(new LeaderJourney.Core.Leaders.Learning.RecordTrainingCommand(leaderId, title, themeCode, level, hours, day)
                    { Sender = new(caller, PageCommands.Options(Request, $"training for {leaderId}")) }, ct);
                if (answer.Repeated) repeated++;
            });
            if (error is not null) refused.Add((leaderId, error));
        }
        var result = await Load(ct);
        // Recorded now, not answered again for a form sent before (a reload): that is said apart, not "recorded" a second time.
        var recorded = ticked.Count - refused.Count - repeated;
        Message = recorded == 0 && repeated > 0 ? T["This form was already sent: nothing more was recorded."].Value
            : recorded == 0 ? null : recorded == 1 ? T["Training “{0}” recorded for one leader.", title ?? ""].Value : T["Training “{0}” recorded for {1} leaders.", title ?? "", recorded].Value;
        if (refused.Count > 0)
        {
            var names = Leaders.ToDictionary(l => l.Id, l => l.DisplayName);
            // Each reason once, with the leaders it stopped (a theme of another framework stops all of its leaders alike).
            Error = $"{(refused.Count == 1 ? T["Not recorded for one leader:"] : T["Not recorded for {0} leaders:", refused.Count])} {string.Join(" ", refused.GroupBy(r => r.Reason).Select(g =>
                $"{string.Join(", ", g.Select(r => names.GetValueOrDefault(r.Leader, T["a leader not on this page"].Value)))}: {sentences.Say(g.Key)}"))}";
            SentTraining = (themeCode, level, title, day, typedHours, refused.Select(r => r.Leader).ToHashSet());
        }
        return result;
    }

    /// <summary>The leader whose row's Assign was answered (said in that row), with the mentor's name typed when it was refused.</summary>
    public (Guid LeaderId, string? Typed)? AssignAnswered { get; private set; }

    /// <summary>
    /// Assigns the mentor named in the row's field: a user name from the list, or the start of the name people
    /// know a mentor by, or of a word in it (three letters at least), when it is one mentor's alone; or given by
    /// id. The message names who was assigned, so a name typed short is seen. The list stays filtered as it was.
    /// </summary>
    public async Task<IActionResult> OnPostAssignAsync(Guid leaderId, Guid? mentorId, string? mentor, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        var typed = mentor?.Trim() ?? "";
        var several = false;
        // Only mentors who can sign in are picked by name (the command refuses the others).
        var names = await directory.MentorNamesAsync(caller.Affiliate!, ct, ableToSignIn: true);
        if (mentorId is null && (await directory.MentorsAsync(caller.Affiliate!, ct)).TryGetValue(typed, out var named)) mentorId = named;
        else if (mentorId is null && typed.Length >= 3)
        {
            bool Starts(string text) => text.StartsWith(typed, StringComparison.CurrentCultureIgnoreCase);
            var byName = names.Where(m => Starts(m.Value) || m.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(Starts)).Select(m => m.Key).ToList();
            if (byName.Count == 1) mentorId = byName[0];
            several = byName.Count > 1;
        }
        Error = mentorId is null
            ? typed.Length == 0 ? "Type a mentor's name or user name." : several ? $"'{typed}' is in the names of several mentors: choose one from the list."
                : $"'{typed}' is not a mentor of {caller.Affiliate}."
            : await PageCommands.TryAsync(() => commands.InvokeAsync(
                new AssignMentorCommand(leaderId, mentorId.Value.ToString()) { Sender = new(caller, PageCommands.Options(Request, "assign")) }, ct));
        var page = await Load(ct);
        // Said in the leader's row when it is on the page (else at the top), naming the leader; a refused name is kept there to mend.
        var leaderName = List.Leaders.FirstOrDefault(l => l.Id == leaderId)?.DisplayName;
        if (leaderName is not null) AssignAnswered = (leaderId, Error is null ? null : typed);
        Message = Error is null
            ? leaderName is null ? T["Mentor assigned: {0}.", names.GetValueOrDefault(mentorId!.Value, typed)].Value : T["Mentor assigned to {0}: {1}.", leaderName, names.GetValueOrDefault(mentorId!.Value, typed)].Value
            : null;
        // The list's read model trails the command by a moment: the row shows the mentor at once, as the message says.
        if (Error is null && mentorId is { } assigned)
            List = List with { Leaders = [.. List.Leaders.Select(l => l.Id == leaderId && !l.Mentors.Contains(assigned) ? l with { Mentors = [.. l.Mentors, assigned] } : l)] };
        return page;
    }

    /// <summary>
    /// Every leader the filters find (not only the page shown), as CSV in the page's language: to take to a
    /// meeting or a spreadsheet. Only what the list shows; cells a spreadsheet would run are neutralised.
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        Affiliate = caller.Affiliate!;
        var leaders = await lists.AllAsync(Affiliate, await FilterAsync(ct), ct);
        // The whole list leaves the app in a file: one entry in the audit, for the list (not one per leader).
        await audit.RecordAsync(caller, Core.Privacy.Audit.SensitiveReads.LeaderListExport, null, Affiliate, ct);
        var names = await directory.MentorNamesAsync(Affiliate, ct);
        var csv = new System.Text.StringBuilder();
        ReportFormats.Row(csv, T["Leader"], T["Local"], T["Status"], T["Levels attained"], T["Mentors"]);
        foreach (var l in leaders)
            ReportFormats.Row(csv, l.DisplayName, l.Local ?? "", StatusWords(l.Status), l.AttainedLevels.ToString(System.Globalization.CultureInfo.InvariantCulture),
                string.Join(", ", l.Mentors.Select(m => names.TryGetValue(m, out var n) ? n : T["a former mentor"].Value)));
        return CsvDownload.Of(csv.ToString(), $"leaders-{Affiliate}-{clock.GetUtcNow():yyyy-MM-dd}.csv");
    }

    /// <summary>A status as the page says it.</summary>
    public string StatusWords(string status) => status switch { "active" => T["Active"], "paused" => T["Paused"], "withdrawn" => T["Withdrawn"], _ => status };

    /// <summary>What the filters ask for, as the list and its download read it.</summary>
    private async Task<LeaderFilter> FilterAsync(CancellationToken ct)
    {
        var mentor = Guid.TryParse(MentorFilter, out var id) ? id : (Guid?)null;
        // Withdrawn leaders are left out of the list unless asked for, but a name searched for is found whatever its status.
        var status = StatusFilter switch { null or "" when string.IsNullOrWhiteSpace(Q) => LeaderFilter.OnTheirWay, null or "" or "any" => null, var chosen => chosen };
        var stalled = ProgressFilter == "stalled" ? await reports.StalledNowAsync(Affiliate, ct) : null;
        return new LeaderFilter(Q, LocalFilter, status, mentor, MentorFilter == "none", Sort ?? LeaderFilter.ByName, PageNumber, StageFilter, stalled);
    }

    private bool Staff(out CurrentUser caller)
    {
        caller = BearerTokenHandler.CurrentUserOf(User);
        return caller.IsAdmin && caller.Affiliate is not null;
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        Affiliate = caller.Affiliate!;
        List = await lists.PageAsync(Affiliate, await FilterAsync(ct), ct);
        // An empty list is either a filter finding nobody or an affiliate with nobody yet: the page says which.
        NoneEnrolled = List.Total == 0 && await lists.CountsAsync(Affiliate, ct) is { Active: 0, Paused: 0, Withdrawn: 0 };
        Mentors = await directory.MentorsAsync(Affiliate, ct);
        MentorNames = await directory.MentorNamesAsync(Affiliate, ct);
        DisabledMentors = await directory.DisabledMentorsAsync(Affiliate, ct);
        MenteeCounts = await mentorActivity.MenteeCountsAsync(Affiliate, ct);
        Locals = await lists.LocalsAsync(Affiliate, ct);
        Frameworks = await catalog.CurrentEditionsAsync(ct);
        DefaultFramework = await catalog.DefaultEditionAsync(ct);
        var shownEditions = List.Leaders.Where(l => l.Status == "active").Select(l => l.FrameworkEditionId).ToHashSet();
        Themes = await ProgressGrid.ThemesAsync(catalog, [.. (await catalog.ListAsync(ct)).Where(f => shownEditions.Contains(f.Id))], ct);
        return Page();
    }
}

