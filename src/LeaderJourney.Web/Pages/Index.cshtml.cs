using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.MentorQueue;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages;

/// <summary>A mentee on the mentor's home: how far they have come and the day something last happened on their way.</summary>
public sealed record MenteeSummary(LeaderListing Leader, DateOnly? LastActivity);

/// <summary>
/// Each role's home. A mentor sees how many requests wait and their mentees' last activity; staff the
/// pipeline's numbers, leaders without a mentor and the requests waiting longest; the board coverage,
/// risk, the next term ends and people ready for several posts. A leader's home is their journey, a
/// national admin's the affiliates and their users.
/// </summary>
public sealed class IndexModel(MentorQueueQuery queue, LeaderLists lists, ReportService reports, Store store, FrameworkWords words, TimeProvider clock) : PageModel
{
    /// <summary>How many of the longest-waiting requests staff see, and how many coming term ends the board sees.</summary>
    public const int Shown = 5;

    public string Role { get; private set; } = "";
    public DateOnly Today { get; private set; }
    public bool StillBuilding { get; private set; }

    public IReadOnlyList<QueuedRequest> Queue { get; private set; } = [];
    public IReadOnlyList<MenteeSummary> Mentees { get; private set; } = [];

    /// <summary>The mentor's withdrawn mentees: left off the home's list (nothing of theirs moves on), counted, and listed on "My mentees".</summary>
    public int WithdrawnMentees { get; private set; }

    public LeaderCounts? Counts { get; private set; }
    public IReadOnlyList<WaitingRequest> Waiting { get; private set; } = [];

    public SuccessionReport? Succession { get; private set; }

    /// <summary>The reports issued to the board most lately (at most <see cref="IssuedShown"/>), newest first.</summary>
    public IReadOnlyList<ReportIssued> Issued { get; private set; } = [];
    public const int IssuedShown = 3;

    /// <summary>Themes' titles for the waiting requests.</summary>
    public CodeWords Words { get; private set; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        Role = caller.Role;
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        switch (caller.Role)
        {
            case Roles.Leader:
                return Redirect("/journey");
            case Roles.NationalAdmin:
                return Redirect("/admin/users");
            case Roles.Mentor when caller.Affiliate is { } affiliate:
                var requests = await queue.ForMentorAsync(caller, ct);
                StillBuilding = requests is null;
                Queue = requests ?? [];
                var mentees = new List<MenteeSummary>();
                // An erased leader is no one's mentee any more (as the mentors' counts have it): neither listed nor counted.
                var assigned = (await lists.MenteesAsync(affiliate, caller.UserId, ct)).Where(l => l.DisplayName != Domain.Leaders.Leader.ErasedName).ToList();
                WithdrawnMentees = assigned.Count(l => l.Status == "withdrawn");
                foreach (var leader in assigned.Where(l => l.Status != "withdrawn"))
                    mentees.Add(new MenteeSummary(leader, await LastActivityAsync(leader.Id, ct)));
                Mentees = mentees.OrderByDescending(m => m.LastActivity).ToList();
                break;
            case Roles.AffiliateAdmin when caller.Affiliate is { } affiliate:
                Counts = await lists.CountsAsync(affiliate, ct);
                var waiting = await queue.WaitingAsync(affiliate, Shown, ct);
                StillBuilding = Counts is null || waiting is null;
                Waiting = waiting ?? [];
                Words = await words.LoadAsync(ct);
                await LoadSuccessionAsync(affiliate, ct);
                break;
            case Roles.Board when caller.Affiliate is { } affiliate:
                await LoadSuccessionAsync(affiliate, ct);
                // What staff issued to the board, newest first: a board member learns of a new report here, not only on the pipeline page.
                // Only the newest few are read (each holds a whole report), the stream's version saying where they start.
                var issuedStream = ReportIssues.StreamIdFor(affiliate);
                if (await store.FetchStreamInfoAsync(issuedStream, ct) is { } info)
                    Issued = [.. (await store.ReadStreamAsync(issuedStream, new StreamReadOptions { FromVersion = Math.Max(1, info.Version - IssuedShown + 1) }, ct))
                        .Select(e => (ReportIssued)e.Data).Reverse()];
                break;
        }
        return Page();
    }

    /// <summary>Coverage, risk and term ends, now; the full report is on the succession page.</summary>
    private async Task LoadSuccessionAsync(string affiliate, CancellationToken ct)
    {
        try
        {
            Succession = await reports.SuccessionAsync(affiliate, null, ct, suggestions: false);
        }
        catch (ReadModelNotReadyException)
        {
            StillBuilding = true;
        }
    }

    /// <summary>
    /// The day (UTC) the leader's latest event was recorded: one read of the stream's head and its last event. Not the day it
    /// says it happened: a training logged today but completed last year, or a position record dated years back, put an
    /// active mentee at the bottom of the list and a quiet one at the top.
    /// </summary>
    private async Task<DateOnly?> LastActivityAsync(Guid leaderId, CancellationToken ct)
    {
        if (await store.FetchStreamInfoAsync(leaderId, ct) is not { Version: > 0 } stream) return null;
        var last = await store.ReadStreamAsync(leaderId, new StreamReadOptions { FromVersion = stream.Version }, ct);
        return last.Count == 0 ? null : DateOnly.FromDateTime(last[^1].Timestamp.UtcDateTime);
    }

    /// <summary>How many positions the succession report covers: the list to watch shows at most <see cref="Shown"/>, and says so.</summary>
    public int KeyPositions => Succession?.Positions.Count ?? 0;

    /// <summary>
    /// The key positions the board should look at first: highest risk first (a vacant seat with nobody ready
    /// has no term end, yet is the most urgent), then the soonest term end, the terms already ended before
    /// them, positions without an end last.
    /// </summary>
    public IReadOnlyList<PositionView> ToWatch =>
        Succession is null ? [] : [.. ReportFormats.MostAtRiskFirst(Succession.Positions).Take(Shown)];

    /// <summary>Candidates ready now for more than one key position: a bench thinner than it looks, since each can fill one.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<string> Positions)> ReadyForSeveral =>
        Succession?.Positions.SelectMany(p => p.Candidates.Where(c => c.Readiness == "ready-now").Select(c => (c.LeaderId, c.DisplayName, p.Title)))
            .GroupBy(x => (x.LeaderId, x.DisplayName)).Where(g => g.Count() > 1)
            .Select(g => (g.Key.DisplayName, (IReadOnlyList<string>)g.Select(x => x.Title).ToList())).ToList() ?? [];
}
