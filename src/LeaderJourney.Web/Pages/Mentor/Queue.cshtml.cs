using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.MentorQueue;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.SignOffs;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>A piece of evidence as the leader added it: a link, a note, or both.</summary>
public sealed record QueueEvidence(string? Link, string? Note)
{
    // Links are checked when they are added; one of another scheme is never made clickable all the same.
    public bool Clickable => Uri.TryCreate(Link, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}

/// <param name="Needs">What the level lacks now, the mentor's own sign-off not yet given included.</param>
/// <param name="SignedByYouOn">When the mentor already signed this level off (their second sign-off would change nothing).</param>
/// <param name="Assessments">The assessments at this level, the leader's own included, in words with what their authors wrote.</param>
/// <param name="Descriptor">What the level asks of a leader, in the framework's words: what the mentor signs off against.</param>
public sealed record QueueItem(Guid LeaderId, string LeaderName, string ThemeCode, string ThemeTitle, int Level, DateTimeOffset RequestedAt,
    IReadOnlyList<string> Trainings, IReadOnlyList<QueueEvidence> Evidence, LevelNeeds Needs, DateTimeOffset? SignedByYouOn, IReadOnlyList<string> Assessments,
    string? Descriptor = null);

/// <summary>
/// A mentor's pending requests, oldest first, each with the leader's trainings and evidence for that level
/// and what the level lacks besides the mentor's sign-off; sign off or decline in one step, and be told
/// whether the sign-off attained the level.
/// </summary>
public sealed class QueueModel(MentorQueueQuery queue, LeaderReader reader, StreamCommandBus commands, AttainmentPolicies policies,
    Core.Frameworks.BrowseFrameworks.FrameworkWords words, TimeProvider clock, Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    public IReadOnlyList<QueueItem> Items { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    /// <summary>
    /// The request a refused sign-off or decline was for, with the text typed: the refusal is said in that
    /// request's card, the text kept in its box, and the page opens at the card (a phone's long queue).
    /// </summary>
    public (Guid LeaderId, string ThemeCode, int Level, string? Text)? Refused { get; private set; }

    /// <summary>Whether <see cref="Refused"/> is this request (its card says it where it has a form, else the top of the page).</summary>
    public bool IsRefused(QueueItem item) => Refused is { } r && r.LeaderId == item.LeaderId && r.ThemeCode == item.ThemeCode;

    /// <summary>
    /// The sign-off just given, which the mentor may undo at once (a wrong tap on a phone), with the
    /// leader's version right after it: the undo is refused (409) if anything was recorded since, so a
    /// form left open or sent again cannot withdraw an older sign-off. <c>WithAssessment</c>: the mentor's assessment was
    /// recorded with it, and the undo withdraws that too.
    /// </summary>
    public (Guid LeaderId, string ThemeCode, int Level, long Version, bool WithAssessment)? JustSigned { get; private set; }

    /// <summary>What the mentor wrote with a sign-off or decline just undone: back in the request's box, to send again as it was meant.</summary>
    public (Guid LeaderId, string ThemeCode, string Text)? PutBackText { get; private set; }

    /// <summary>The words a request's box starts with: what a refusal handed back, else what an undo put back, else nothing.</summary>
    public string? TextFor(QueueItem item) => IsRefused(item) ? Refused!.Value.Text
        : PutBackText is { } put && put.LeaderId == item.LeaderId && put.ThemeCode == item.ThemeCode ? put.Text : null;

    /// <summary>
    /// The decline just given, which the mentor may undo at once (the card's one box holds a note or a reason, and
    /// "Decline" sits beside "Sign off" on a phone), with the leader's version right after it: as for a sign-off's undo.
    /// </summary>
    public (Guid LeaderId, string ThemeCode, int Level, long Version)? JustDeclined { get; private set; }

    /// <summary>The reason an undone sign-off's event keeps.</summary>
    public const string UndoReason = "Undone by the mentor right after signing off.";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    public Task<IActionResult> OnPostSignOffAsync(Guid leaderId, string themeCode, int level, string? text, CancellationToken ct) =>
        SignOffAsync(leaderId, themeCode, level, text, withAssessment: false, ct);

    /// <summary>
    /// For a level with no learning yet: the mentor's own assessment at that level is learning under the
    /// rule, so recording it and signing off attains the level in one step (two commands, the assessment first).
    /// </summary>
    public Task<IActionResult> OnPostAssessAndSignOffAsync(Guid leaderId, string themeCode, int level, string? text, CancellationToken ct) =>
        SignOffAsync(leaderId, themeCode, level, text, withAssessment: true, ct);

    private async Task<IActionResult> SignOffAsync(Guid leaderId, string themeCode, int level, string? text, bool withAssessment, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        var theme = (await words.LoadAsync(ct)).Of(themeCode);
        var outcome = await MentorSteps.TakeAsync(new MentorStep(withAssessment, null, SignOff: true, text, AnswersRequest: true), caller, Request, leaderId, themeCode, theme, level, commands, reader, policies, T, ct);
        (Error, Message) = (outcome.Error, outcome.Message);
        if (Error is not null) Refused = (leaderId, themeCode, level, text);
        // A wrong tap on either button is undone (the buttons sit one above the other on a phone).
        if (outcome.VersionAfterSignOff is { } version) JustSigned = (leaderId, themeCode, level, version, withAssessment);
        return await Load(ct);
    }

    /// <summary>
    /// Withdraws the mentor's own sign-off just given, and asks again in the mentor's name, so the request
    /// is back in their queue as it was (a level the sign-off attained is revoked with it): one command,
    /// so the withdrawal and the request are recorded together. An assessment given with it is withdrawn
    /// after, by a command of its own (each is the decider's to allow); refused, the page says why, and the
    /// assessment is withdrawn from the mentee's page.
    /// </summary>
    /// <param name="withAssessment">The mentor's assessment was recorded with the sign-off: withdrawn too, once the sign-off is.</param>
    public async Task<IActionResult> OnPostUndoAsync(Guid leaderId, string themeCode, int level, long version, bool withAssessment, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        var theme = (await words.LoadAsync(ct)).Of(themeCode);
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(new RevokeSignOffCommand(leaderId, themeCode, level, null, UndoReason)
            { AskAgain = true, Sender = new(caller, PageCommands.Options(Request, "undo", ifMatch: version)) }, ct));
        if (Error is not null) return await Load(ct);
        // The request is asked again only when the level still waits for a sign-off (another mentor's may keep it attained).
        var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        // The assessment the sign-off was recorded with (in its append, at or before its version), unless withdrawn since.
        if (withAssessment && loaded.Events.LastOrDefault(e => e.Version <= version && e.Data is AssessmentRecorded a && a.AssessorUserId == caller.UserId
                && a.ThemeCode == themeCode && a.Level == level)?.Data is AssessmentRecorded assessed
            && !LearningOnRecord.Withdrawn(loaded.Events).Contains(assessed.AssessmentId))
        {
            Error = await PageCommands.TryAsync(() => commands.InvokeAsync(new Core.Leaders.Learning.WithdrawAssessmentCommand(leaderId, assessed.AssessmentId.ToString(), UndoReason)
                { Sender = new(caller, PageCommands.Options(Request, "undo assessment")) }, ct));
            if (Error is not null) return await Load(ct);
            loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        }
        var pending = loaded.State.IsPending(themeCode, level);
        if (loaded.Events.LastOrDefault(e => e.Data is LevelSignedOff s && s.MentorUserId == caller.UserId && s.ThemeCode == themeCode && s.Level == level)?.Data
            is LevelSignedOff { Note: { Length: > 0 } note }) PutBackText = (leaderId, themeCode, note);
        Message = (withAssessment, pending) switch
        {
            (true, true) => T["Your sign-off and your assessment of {0}, Level {1} are withdrawn, and the request is back in your queue.", theme, level].Value,
            (true, false) => T["Your sign-off and your assessment of {0}, Level {1} are withdrawn.", theme, level].Value,
            (false, true) => T["Your sign-off of {0}, Level {1} is withdrawn, and the request is back in your queue.", theme, level].Value,
            _ => T["Your sign-off of {0}, Level {1} is withdrawn.", theme, level].Value,
        };
        return await LoadWithPutBack(loaded, caller, themeCode, level, pending, ct);
    }

    /// <summary>The page, with a request just put back in the queue shown at once: the queue's read model trails the command by a moment.</summary>
    private async Task<IActionResult> LoadWithPutBack(LoadedLeader loaded, CurrentUser caller, string themeCode, int level, bool pending, CancellationToken ct)
    {
        var page = await Load(ct);
        if (pending && !Items.Any(i => i.LeaderId == loaded.State.Id && i.ThemeCode == themeCode && i.Level == level))
            Items = [.. Items, Item(loaded, caller, themeCode, level,
                loaded.State.PendingSignOffs.FirstOrDefault(p => p.ThemeCode == themeCode && p.Level == level)?.RequestedAt ?? DateTimeOffset.UtcNow)];
        return page;
    }

    /// <summary>
    /// Withdraws the decline the mentor just gave (a wrong tap), so the request is back in their queue as old as it was,
    /// while that decline is still the last word on its level (the decider's rule: the leader logging learning elsewhere
    /// does not stop it, asking again or an answer since does). The leader's notice of the decline, unread and not mailed
    /// yet, is withdrawn by the reaction to it (<see cref="Core.Notifications.SignOffDeclineWithdrawnHandler"/>).
    /// </summary>
    /// <param name="version">The decline's own version (the leader's right after it): that decline alone is withdrawn, and the form sent twice is answered once.</param>
    public async Task<IActionResult> OnPostUndoDeclineAsync(Guid leaderId, string themeCode, int level, long version, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        var theme = (await words.LoadAsync(ct)).Of(themeCode);
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(new WithdrawDeclineCommand(leaderId, themeCode, level, version)
            { Sender = new(caller, PageCommands.Options(Request, "undo decline")) }, ct));
        if (Error is not null) return await Load(ct);
        var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        Message = T["Your decline of {0}'s request for {1}, Level {2} is undone, and the request is back in your queue.", loaded.State.DisplayName, theme, level].Value;
        // Often a note meant for a sign-off, sent with the wrong button: back in the box.
        if (loaded.Events.FirstOrDefault(e => e.Version == version)?.Data is SignOffDeclined declined) PutBackText = (leaderId, themeCode, declined.Reason);
        return await LoadWithPutBack(loaded, caller, themeCode, level, loaded.State.IsPending(themeCode, level), ct);
    }

    /// <summary>What a level lacks, in sentences for the mentor (see <see cref="MentorSteps.Lacking"/>).</summary>
    public IEnumerable<string> Lacking(LevelNeeds needs, int level, int signOffsAfterYours) => MentorSteps.Lacking(T, needs, level, signOffsAfterYours);

    public async Task<IActionResult> OnPostDeclineAsync(Guid leaderId, string themeCode, int level, string? text, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
            new DeclineSignOffCommand(leaderId, themeCode, level, text) { Sender = new(caller, PageCommands.Options(Request, "decline")) }, ct));
        if (Error is null)
        {
            var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
            // Named, as a mentor of many mentees may have several requests of the same theme waiting.
            Message = T["Declined {0}'s request for a sign-off of {1}, Level {2}.", loaded.State.DisplayName, (await words.LoadAsync(ct)).Of(themeCode), level].Value;
            // Offered while this decline is the last thing recorded (a form sent again answers with the first decline's outcome).
            if (loaded.Events.Count > 0 && loaded.Events[^1].Data is SignOffDeclined declined && declined.ThemeCode == themeCode && declined.Level == level
                && declined.MentorUserId == caller.UserId)
                JustDeclined = (leaderId, themeCode, level, loaded.State.Version);
        }
        else Refused = (leaderId, themeCode, level, text);
        return await Load(ct);
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor) return Forbid();
        var items = new List<QueueItem>();
        foreach (var request in await queue.ForMentorAsync(caller, ct) ?? [])
        {
            var loaded = await reader.LoadForCallerAsync(request.LeaderId, caller, ct);
            // The queue is eventually consistent: a request answered a moment ago may still be listed.
            if (!loaded.State.IsPending(request.ThemeCode, request.Level)) continue;
            items.Add(Item(loaded, caller, request.ThemeCode, request.Level, request.RequestedAt));
        }
        Items = items;
        Answered = await queue.AnsweredSinceAsync(caller, clock.GetUtcNow().AddDays(-AnsweredDays), AnsweredShown, ct) ?? [];
        if (Answered.Count > 0) Words = await words.LoadAsync(ct);
        // A refusal whose card is gone (the request closed meanwhile) is said at the top: which request it was, and what was typed.
        if (Error is not null && Refused is { ThemeCode: not null } refused && !Items.Any(IsRefused))
        {
            string? name = null;
            try { name = (await reader.LoadForCallerAsync(refused.LeaderId, caller, ct)).State.DisplayName; }
            catch (Exception e) when (Core.Http.Problems.For(e) is not null) { /* not a leader this mentor may read (or none): said without the name */ }
            RefusedRequest = (name, (await words.LoadAsync(ct)).Of(refused.ThemeCode), refused.Level);
        }
        return Page();
    }

    /// <summary>How far back, and how many of, the mentor's own answers are listed under the queue.</summary>
    public const int AnsweredDays = 14, AnsweredShown = 10;

    /// <summary>
    /// The mentor's sign-offs and declines of the last <see cref="AnsweredDays"/> days that stand, newest first: once its
    /// card is gone, the way to the mentee's page where an answer given by mistake is withdrawn (the queue's undo lasts one page).
    /// </summary>
    public IReadOnlyList<GivenAnswer> Answered { get; private set; } = [];

    /// <summary>The frameworks' titles, for <see cref="Answered"/>.</summary>
    public Core.Frameworks.BrowseFrameworks.CodeWords Words { get; private set; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>The request a refusal was about when its card is no longer listed: the leader's name (when still theirs to read), the theme's title and the level.</summary>
    public (string? Leader, string Theme, int Level)? RefusedRequest { get; private set; }

    private QueueItem Item(LoadedLeader loaded, CurrentUser caller, string themeCode, int level, DateTimeOffset requestedAt)
    {
        var leader = loaded.State;
        var withdrawn = LearningOnRecord.Withdrawn(loaded.Events);
        return new QueueItem(leader.Id, leader.DisplayName, themeCode, loaded.Scope.TitleOf(themeCode), level, requestedAt,
            // What was logged is read from the events: the leader's state keeps only what decisions need. What was withdrawn (by mistake) is left out.
            [.. loaded.Events.Select(e => e.Data).OfType<TrainingCompleted>().Where(t => t.ThemeCode == themeCode && t.Level == level && !withdrawn.Contains(t.TrainingId))
                .Select(t => $"{t.Title} ({t.CompletedOn.ToString("d MMM yyyy", System.Globalization.CultureInfo.CurrentCulture)})")],
            [.. loaded.Events.Select(e => e.Data).OfType<EvidenceAdded>().Where(e => e.ThemeCode == themeCode && e.Level == level && !withdrawn.Contains(e.EvidenceId))
                .Select(e => new QueueEvidence(e.Link, e.Note))],
            AttainmentRule.Needs(leader, themeCode, level, policies.For(leader.Affiliate)),
            leader.SignOffBy(caller.UserId, themeCode, level)?.At,
            // The leader's self-assessment is not the rule's learning, but it is what they think of their own level.
            [.. loaded.Events.Select(e => e.Data).OfType<AssessmentRecorded>().Where(a => a.ThemeCode == themeCode && a.Level == level && !withdrawn.Contains(a.AssessmentId))
                .Select(a => T[a.Kind switch { AssessmentKind.Self => "The leader's self-assessment, {0}", AssessmentKind.Mentor => "A mentor's assessment, {0}", _ => "A peer's assessment, {0}" },
                    DateOnly.FromDateTime(a.RecordedAt.UtcDateTime).ToString("d MMM yyyy", System.Globalization.CultureInfo.CurrentCulture)].Value
                    + (string.IsNullOrWhiteSpace(a.Note) ? "" : $": “{a.Note}”"))],
            loaded.Scope.DescriptorOf(themeCode, level));
    }
}
