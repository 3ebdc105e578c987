using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Journey;

/// <summary>A leader's own journey: the framework as a grid of domains, themes and levels, and the timeline of their events.</summary>
public sealed class IndexModel(LeaderJourney.Core.Succession.LeaderPositions.LeaderPositionsQuery leaderPositions, LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkWords frameworkWords, LeaderReader reader, FrameworkCatalog catalog, AccessDirectory directory, Core.Privacy.SubjectAccess.SubjectAccessExport export,
    AttainmentPolicies policies, Core.Notifications.Mail.Mailer mailer, Core.Privacy.Audit.SensitiveReads audit, Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "t")] public int TimelinePageNumber { get; set; } = 1;

    /// <summary>Everything held about the leader, as a JSON file (subject access).</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        var document = await export.ExportAsync(leaderId, caller, ct);
        return File(JsonSerializer.SerializeToUtf8Bytes(document, JsonSerializerOptions.Web), "application/json", $"leaderjourney-my-data-{DateTime.UtcNow:yyyy-MM-dd}.json");
    }

    public string Name { get; private set; } = "";

    /// <summary>Who signs off the leader's levels, by the names they go by: the page's "ask your mentor" says who that is.</summary>
    public IReadOnlyList<string> MentorNames { get; private set; } = [];

    /// <summary>The positions seen from this leader (<see cref="LeaderPositionsView"/>).</summary>
    public LeaderPositionsView? Positions { get; private set; }
    public IReadOnlyList<DomainRow> Domains { get; private set; } = [];
    public TimelinePage Timeline { get; private set; } = new([], 1, 1, 0);

    /// <summary>Where the leader stands, first on the page (a phone shows the grid below it only after a long scroll).</summary>
    public JourneySummary Summary { get; private set; } = JourneySummary.Empty;

    /// <summary>
    /// The last times someone else opened the leader's record or downloaded their data (the audit's entries), newest first, said
    /// by role (and a mentor by name, as the leader knows them): the download has them all, by ids a person cannot read.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset At, string Said)> RecentReads { get; private set; } = [];
    public const int ReadsShown = 10;

    /// <summary>The address on the leader's record is not confirmed yet, and could be (<see cref="ConfirmedAddress"/>): without it a forgotten password has no way back.</summary>
    public bool AskToConfirmAddress { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        Name = loaded.State.DisplayName;
        Domains = await ProgressGrid.OfAsync(loaded, catalog, policies.For(loaded.State.Affiliate), ct);
        Summary = JourneySummary.Of(loaded.State, Domains);
        // A withdrawn leader aims at nothing until staff make their journey active again: no positions to aim at.
        Positions = loaded.State.Status == LeaderJourney.Domain.Leaders.LeaderStatus.Withdrawn ? null : await leaderPositions.ForLeaderAsync(loaded.State.Affiliate, leaderId, forStaff: false, ct) is { } standings
            ? new(standings, await frameworkWords.LoadAsync(ct), LeaderPositionsView.Reader.Leader, "/journey/theme/{0}#next")
            : null;
        AskToConfirmAddress = mailer.LinkTo(ConfirmedAddress.PagePath) is not null && loaded.State.Email is { Length: > 0 } email
            && !await directory.IsConfirmedAsync(caller.UserId, email, ct);
        var mentorNames = await directory.MentorNamesAsync(loaded.State.Affiliate, ct);
        Timeline = JourneyTimeline.Of(loaded.Events, loaded.Scope, mentorNames, TimelinePageNumber, T);
        MentorNames = [.. loaded.State.Mentors.Where(mentorNames.ContainsKey).Select(id => mentorNames[id]).Order()];
        RecentReads = [.. (await audit.ListAsync(leaderId, null, null, null, ReadsShown, ct)).Select(r => (r.At, Said(r)))];
        string Said(Core.Privacy.Audit.SensitiveRead read)
        {
            var who = read.Role switch
            {
                Roles.Mentor when mentorNames.TryGetValue(read.UserId, out var mentor) => loaded.State.Mentors.Contains(read.UserId) ? T["Your mentor {0}", mentor].Value : T["{0}, a mentor", mentor].Value,
                Roles.Mentor => T["One of the affiliate's mentors"].Value,
                Roles.AffiliateAdmin => T["Your affiliate's staff"].Value,
                Roles.NationalAdmin => T["A national administrator"].Value,
                _ => T["Someone"].Value,
            };
            return read.What == Core.Privacy.Audit.SensitiveReads.SubjectAccessExport ? T["{0} downloaded a copy of your data", who].Value : T["{0} opened your record", who].Value;
        }
        return Page();
    }
}

/// <summary>
/// Where a leader stands, in a few lines: levels attained across the themes, the requests waiting for a
/// sign-off, and the next levels whose learning is logged and which only lack one (at most <see cref="Shown"/>).
/// </summary>
/// <param name="Status">A paused or withdrawn journey is signed off nothing: the page says so instead of the requests and next steps.</param>
public sealed record JourneySummary(int LevelsAttained, int ThemesStarted, int Themes, IReadOnlyList<(ThemeRow Theme, int Level)> Waiting,
    IReadOnlyList<(ThemeRow Theme, int Level)> ReadyToAsk, int MoreReady, LeaderStatus Status)
{
    public const int Shown = 5;

    public static readonly JourneySummary Empty = new(0, 0, 0, [], [], 0, LeaderStatus.Active);

    /// <summary>
    /// Next levels whose last request a mentor declined, the decline still standing: listed first, leading to the theme's
    /// page where the reason is (without it the leader found the level back at "ask your mentor", as if nothing had happened).
    /// </summary>
    public IReadOnlyList<(ThemeRow Theme, int Level)> Declined { get; init; } = [];

    /// <summary>Next levels a mentor signed off that wait for their learning (a training, or a mentor's or peer's assessment) to be attained (at most <see cref="Shown"/>).</summary>
    public IReadOnlyList<(ThemeRow Theme, int Level)> SignedOff { get; init; } = [];

    /// <summary>The domain whose next level lacks the fewest themes, with the themes it lacks (first in the framework's order), or null when every domain is at Level 3.</summary>
    public (DomainRow Domain, int Level, IReadOnlyList<ThemeRow> Missing)? Nearest { get; init; }

    /// <param name="domains">The leader's grid, made with their affiliate's attainment rule (it marks the levels that lack only a sign-off).</param>
    public static JourneySummary Of(Leader state, IReadOnlyList<DomainRow> domains)
    {
        var themes = domains.SelectMany(d => d.Themes).ToList();
        var waiting = themes.Where(t => t.PendingLevel is not null).Select(t => (t, t.PendingLevel!.Value)).ToList();
        // The grid worked out which next levels lack only a sign-off nobody was asked for (ProgressGrid.OfAsync, with the policy).
        var declined = themes.Where(t => t.PendingLevel is null && state.DeclineOf(t.Code, t.Level + 1) is not null).Select(t => (Theme: t, Level: t.Level + 1)).ToList();
        var ready = themes.Where(t => t.LearningLogged && !declined.Any(d => d.Theme == t)).Select(t => (Theme: t, Level: t.Level + 1)).ToList();
        var nearest = domains.Where(d => d.Level < 3 && d.Themes.Count > 0)
            .Select(d => (Domain: d, Level: d.Level + 1, Missing: (IReadOnlyList<ThemeRow>)[.. d.Themes.Where(t => t.Level <= d.Level)]))
            .OrderBy(n => n.Missing.Count).FirstOrDefault();
        var signedOff = themes.Where(t => !t.LearningLogged && t.SignedOffLevels?.Contains(t.Level + 1) == true).Select(t => (Theme: t, Level: t.Level + 1)).Take(Shown).ToList();
        return new(themes.Sum(t => t.Level), themes.Count(t => t.Level > 0), themes.Count, waiting, [.. ready.Take(Shown)], Math.Max(0, ready.Count - Shown), state.Status)
        {
            SignedOff = signedOff,
            Declined = [.. declined.Take(Shown)],
            Nearest = nearest.Domain is null ? null : nearest,
        };
    }
}
