using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders.MentorQueue;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Staff;

/// <summary>
/// Every sign-off request waiting in the affiliate, by the mentor who can sign it off: staff see whom to
/// nudge, and first the requests nobody can sign off, their leader having no mentor (or only mentors whose
/// sign-in is disabled). A leader with two mentors' request is under each.
/// </summary>
public sealed class RequestsModel(MentorQueueQuery queue, AccessDirectory directory, FrameworkWords words, TimeProvider clock) : PageModel
{
    /// <summary>A mentor's waiting requests, oldest first; <see cref="MentorId"/> null for leaders with no mentor.</summary>
    public sealed record MentorGroup(Guid? MentorId, string? Name, IReadOnlyList<WaitingRequest> Requests);

    public IReadOnlyList<MentorGroup> Groups { get; private set; } = [];
    public int Total { get; private set; }
    public bool StillBuilding { get; private set; }
    public DateOnly Today { get; private set; }
    public CodeWords Words { get; private set; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!caller.IsAdmin || caller.Affiliate is not { } affiliate) return Forbid();
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var waiting = await queue.WaitingAsync(affiliate, take: null, ct);
        StillBuilding = waiting is null;
        waiting ??= [];
        Total = waiting.Count;
        // A mentor whose sign-in is disabled signs nothing off: their mentees' requests are nobody's.
        var names = await directory.MentorNamesAsync(affiliate, ct, ableToSignIn: true);
        // Requests come oldest first, so each group's first request is its longest wait; groups keep that order.
        Groups =
        [
            .. waiting.Where(w => !w.MentorIds.Any(names.ContainsKey)) is var alone && alone.Any() ? [new MentorGroup(null, null, [.. alone])] : Array.Empty<MentorGroup>(),
            .. waiting.SelectMany(w => w.MentorIds.Where(names.ContainsKey).Select(mentor => (mentor, w))).GroupBy(p => p.mentor)
                .Select(g => new MentorGroup(g.Key, names.GetValueOrDefault(g.Key), [.. g.Select(p => p.w)]))
                .OrderBy(g => g.Requests[0].RequestedAt),
        ];
        Words = await words.LoadAsync(ct);
        return Page();
    }
}
