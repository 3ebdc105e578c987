using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Notifications;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Notifications;

/// <summary>
/// What a leader, mentor or staff member has been told (GET /api/notifications), newest first, the unread ones
/// marked, each with a link to where it can be acted on; "mark all read" sends the API's command.
/// </summary>
public sealed class IndexModel(NotificationBox box, IMessageBus bus, FrameworkWords words, SuccessionData positions, LeaderLists lists, LeaderReader leaders, TimeProvider clock) : PageModel
{
    public const int PageSize = 30;

    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public IReadOnlyList<Notification> Notices { get; private set; } = [];
    public bool HasOlder { get; private set; }
    public CodeWords Words { get; private set; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());
    /// <summary>The positions the notices name, as they stand now: a term end may have moved since a reminder was written.</summary>
    public IReadOnlyDictionary<Guid, (string Title, DateOnly? TermEndsOn)> Positions { get; private set; } = new Dictionary<Guid, (string, DateOnly?)>();
    public string? Error { get; private set; }
    /// <summary>A mentor's mentees now, by id: a notice of a leader no longer theirs does not name them.</summary>
    public IReadOnlyDictionary<Guid, string> Mentees { get; private set; } = new Dictionary<Guid, string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!MayRead(out var caller)) return Forbid();
        var page = await box.ForAsync(caller, PageSize + 1, ct, Before);
        HasOlder = page.Count > PageSize;
        Notices = page.Take(PageSize).ToList();
        if (Notices.Any(n => n.ThemeCode is not null)) Words = await words.LoadAsync(ct);
        if (Notices.Any(n => n.PositionId is not null) && caller.Affiliate is { } affiliate)
            // Retired positions too: an older notice still names the position it was about.
            Positions = (await positions.PositionHistoriesAsync(affiliate, clock.GetUtcNow(), ct)).ToDictionary(h => h.Position.Id, h => (h.Position.Title, h.Position.Incumbent.TermEndsOn));
        if (Notices.Any(n => n.Kind == NotificationBox.MenteeAssigned) && caller.Affiliate is { } own)
        {
            var mentees = (await lists.MenteesAsync(own, caller.UserId, ct)).ToDictionary(m => m.Id, m => m.DisplayName);
            // The list is a read model a moment behind (or being rebuilt): a leader it lacks is looked for in their stream.
            foreach (var id in Notices.Where(n => n.Kind == NotificationBox.MenteeAssigned).Select(n => n.LeaderId).OfType<Guid>().Distinct().Where(id => !mentees.ContainsKey(id)))
                if (await leaders.FindAsync(id, ct) is { State: { Erased: false } leader } && leader.Affiliate == own && leader.Mentors.Contains(caller.UserId))
                    mentees[id] = leader.DisplayName;
            Mentees = mentees;
        }
        return Page();
    }

    /// <summary>Marks read everything up to the newest notification the page showed (one that arrived since stays unread).</summary>
    public async Task<IActionResult> OnPostReadAsync(long? throughId, CancellationToken ct)
    {
        if (!MayRead(out var caller)) return Forbid();
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new MarkNotificationsReadCommand(throughId) { Sender = new(caller, PageCommands.Options(Request, "mark notifications read")) }, ct));
        return Error is null ? RedirectToPage() : await OnGetAsync(ct);
    }

    /// <summary>The day a notice is dated by: when it happened (a level attained), or when it was noted (a term's end lies ahead, and the sentence says it).</summary>
    public static DateOnly DayOf(Notification n) =>
        n.Kind != NotificationBox.TermEnding && n.OnDate is { } on ? on : DateOnly.FromDateTime(n.CreatedAt.UtcDateTime);

    private bool MayRead(out CurrentUser caller)
    {
        caller = BearerTokenHandler.CurrentUserOf(User);
        return NotificationBox.MayRead(caller);
    }
}
