using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using Microsoft.Extensions.Localization;

namespace LeaderJourney.Web.Pages;

/// <summary>One line of a leader's timeline: the day it happened and what happened, in words.</summary>
/// <param name="Link">A piece of evidence's address, shown after the words (a link when it is a web address).</param>
public sealed record TimelineEntry(DateOnly On, string Text, string? Link = null)
{
    public bool Clickable => Uri.TryCreate(Link, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    /// <summary>" (address)" after the words, the address a link when it is a web address; nothing without one.</summary>
    public Microsoft.AspNetCore.Html.IHtmlContent LinkHtml
    {
        get
        {
            if (Link is null) return Microsoft.AspNetCore.Html.HtmlString.Empty;
            var encoded = System.Net.WebUtility.HtmlEncode(Link);
            return new Microsoft.AspNetCore.Html.HtmlString(Clickable ? $" (<a href=\"{encoded}\" rel=\"noopener noreferrer nofollow\">{encoded}</a>)" : $" ({encoded})");
        }
    }
}

/// <summary>One page of a timeline, newest first.</summary>
public sealed record TimelinePage(IReadOnlyList<TimelineEntry> Entries, int Page, int Pages, int Total)
{
    /// <summary>The framework's titles the entries may hold (its own English words), to mark them on a page in another language (<see cref="FrameworkMarks"/>).</summary>
    public IEnumerable<string> FrameworkTitles { get; init; } = [];
}

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
    /// <param name="words">The page's language (<see cref="Texts"/>).</param>
    public static TimelinePage Of(IEnumerable<StoredEvent> events, FrameworkScope scope, Func<Guid, string?> personName, int page, IStringLocalizer words)
    {
        // A decline its mentor withdrew keeps its line, without its words (often a note meant for a sign-off).
        var all = events as IReadOnlyList<StoredEvent> ?? [.. events];
        var withdrawnDeclines = LearningOnRecord.WithdrawnDeclines(all);
        var entries = all.Select(e => (e.Version, Entry: Describe(e, scope, personName, words, withdrawnDeclines.Contains(e.Version))))
            .OrderByDescending(x => x.Entry.On).ThenByDescending(x => x.Version).Select(x => x.Entry).ToList();
        var pages = Math.Max(1, (entries.Count + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        return new TimelinePage(entries.Skip((page - 1) * PageSize).Take(PageSize).ToList(), page, pages, entries.Count) { FrameworkTitles = scope.Titles.Values };
    }

    /// <param name="people">Names of users by id (the affiliate's mentors, <c>AccessDirectory.MentorNamesAsync</c>); an id not there shows as unknown.</param>
    public static TimelinePage Of(IEnumerable<StoredEvent> events, FrameworkScope scope, IReadOnlyDictionary<Guid, string> people, int page, IStringLocalizer words) =>
        Of(events, scope, user => people.GetValueOrDefault(user), page, words);

    /// <summary>The day an event happened (see the class's summary).</summary>
    public static DateOnly HappenedOn(StoredEvent e) => Describe(e, NoFramework, _ => null, null, false).On;

    private static readonly FrameworkScope NoFramework = new(Guid.Empty, [], new Dictionary<string, string>(), 3);

    private static TimelineEntry Describe(StoredEvent stored, FrameworkScope scope, Func<Guid, string?> personName, IStringLocalizer? words, bool withdrawnDecline)
    {
        // Without words only the date is wanted (HappenedOn): the text is not built.
        string T(string text, params object[] values) => words is null ? "" : words[text, values];
        string Theme(string code, int level) => T("{0}, Level {1}", scope.TitleOf(code), level);
        string Mentor(Guid id) => personName(id) ?? T("a mentor");
        bool IsMentor(Guid id) => personName(id) is not null;
        static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
        // A reason is as its author typed it; the queue's undo and a training or an assessment withdrawn without one write their own, in English, said in the reader's language.
        string Why(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $": {(reason is LeaderJourney.Web.Pages.Mentor.QueueModel.UndoReason or TrainingWithdrawn.LevelTakenBackReason or AssessmentWithdrawn.LevelTakenBackReason ? T(reason) : reason)}";
        // What a mentor or the leader wrote with an assessment, a sign-off or evidence: in the leader's record, for those who read it.
        string Said(string? note) => string.IsNullOrWhiteSpace(note) ? "" : $": “{note}”";
        return stored.Data switch
        {
            LeaderEnrolled x => new(Day(x.EnrolledAt), T("Enrolled in the programme")),
            LeaderProfileChanged x => new(Day(x.ChangedAt), T("Name, e-mail or local changed")),
            MentorAssigned x => new(Day(x.AssignedAt), T("{0} became a mentor", Mentor(x.MentorUserId))),
            MentorUnassigned x => new(Day(x.UnassignedAt), T("{0} stopped being a mentor", Mentor(x.MentorUserId))),
            TrainingCompleted x => new(x.CompletedOn, T("Completed the training “{0}” for {1}", x.Title, Theme(x.ThemeCode, x.Level))),
            AssessmentRecorded x => new(Day(x.RecordedAt), T(x.Kind switch { AssessmentKind.Self => "Self-assessment of {0}", AssessmentKind.Mentor => "Mentor's assessment of {0}", _ => "Peer assessment of {0}" }, Theme(x.ThemeCode, x.Level)) + Said(x.Note)),
            EvidenceAdded x => new(Day(x.AddedAt), T("Evidence added for {0}", Theme(x.ThemeCode, x.Level)) + Said(x.Note), string.IsNullOrWhiteSpace(x.Link) ? null : x.Link),
            AssessmentWithdrawn x => new(Day(x.WithdrawnAt), T("An assessment of {0} was withdrawn (recorded by mistake)", Theme(x.ThemeCode, x.Level)) + Why(x.Reason)),
            TrainingWithdrawn x => new(Day(x.WithdrawnAt), T("A training for {0} was withdrawn (recorded by mistake)", Theme(x.ThemeCode, x.Level)) + Why(x.Reason)),
            EvidenceWithdrawn x => new(Day(x.WithdrawnAt), T("Evidence for {0} was withdrawn (added by mistake)", Theme(x.ThemeCode, x.Level)) + Why(x.Reason)),
            // One a mentor asked (a decline or sign-off undone, or asked from the mentee's page) says who: the leader did not.
            // Put back by a sign-off's undo (it keeps the first wait): the mentor who undid it did not ask for it.
            SignOffRequested x when x.WaitingSince is not null => new(Day(x.RequestedAt), T("The request for a sign-off of {0} waits again", Theme(x.ThemeCode, x.Level))),
            SignOffRequested x when IsMentor(x.RequestedBy) => new(Day(x.RequestedAt), T("{0} asked for a sign-off of {1}", Mentor(x.RequestedBy), Theme(x.ThemeCode, x.Level))),
            SignOffRequested x => new(Day(x.RequestedAt), T("Asked for a sign-off of {0}", Theme(x.ThemeCode, x.Level))),
            SignOffRequestWithdrawn x => new(Day(x.WithdrawnAt), T("The request for a sign-off of {0} was withdrawn", Theme(x.ThemeCode, x.Level))),
            LevelSignedOff x => new(Day(x.SignedOffAt), T("{0} signed off {1}", Mentor(x.MentorUserId), Theme(x.ThemeCode, x.Level)) + Said(x.Note)),
            SignOffDeclined x => new(Day(x.DeclinedAt), T("{0} declined the request for a sign-off of {1}", Mentor(x.MentorUserId), Theme(x.ThemeCode, x.Level)) + (withdrawnDecline ? "" : Why(x.Reason))),
            SignOffDeclineWithdrawn x => new(Day(x.WithdrawnAt), T("{0} withdrew the decline of {1}: the request waits again", Mentor(x.MentorUserId), Theme(x.ThemeCode, x.Level))),
            SignOffRevoked x => new(Day(x.RevokedAt), T("The sign-off of {0} was withdrawn", Theme(x.ThemeCode, x.Level)) + Why(x.Reason)),
            LevelAttained x => new(Day(x.AttainedAt), T("Attained {0}", Theme(x.ThemeCode, x.Level))),
            LevelAttainmentRevoked x => new(Day(x.RevokedAt), T("{0} was revoked", Theme(x.ThemeCode, x.Level)) + Why(x.Reason)),
            LeaderPaused x => new(Day(x.PausedAt), T("Journey paused") + Why(x.Reason)),
            LeaderWithdrawn x => new(Day(x.WithdrawnAt), T("Withdrew from the programme") + Why(x.Reason)),
            LeaderReactivated x => new(Day(x.ReactivatedAt), T("Journey active again")),
            LeaderErased x => new(Day(x.ErasedAt), T("Personal data erased")),
            PositionHeld x => new(x.From, x.To is { } to ? T("Held the position “{0}” until {1}", x.Title, Dates.Long(to)) : T("Holds the position “{0}”", x.Title)),
            // An event this page has no words for yet: when it was recorded, and its published name.
            _ => new(Day(stored.Timestamp), stored.TypeName),
        };
    }
}
