using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Succession.Positions;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Domain.Succession;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Staff;

/// <summary>
/// Staff define positions with their requirements, see who meets them, nominate candidates, appoint one
/// or withdraw a nomination, and keep the seat and its term end as they are (what the board's risk
/// reads): the same commands the API sends.
/// </summary>
public sealed class PositionsModel(StreamCommandBus commands, TimeProvider clock, SuccessionData data, LeaderLists lists, FrameworkWords words, FrameworkCatalog catalog,
    FrameworkScopes scopes) : PageModel
{
    public string Affiliate { get; private set; } = "";
    public IReadOnlyList<Position> Positions { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();
    /// <summary>
    /// Each candidate's readiness as the board's report works it out (staff's judgement over the computed one), with the
    /// computed one and the gaps, by position and leader: staff appoint here, and should not have to open the report to see who is ready.
    /// </summary>
    public IReadOnlyDictionary<(Guid Position, Guid Leader), (Readiness Effective, Readiness Computed, IReadOnlyList<Gap> Gaps)> Readiness { get; private set; }
        = new Dictionary<(Guid, Guid), (Readiness, Readiness, IReadOnlyList<Gap>)>();

    /// <summary>Candidates withdrawn from the programme: still nominated, but no report counts them until their journey is active again.</summary>
    public IReadOnlySet<Guid> Withdrawn { get; private set; } = new HashSet<Guid>();
    public CodeWords Words { get; private set; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());
    public string? Message { get; private set; }
    public DateOnly Today { get; private set; }

    /// <summary>The leaders a typed name matched, to choose from, under the position it was typed for.</summary>
    public (Guid PositionId, IReadOnlyList<LeaderListing> Leaders)? Choices { get; private set; }

    public string? Error { get; private set; }

    private const int MaxChoices = 10;

    /// <summary>The position whose requirements staff asked to match against every leader (a link per position: it weighs the whole affiliate).</summary>
    [BindProperty(SupportsGet = true)] public Guid? SuggestFor { get; set; }

    /// <summary>Who meets every requirement of <see cref="SuggestFor"/> and is not yet nominated to it, by name.</summary>
    public IReadOnlyList<LeaderAt> Suggestions { get; private set; } = [];

    /// <summary>The position whose suggestions a nomination was sent from: its outcome is said beside them.</summary>
    public Guid? AnsweredAt => HttpMethods.IsPost(Request.Method) ? SuggestFor : null;

    /// <summary>When nobody meets every requirement: who comes nearest, with what they lack (at most <see cref="ClosestShown"/>).</summary>
    public IReadOnlyList<(LeaderAt Leader, IReadOnlyList<LeaderJourney.Domain.Succession.Gap> Gaps)> Closest { get; private set; } = [];

    public const int ClosestShown = 5;

    /// <summary>How many of the suggestions are shown, each with a button to nominate them.</summary>
    public const int SuggestionsShown = 20;

    /// <summary>How many suggestions, by name, come before the page of them shown (pages of <see cref="SuggestionsShown"/>).</summary>
    [BindProperty(SupportsGet = true)] public int SuggestFrom { get; set; }

    /// <summary>The page of <see cref="Suggestions"/> shown.</summary>
    public IEnumerable<LeaderAt> SuggestionsPage => Suggestions.Skip(SuggestFrom).Take(SuggestionsShown);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    /// <summary>What staff typed into the definition form, shown again when it is refused so nothing typed is lost.</summary>
    public (string? Title, bool Key, string? Requirements, IReadOnlyList<(string Code, int Level)> Picked)? Sent { get; private set; }

    /// <summary>How many requirements the form offers to pick from lists (more can be typed as codes).</summary>
    public const int PickedRows = 4;

    /// <summary>
    /// The current frameworks' domains, each with its themes, for picking a requirement by name; a group is
    /// named with its framework when the catalog has several (a list mixing them unnamed let staff require a
    /// theme of a framework none of their leaders follow).
    /// </summary>
    public IReadOnlyList<RequirementChoice> RequirementChoices { get; private set; } = [];

    /// <summary>A domain to require, or one of its themes; <paramref name="Followed"/>: some leader of the affiliate follows its framework (or none is enrolled yet).</summary>
    public sealed record RequirementChoice(string Code, string Group, string Name, IReadOnlyList<(string Code, string Title)> Themes, bool Followed);

    /// <summary>The rows of requirements a form offers, picked as they were (or as the position has them), and more typed as codes.</summary>
    /// <param name="Prefix">Makes the rows' ids unique on the page (the definition form, or a position's).</param>
    public sealed record RequirementRows(string Prefix, IReadOnlyList<(string Code, int Level)> Picked, string? Typed, IReadOnlyList<RequirementChoice> Choices)
    {
        /// <summary>Every requirement picked, and one empty row more, at least <see cref="PickedRows"/>.</summary>
        public int Count => Math.Max(PickedRows, Picked.Count + 1);
    }

    /// <summary>The definition form's rows: what was sent when it was refused, else empty.</summary>
    public RequirementRows DefineRows => new("need", Sent?.Picked ?? [], Sent?.Requirements, RequirementChoices);

    /// <summary>The position whose requirements staff asked to change (a link per position: the form lists every theme).</summary>
    [BindProperty(SupportsGet = true)] public Guid? ChangeFor { get; set; }

    /// <summary>
    /// A position's change-requirements form: what was sent when it was refused, else what the position
    /// requires now, those the lists do not offer (a code of an older edition) as typed codes, so that a
    /// save keeps them.
    /// </summary>
    public RequirementRows ChangeRows(Position p)
    {
        if (ChangedSent is { } sent && sent.PositionId == p.Id) return new($"need-{p.Id}", sent.Picked, sent.Typed, RequirementChoices);
        var offered = RequirementChoices.SelectMany(d => d.Themes.Select(t => t.Code).Prepend(d.Code)).ToHashSet(StringComparer.Ordinal);
        var codes = p.Requirements.Select(r => (Code: r.ThemeCode ?? r.DomainCode ?? "", r.Level)).ToList();
        var typed = string.Join(", ", codes.Where(c => !offered.Contains(c.Code)).Select(c => $"{c.Code}:{c.Level}"));
        return new($"need-{p.Id}", [.. codes.Where(c => offered.Contains(c.Code))], typed.Length > 0 ? typed : null, RequirementChoices);
    }

    /// <summary>What staff sent to change a position's requirements, shown again when it was refused.</summary>
    public (Guid PositionId, IReadOnlyList<(string Code, int Level)> Picked, string? Typed)? ChangedSent { get; private set; }

    /// <summary>The position whose requirements were just changed or refused: its form's outcome is said there.</summary>
    public Guid? ChangedAt { get; private set; }

    /// <summary>The position whose nominate-by-name form was sent: its outcome, and the names to choose from, are said in its section, where the page opens.</summary>
    public Guid? NominatedAt { get; private set; }

    /// <summary>
    /// Requirements just defined or changed that no leader of the affiliate can meet: of a framework none of
    /// them follows (a probe defined a position on another framework's themes, and the board saw a leader
    /// "ready in 1 to 2 years" who never could be).
    /// </summary>
    public IReadOnlyList<string> NotFollowed { get; private set; } = [];

    /// <summary>
    /// The positions of the affiliate whose title is the one just sent, its case and spaces aside: the
    /// definition waits until staff say it is another seat of that title (<c>anotherSeat</c>). The command
    /// looks, in its affiliate's turn (<see cref="TitleTaken"/>).
    /// </summary>
    public IReadOnlyList<Position> SameTitle { get; private set; } = [];

    /// <param name="need">The requirements picked from the lists: a domain's or a theme's code each, or empty for none.</param>
    /// <param name="needLevel">The minimum level of each picked requirement, in the same order.</param>
    /// <param name="requirements">More requirements typed as codes (GOV.1:2, ADV:1), for those who know them.</param>
    /// <param name="anotherSeat">Staff said a title one of the affiliate's positions has is another seat of it (<see cref="SameTitle"/>).</param>
    public async Task<IActionResult> OnPostDefineAsync(string? title, bool key, string? requirements, string[]? need, int[]? needLevel, bool anotherSeat, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        var picked = Picked(need, needLevel);
        try
        {
            // A requirement that is not CODE:LEVEL is refused as the command's own refusals are: in a sentence on the page.
            Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
                new DefinePositionCommand(Guid.CreateVersion7(), caller.Affiliate, title, key, null, null,
                    [.. picked.Select(p => Requirement(p.Code, p.Level)), .. Parse(requirements)])
                    { Sender = new(caller, PageCommands.Options(Request, "define position")), AsksIfTitleTaken = !anotherSeat }, ct));
        }
        catch (TitleTakenException taken)
        {
            SameTitle = taken.Positions;
            Sent = (title, key, requirements, picked);
            return await Load(ct);
        }
        Message = Error is null ? $"Defined {title?.Trim()}." : null;
        if (Error is not null) Sent = (title, key, requirements, picked);
        var page = await Load(ct);
        if (Error is null) NotFollowed = NotFollowedOf([.. picked.Select(p => p.Code), .. SafeParse(requirements)]);
        return page;
    }

    /// <summary>Replaces a position's requirements with the rows and codes sent (the API's requirements change).</summary>
    public async Task<IActionResult> OnPostRequirementsAsync(Guid positionId, string? requirements, string[]? need, int[]? needLevel, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        var picked = Picked(need, needLevel);
        ChangedAt = positionId;
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
            new ChangeRequirementsCommand(positionId, [.. picked.Select(p => Requirement(p.Code, p.Level)), .. Parse(requirements)])
                { Sender = new(caller, PageCommands.Options(Request, "change requirements")) }, ct));
        Message = Error is null ? "The requirements are saved; readiness is worked out anew." : null;
        if (Error is not null) ChangedSent = (positionId, picked, requirements);
        var page = await Load(ct);
        if (Error is null) NotFollowed = NotFollowedOf([.. picked.Select(p => p.Code), .. SafeParse(requirements)]);
        return page;
    }

    private static List<(string Code, int Level)> Picked(string[]? need, int[]? needLevel) =>
        (need ?? []).Select((code, i) => (Code: code?.Trim() ?? "", Level: needLevel is { } levels && i < levels.Length ? levels[i] : 1))
            .Where(p => p.Code.Length > 0).ToList();

    // The codes typed, once the command took them (so they parse).
    private static IEnumerable<string> SafeParse(string? text) => Parse(text).Select(r => r!.ThemeCode ?? r.DomainCode ?? "");

    /// <summary>The names of the requirements among <paramref name="codes"/> whose domain is of a framework no leader of the affiliate follows.</summary>
    private IReadOnlyList<string> NotFollowedOf(IEnumerable<string> codes) =>
        [.. codes.Distinct().Where(code => RequirementChoices.FirstOrDefault(d => d.Code == code || d.Themes.Any(t => t.Code == code)) is { Followed: false })
            .Select(code => Words.Of(code))];

    /// <summary>The name typed into a position's nomination box, shown again when it found several or none.</summary>
    public (Guid PositionId, string Name)? TypedName { get; private set; }

    /// <summary>
    /// Nominates the active leader whose name contains what staff typed (searched in the database: a
    /// drop-down of every leader was 20,000 options per position), or the one given by id.
    /// </summary>
    public async Task<IActionResult> OnPostNominateAsync(Guid positionId, Guid? leaderId, string? leader, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        if (SuggestFor is null) NominatedAt = positionId;
        if (leaderId is null)
        {
            (leaderId, Error, var several) = await NamedAsync(caller, leader, "Type a leader's name to nominate.", ct);
            // Several (two leaders may share a name): staff choose, by name and local.
            if (several.Count > 0) Choices = (positionId, several);
        }
        if (leaderId is { } id)
            Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
                new NominateCandidateCommand(positionId, id.ToString(), null) { Sender = new(caller, PageCommands.Options(Request, "nominate")) }, ct));
        // What was typed stays in the box while it is still to be mended or chosen from.
        if (Error is not null && !string.IsNullOrWhiteSpace(leader)) TypedName = (positionId, leader.Trim());
        var page = await Load(ct);
        // A position not on the page (another affiliate's, retired, or no id at all) has no section to say it in.
        if (!Positions.Any(p => p.Id == NominatedAt)) NominatedAt = null;
        // Named, so that staff who typed part of a name see whom it found.
        if (Error is null && leaderId is { } nominated)
            Message = !Names.TryGetValue(nominated, out var name) ? "Nominated."
                : Positions.FirstOrDefault(p => p.Id == positionId) is { } position ? $"Nominated: {name}, to {position.Title}." : $"Nominated: {name}.";
        return page;
    }

    /// <summary>
    /// The leader on their way whose name contains what staff typed (searched in the database: a drop-down of every leader was
    /// 20,000 options): one match, or one whose whole name is what was typed ("Ana Li" beside "Ana Lima"); else why not, with
    /// the first of several matches to choose from. Those on their way, as the suggestions list them: a break is not a no.
    /// </summary>
    private async Task<(Guid? Id, string? Error, IReadOnlyList<LeaderListing> Several)> NamedAsync(CurrentUser caller, string? typedName, string none, CancellationToken ct)
    {
        var typed = typedName?.Trim() ?? "";
        if (typed.Length == 0) return (null, none, []);
        var found = await lists.PageAsync(caller.Affiliate!, new LeaderFilter(Search: typed, Status: LeaderFilter.OnTheirWay, WithoutErased: true), ct);
        var exact = found.Leaders.Where(l => string.Equals(l.DisplayName, typed, StringComparison.OrdinalIgnoreCase)).ToList();
        if (found.Total == 1) return (found.Leaders[0].Id, null, []);
        if (exact.Count == 1) return (exact[0].Id, null, []);
        if (found.Total == 0) return (null, $"No leader on their way (active or paused) has a name containing '{typed}'.", []);
        return (null, $"{found.Total} names of leaders on their way contain '{typed}': choose one below, or type more of the name.", [.. found.Leaders.Take(MaxChoices)]);
    }

    /// <summary>The position the seat form was sent for, and the name typed in it, shown again when it found several or none.</summary>
    public (Guid PositionId, string Name, IReadOnlyList<LeaderListing> Several, string? Since, string? TermEndsOn)? TypedHolder { get; private set; }

    /// <summary>
    /// Records who holds a vacant seat now, not appointed from a slate (a position first recorded while someone holds it, say):
    /// the command <c>PUT /api/positions/{id}/incumbent</c> sends, with the day they took it and their term end.
    /// </summary>
    public async Task<IActionResult> OnPostSeatAsync(Guid positionId, Guid? leaderId, string? holder, string? since, string? termEndsOn, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        if (StillToCome(since))
            return await RefuseForSeat(positionId, $"{since} is a day still to come: record who holds the seat once they do.", ct);
        if (leaderId is null)
        {
            var (found, error, several) = await NamedAsync(caller, holder, "Type the name of the leader who holds the seat.", ct);
            if (found is null)
            {
                TypedHolder = (positionId, holder?.Trim() ?? "", several, since, termEndsOn);
                return await RefuseForSeat(positionId, error!, ct);
            }
            leaderId = found;
        }
        var page = await SendForSeat(positionId, leaderId, caller => new SeatIncumbentCommand(positionId, leaderId.ToString(), Blank(since), Blank(termEndsOn))
            { Sender = new(caller, PageCommands.Options(Request, "seat")) }, (title, name) => $"{name} holds the seat of {title}.", ct);
        // Refused (a term end before the day they took it, say): the form keeps what was typed.
        if (Error is not null) TypedHolder = (positionId, holder?.Trim() ?? Names.GetValueOrDefault(leaderId.Value, ""), [], since, termEndsOn);
        // Seated since a day before today: reports as of the days between show what was recorded by then, as for an appointment.
        AppointedBefore = Error is null && DateOnly.TryParseExact(Blank(since), "yyyy-MM-dd", out var from) && from < Today;
        return page;
    }

    public Task<IActionResult> OnPostTermEndAsync(Guid positionId, string? termEndsOn, CancellationToken ct) =>
        SendForSeat(positionId, null, caller => new SetTermEndCommand(positionId, Blank(termEndsOn)) { Sender = new(caller, PageCommands.Options(Request, "term end")) },
            (title, _) => Blank(termEndsOn) is null ? $"The term end of {title} is cleared." : $"The term end of {title} is saved.", ct);

    public Task<IActionResult> OnPostVacateAsync(Guid positionId, Guid leaderId, string? on, CancellationToken ct) =>
        StillToCome(on) ? RefuseForSeat(positionId, $"{on} is a day still to come: record the vacancy on the day the seat falls vacant, so that until then the board's reports show it held.", ct) :
        SendForSeat(positionId, null, caller => new VacateSeatCommand(positionId, leaderId.ToString(), Blank(on)) { Sender = new(caller, PageCommands.Options(Request, "vacate")) },
            (title, _) => $"The seat of {title} is vacant.", ct);

    /// <summary>
    /// Appoints a candidate: they take the seat (the slate is kept with each candidate's readiness then),
    /// with the seat's term end as it stands (set apart, so a form left open cannot write back an older one).
    /// The other candidates stay nominated unless staff untick the box: the page says which happened. A new term end,
    /// when given, is set with the appointment (a seat filled for a full term, not the rest of the last holder's).
    /// </summary>
    public async Task<IActionResult> OnPostAppointAsync(Guid positionId, Guid leaderId, string? on, bool keepOthers, string? termEndsOn, CancellationToken ct)
    {
        // Reports show a seat as recorded by their date: an appointment recorded ahead would show the seat filled before it is.
        if (StillToCome(on))
            return await RefuseForSeat(positionId, $"{on} is a day still to come: record the appointment on the day it takes effect, so that until then the board's reports show the seat as it is.", ct);
        var page = await SendForSeat(positionId, leaderId, caller => new AppointCommand(positionId, leaderId.ToString(), Blank(on), Blank(termEndsOn), keepOthers) { Sender = new(caller, PageCommands.Options(Request, "appoint")) },
            (title, name) => keepOthers ? $"{name} is appointed to {title}. Any other candidates stay nominated, the bench for the next filling."
                : $"{name} is appointed to {title}. The slate is closed: the other candidates are no longer nominated (the appointment keeps how ready each was).", ct);
        AppointedBefore = Error is null && DateOnly.TryParseExact(Blank(on), "yyyy-MM-dd", out var date) && date < Today;
        return page;
    }

    /// <summary>
    /// An appointment dated before today: reports as of a day in between do not show it, as they show what
    /// was recorded by then (so an issued report never changes). Said, as staff would expect otherwise.
    /// </summary>
    public bool AppointedBefore { get; private set; }

    /// <summary>Staff's call on a candidate's readiness, with the reason the board's report shows (the API's readiness assessment).</summary>
    public Task<IActionResult> OnPostAssessAsync(Guid positionId, Guid leaderId, string? readiness, string? justification, CancellationToken ct) =>
        SendForSeat(positionId, leaderId, caller => new AssessReadinessCommand(positionId, leaderId.ToString(), readiness, justification) { Sender = new(caller, PageCommands.Options(Request, "assess readiness")) },
            (title, name) => $"The judgement of {name}'s readiness for {title} is recorded; the board's report shows it with its reason.", ct);

    public Task<IActionResult> OnPostWithdrawAsync(Guid positionId, Guid leaderId, CancellationToken ct) =>
        SendForSeat(positionId, leaderId, caller => new WithdrawNominationCommand(positionId, leaderId.ToString(), null) { Sender = new(caller, PageCommands.Options(Request, "withdraw nomination")) },
            (title, name) => $"The nomination of {name} to {title} is withdrawn.", ct);

    /// <summary>
    /// The position whose seat, term or candidates a form just changed: the answer is said in that position's
    /// "Seat, term and candidates", opened, where the page lands (on a phone the list runs thousands of pixels),
    /// naming the position and the leader.
    /// </summary>
    public Guid? SeatAnsweredAt { get; private set; }

    /// <summary>The candidates as the reports weigh them; none while the leaders' read model is first built (the page still answers the form just sent).</summary>
    private async Task<Dictionary<Guid, LeaderAt>> CandidatesAsync(CancellationToken ct)
    {
        try
        {
            return (await data.LeadersAsync(Affiliate, clock.GetUtcNow(), ct, only: [.. Positions.SelectMany(p => p.Candidates.Select(c => c.LeaderId)).Distinct()]))
                .ToDictionary(l => l.Id);
        }
        catch (ReadModelNotReadyException)
        {
            return [];
        }
    }

    private bool StillToCome(string? on) => DateOnly.TryParseExact(Blank(on), "yyyy-MM-dd", out var date) && date > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private async Task<IActionResult> RefuseForSeat(Guid positionId, string error, CancellationToken ct)
    {
        if (!Staff(out _)) return Forbid();
        Error = error;
        var page = await Load(ct);
        SeatAnsweredAt = Positions.FirstOrDefault(p => p.Id == positionId)?.Id;
        return page;
    }

    /// <param name="done">The answer, from the position's title and the leader's name (named before the command: a withdrawn candidate is no longer listed).</param>
    private async Task<IActionResult> SendForSeat(Guid positionId, Guid? leaderId, Func<CurrentUser, PositionCommand> command, Func<string, string, string> done, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        var name = leaderId is { } id ? (await lists.NamesAsync([id], ct)).GetValueOrDefault(id, "?") : "";
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(command(caller), ct));
        var page = await Load(ct);
        var position = Positions.FirstOrDefault(p => p.Id == positionId);
        // A position not on the page (retired meanwhile, another affiliate's) has no section: said at the top.
        SeatAnsweredAt = position?.Id;
        Message = Error is null ? done(position?.Title ?? "?", name) : null;
        return page;
    }

    /// <summary>A position no longer the affiliate's leaves the page and today's reports; the answer names it, as it is no longer listed.</summary>
    public async Task<IActionResult> OnPostRetireAsync(Guid positionId, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        var title = (await data.PositionsAsync(caller.Affiliate!, clock.GetUtcNow(), ct)).FirstOrDefault(p => p.Id == positionId)?.Title;
        return await Send(_ => new RetirePositionCommand(positionId) { Sender = new(caller, PageCommands.Options(Request, "retire position")) },
            title is null ? "The position is retired." : $"{title} is retired: it is no longer listed here or in today's reports; reports as of earlier days still show it.", ct);
    }

    private async Task<IActionResult> Send(Func<CurrentUser, PositionCommand> command, string done, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(command(caller), ct));
        Message = Error is null ? done : null;
        return await Load(ct);
    }

    // A date field left empty sends an empty string: none.
    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>"GOV.1:2, ADV:1": a code with a dot is a theme, without one a domain.</summary>
    private static IReadOnlyList<RequirementBody?> Parse(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
        {
            var pieces = part.Split(':', StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !int.TryParse(pieces[1], out var level))
                throw new RequestValidationException("requirements", $"'{part}' is not CODE:LEVEL (for example GOV.1:2).");
            return Requirement(pieces[0], level);
        }).ToList();

    /// <summary>A theme's code has a dot (GOV.1); a domain's has none (ADV).</summary>
    private static RequirementBody? Requirement(string code, int level) =>
        code.Contains('.') ? new RequirementBody(null, code, level) : new RequirementBody(code, null, level);

    private bool Staff(out CurrentUser caller)
    {
        caller = BearerTokenHandler.CurrentUserOf(User);
        return caller.IsAdmin && caller.Affiliate is not null;
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        Affiliate = caller.Affiliate!;
        Positions = await data.PositionsAsync(Affiliate, clock.GetUtcNow(), ct);
        // The candidates' and incumbents' names only: the affiliate may have 20,000 leaders.
        var people = Positions.SelectMany(p => p.Candidates.Select(c => c.LeaderId).Concat(p.Incumbent.LeaderId is { } held ? [held] : [])).ToHashSet();
        Names = await lists.NamesAsync(people, ct);
        var candidates = await CandidatesAsync(ct);
        Withdrawn = candidates.Values.Where(l => l.Status == "withdrawn").Select(l => l.Id).ToHashSet();
        Readiness = Positions.SelectMany(p => p.Candidates.Where(c => candidates.ContainsKey(c.LeaderId)).Select(c =>
            {
                var gaps = SuccessionReport.Gaps(p, candidates[c.LeaderId]);
                var computed = SuccessionRules.Readiness(gaps);
                return (Key: (p.Id, c.LeaderId), Value: (c.Effective(computed), computed, gaps));
            }))
            .ToDictionary(r => r.Key, r => r.Value);
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Words = await words.LoadAsync(ct);
        // The domains the affiliate's leaders follow, through their frameworks' editions; with none enrolled yet, every one counts.
        var followed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var edition in await lists.EditionsFollowedAsync(Affiliate, ct))
            if (await scopes.FindAsync(edition, ct) is { } scope) followed.UnionWith(scope.ThemeToDomain.Values);
        RequirementChoices = [.. (await ProgressGrid.ThemesAsync(catalog, await catalog.CurrentEditionsAsync(ct), ct))
            .Select(d => new RequirementChoice(d.Code, d.Name, Words.Of(d.Code), [.. d.Themes.Select(t => (t.Code, Words.Of(t.Code)))], followed.Count == 0 || followed.Contains(d.Code)))
            // A framework nobody follows comes last: its themes are rarely what a position of this affiliate needs.
            .OrderBy(d => !d.Followed)];
        // Asked for by the link, or by a nomination from the list (so the rest of it stays in view).
        if (Positions.FirstOrDefault(p => p.Id == SuggestFor) is { } asked)
        {
            var leaders = await data.LeadersAsync(Affiliate, clock.GetUtcNow(), ct);
            Suggestions = SuccessionReport.Suggest(asked, leaders).OrderBy(l => l.DisplayName, StringComparer.CurrentCulture).ToList();
            // Nobody ready: who is nearest, so the answer is where to invest, not a dead end.
            if (Suggestions.Count == 0) Closest = SuccessionReport.Closest(asked, leaders, ClosestShown);
        }
        // The start of a page, and at most the last page's (an old link, or fewer suggestions since).
        SuggestFrom = Math.Min(Math.Max(0, SuggestFrom), Math.Max(0, Suggestions.Count - 1)) / SuggestionsShown * SuggestionsShown;
        return Page();
    }
}
