using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;

namespace LeaderJourney.Web.Pages;

/// <summary>One line of a leader's timeline: the day it happened and what happened, in words.</summary>
public sealed record TimelineEntry(DateOnly On, string Text);

/// <summary>One page of a timeline, newest first.</summary>
public sealed record TimelinePage(IReadOnlyList<TimelineEntry> Entries, int Page, int Pages, int Total);

/// <summary>A timeline page as the shared partial (_Timeline) shows it, with the page's own address for its pager.</summary>
public sealed record TimelineView(TimelinePage Timeline, string Address);

/// <summary>
/// A leader's events as a person reads them: dated by when they happened (a training on the day it was
/// completed, a position from when it was held, everything else when it was decided; a record imported
/// later keeps its own dates), themes by their titles, mentors by name. The leader's own journey and the
/// staff's leader page show the same lines.
/// </summary>
public static class JourneyTimeline
{
    public const int PageSize = 25;

    /// <param name="personName">The name to show for a user id (a mentor, say); null when not known.</param>
    public static TimelinePage Of(IEnumerable<StoredEvent> events, FrameworkScope scope, Func<Guid, string?> personName, int page)
    {
        var entries = events.Select(e => (e.Version, Entry: Describe(e, scope, personName)))
            .OrderByDescending(x => x.Entry.On).ThenByDescending(x => x.Version).Select(x => x.Entry).ToList();
        var pages = Math.Max(1, (entries.Count + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        return new TimelinePage(entries.Skip((page - 1) * PageSize).Take(PageSize).ToList(), page, pages, entries.Count);
    }

    /// <summary>The day an event happened (see the class's summary).</summary>
    public static DateOnly HappenedOn(StoredEvent e) => Describe(e, NoFramework, _ => null).On;

    private static readonly FrameworkScope NoFramework = new(Guid.Empty, [], new Dictionary<string, string>(), 3);

    private static TimelineEntry Describe(StoredEvent stored, FrameworkScope scope, Func<Guid, string?> personName)
    {
        string Theme(string code, int level) => $"{scope.TitleOf(code)}, Level {level}";
        string Mentor(Guid id) => personName(id) ?? "a mentor";
        static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
        static string Why(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}";
        return stored.Data switch
        {
            LeaderEnrolled x => new(Day(x.EnrolledAt), "Enrolled in the programme"),
            LeaderProfileChanged x => new(Day(x.ChangedAt), "Name, e-mail or local changed"),
            MentorAssigned x => new(Day(x.AssignedAt), $"{Mentor(x.MentorUserId)} became a mentor"),
            MentorUnassigned x => new(Day(x.UnassignedAt), $"{Mentor(x.MentorUserId)} stopped being a mentor"),
            TrainingCompleted x => new(x.CompletedOn, $"Completed the training “{x.Title}” for {Theme(x.ThemeCode, x.Level)}"),
            AssessmentRecorded x => new(Day(x.RecordedAt), $"{x.Kind switch { AssessmentKind.Self => "Self-assessment", AssessmentKind.Mentor => "Mentor's assessment", _ => "Peer assessment" }} of {Theme(x.ThemeCode, x.Level)}"),
            EvidenceAdded x => new(Day(x.AddedAt), $"Evidence added for {Theme(x.ThemeCode, x.Level)}"),
            SignOffRequested x => new(Day(x.RequestedAt), $"Asked for a sign-off of {Theme(x.ThemeCode, x.Level)}"),
            LevelSignedOff x => new(Day(x.SignedOffAt), $"{Mentor(x.MentorUserId)} signed off {Theme(x.ThemeCode, x.Level)}"),
            SignOffDeclined x => new(Day(x.DeclinedAt), $"{Mentor(x.MentorUserId)} declined the sign-off of {Theme(x.ThemeCode, x.Level)}{Why(x.Reason)}"),
            SignOffRevoked x => new(Day(x.RevokedAt), $"The sign-off of {Theme(x.ThemeCode, x.Level)} was withdrawn{Why(x.Reason)}"),
            LevelAttained x => new(Day(x.AttainedAt), $"Attained {Theme(x.ThemeCode, x.Level)}"),
            LevelAttainmentRevoked x => new(Day(x.RevokedAt), $"{Theme(x.ThemeCode, x.Level)} was revoked{Why(x.Reason)}"),
            LeaderPaused x => new(Day(x.PausedAt), $"Journey paused{Why(x.Reason)}"),
            LeaderWithdrawn x => new(Day(x.WithdrawnAt), $"Withdrew from the programme{Why(x.Reason)}"),
            LeaderReactivated x => new(Day(x.ReactivatedAt), "Journey active again"),
            LeaderErased x => new(Day(x.ErasedAt), "Personal data erased"),
            PositionHeld x => new(x.From, x.To is { } to ? $"Held the position “{x.Title}” until {to:d MMMM yyyy}" : $"Holds the position “{x.Title}”"),
            // An event this page has no words for yet: when it was recorded, and its published name.
            _ => new(Day(stored.Timestamp), stored.TypeName),
        };
    }
}
