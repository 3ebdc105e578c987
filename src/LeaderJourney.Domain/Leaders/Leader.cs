using System.Collections.Immutable;

namespace LeaderJourney.Domain.Leaders;

/// <summary>A leader's state, folded from their stream. <see cref="Version"/> is the number of events applied,
/// so the event that produced a fact has stream version = Version right after it was applied. Kept by
/// Marten as the state the commands decide on: what is personal is marked so, sealed with the leader's key (<see cref="Id"/>).
/// It holds what a decision reads and no more, since every command loads and stores it whole: of a
/// training, an assessment or a piece of evidence only the learning it counts as; their ids, titles, notes
/// and links are in the events, where the pages read them. That each is recorded once is the database's to
/// keep (<see cref="RecordedOnce"/>): a list of every id a leader ever recorded made a command on a leader
/// with 300 trainings cost about 1.4 times one on a leader with 10.</summary>
public sealed record Leader(
    Guid Id,
    long Version,
    LeaderStatus Status,
    string Affiliate,
    string? Local,
    [PersonalData("Id")] string DisplayName,
    [PersonalData("Id")] string Email,
    Guid FrameworkEditionId,
    ImmutableHashSet<Guid> Mentors,
    ImmutableList<MentorAssignment> MentorHistory,
    ImmutableList<Attainment> Attainments,
    ImmutableList<PendingSignOff> PendingSignOffs,
    ImmutableList<StandingSignOff> SignOffs,
    ImmutableList<LearningFact> Learning,
    ImmutableList<PositionRecord> Positions)
{
    /// <summary>What an erased leader is called everywhere their name used to be shown.</summary>
    public const string ErasedName = "Erased leader";

    /// <summary>The leader's personal data was erased: the record keeps its facts and takes no more changes.</summary>
    public bool Erased { get; init; }

    /// <summary>
    /// The declines a mentor may still withdraw: at most one per level, the last word on it, while its mentor is assigned.
    /// A property with a default, not a constructor parameter, like <see cref="Erased"/>.
    /// </summary>
    public ImmutableList<StandingDecline> Declines { get; init; } = [];

    public StandingDecline? DeclineOf(string themeCode, int level) =>
        Declines.FirstOrDefault(d => d.ThemeCode == themeCode && d.Level == level);

    public static Leader Initial { get; } = new(
        Guid.Empty, 0, LeaderStatus.NotEnrolled, "", null, "", "", Guid.Empty,
        [], [], [], [], [], [], []);

    /// <summary>Highest attained level of the theme; 0 when Level 1 is not attained.
    /// Attained levels are always 1..n: a level needs the one below, and revoking a level revokes those above.</summary>
    public int LevelOf(string themeCode) =>
        Attainments.Where(a => a.ThemeCode == themeCode).Select(a => a.Level).DefaultIfEmpty(0).Max();

    public Attainment? AttainmentOf(string themeCode, int level) =>
        Attainments.FirstOrDefault(a => a.ThemeCode == themeCode && a.Level == level);

    public bool HasAttained(string themeCode, int level) => AttainmentOf(themeCode, level) is not null;

    public bool IsPending(string themeCode, int level) =>
        PendingSignOffs.Any(p => p.ThemeCode == themeCode && p.Level == level);

    public StandingSignOff? SignOffBy(Guid mentorUserId, string themeCode, int level) =>
        SignOffs.FirstOrDefault(s => s.MentorUserId == mentorUserId && s.ThemeCode == themeCode && s.Level == level);

    /// <summary>Was the mentor assigned when the event at <paramref name="version"/> happened?</summary>
    public bool WasMentorAtVersion(Guid mentorUserId, long version) =>
        MentorHistory.Any(m => m.MentorUserId == mentorUserId && m.CoversVersion(version));

    /// <summary>Was the mentor assigned at that moment (by the events' own timestamps)?</summary>
    public bool WasMentorAt(Guid mentorUserId, DateTimeOffset moment) =>
        MentorHistory.Any(m => m.MentorUserId == mentorUserId && m.CoversMoment(moment));

    /// <summary>Is this actor the leader? The stream knows the leader by id only, so the actor is the leader when
    /// their LeaderId is this leader, or when their user id is the leader id itself.</summary>
    public bool IsSelf(Actor actor) => actor.LeaderId == Id || actor.UserId == Id;

    /// <summary>Folds one event. Exhaustive: an event type it does not know is a programming error.</summary>
    public static Leader Evolve(Leader state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        var s = state with { Version = state.Version + 1 };
        var v = s.Version;
        return @event switch
        {
            LeaderEnrolled e => s with
            {
                Id = e.LeaderId, Status = LeaderStatus.Active, Affiliate = e.Affiliate, Local = e.Local,
                DisplayName = e.DisplayName, Email = e.Email, FrameworkEditionId = e.FrameworkEditionId,
            },
            LeaderProfileChanged e => s with { DisplayName = e.DisplayName, Email = e.Email, Local = e.Local },
            MentorAssigned e => s with
            {
                Mentors = s.Mentors.Add(e.MentorUserId),
                MentorHistory = s.MentorHistory.Add(new MentorAssignment(e.MentorUserId, v, e.AssignedAt, null, null)),
            },
            // A mentor no longer assigned answers for the leader no more: their declines can no longer be withdrawn.
            MentorUnassigned e => s with
            {
                Mentors = s.Mentors.Remove(e.MentorUserId),
                Declines = s.Declines.IsEmpty ? s.Declines : s.Declines.RemoveAll(d => d.MentorUserId == e.MentorUserId),
                MentorHistory = s.MentorHistory
                    .Select(m => m.MentorUserId == e.MentorUserId && m.UnassignedVersion is null
                        ? m with { UnassignedVersion = v, UnassignedAt = e.UnassignedAt }
                        : m)
                    .ToImmutableList(),
            },
            TrainingCompleted e => s with
            {
                Learning = LearningFact.Add(s.Learning, e.ThemeCode, e.Level, LearningSource.Training, v),
            },
            AssessmentRecorded e => s with
            {
                // Public contract: a self-assessment does not count as learning.
                Learning = e.Kind switch
                {
                    AssessmentKind.Mentor => LearningFact.Add(s.Learning, e.ThemeCode, e.Level, LearningSource.MentorAssessment, v),
                    AssessmentKind.Peer => LearningFact.Add(s.Learning, e.ThemeCode, e.Level, LearningSource.PeerAssessment, v),
                    _ => s.Learning,
                },
            },
            // Evidence supports a mentor's judgement: no decision reads it.
            EvidenceAdded => s,
            EvidenceWithdrawn => s,
            TrainingWithdrawn e => s with
            {
                Learning = LearningFact.Remove(s.Learning, e.ThemeCode, e.Level, LearningSource.Training, e.TrainingVersion),
            },
            AssessmentWithdrawn e => s with
            {
                Learning = e.Kind switch
                {
                    AssessmentKind.Mentor => LearningFact.Remove(s.Learning, e.ThemeCode, e.Level, LearningSource.MentorAssessment, e.AssessmentVersion),
                    AssessmentKind.Peer => LearningFact.Remove(s.Learning, e.ThemeCode, e.Level, LearningSource.PeerAssessment, e.AssessmentVersion),
                    _ => s.Learning,
                },
            },
            SignOffRequested e => s with
            {
                PendingSignOffs = s.PendingSignOffs.Add(new PendingSignOff(e.ThemeCode, e.Level, e.Waiting(), v)),
                Declines = CloseDecline(s, e.ThemeCode, e.Level),
            },
            // A sign-off answers the request, if any: it leaves the mentor's queue.
            LevelSignedOff e => s with
            {
                SignOffs = s.SignOffs
                    .RemoveAll(x => x.MentorUserId == e.MentorUserId && x.ThemeCode == e.ThemeCode && x.Level == e.Level)
                    .Add(new StandingSignOff(e.ThemeCode, e.Level, e.MentorUserId, v, e.SignedOffAt,
                        s.PendingSignOffs.FirstOrDefault(p => p.ThemeCode == e.ThemeCode && p.Level == e.Level)?.RequestedAt)),
                PendingSignOffs = ClosePending(s, e.ThemeCode, e.Level),
                Declines = CloseDecline(s, e.ThemeCode, e.Level),
            },
            SignOffDeclined e => s with
            {
                PendingSignOffs = ClosePending(s, e.ThemeCode, e.Level),
                Declines = CloseDecline(s, e.ThemeCode, e.Level).Add(new StandingDecline(e.ThemeCode, e.Level, e.MentorUserId, v,
                    s.PendingSignOffs.FirstOrDefault(p => p.ThemeCode == e.ThemeCode && p.Level == e.Level)?.RequestedAt ?? e.DeclinedAt)),
            },
            // The request the decline answered waits again, as old as it was.
            SignOffDeclineWithdrawn e => s with
            {
                PendingSignOffs = s.PendingSignOffs.Add(new PendingSignOff(e.ThemeCode, e.Level, e.RequestWaitingSince, v)),
                Declines = CloseDecline(s, e.ThemeCode, e.Level),
            },
            SignOffRequestWithdrawn e => s with
            {
                PendingSignOffs = ClosePending(s, e.ThemeCode, e.Level),
                Declines = CloseDecline(s, e.ThemeCode, e.Level),
            },
            SignOffRevoked e => s with
            {
                SignOffs = s.SignOffs.RemoveAll(x => x.MentorUserId == e.MentorUserId && x.ThemeCode == e.ThemeCode && x.Level == e.Level),
            },
            // An attained level has nothing left to ask a mentor for.
            LevelAttained e => s with
            {
                Attainments = s.Attainments
                    .RemoveAll(a => a.ThemeCode == e.ThemeCode && a.Level == e.Level)
                    .Add(new Attainment(e.ThemeCode, e.Level, e.AttainedAt, v, e.Provenance)),
                PendingSignOffs = ClosePending(s, e.ThemeCode, e.Level),
                Declines = CloseDecline(s, e.ThemeCode, e.Level),
            },
            LevelAttainmentRevoked e => s with
            {
                Attainments = s.Attainments.RemoveAll(a => a.ThemeCode == e.ThemeCode && a.Level == e.Level),
            },
            LeaderPaused => s with { Status = LeaderStatus.Paused },
            LeaderWithdrawn => s with { Status = LeaderStatus.Withdrawn },
            LeaderReactivated => s with { Status = LeaderStatus.Active },
            LeaderErased => s with { Erased = true, DisplayName = ErasedName, Email = "" },
            PositionHeld e => s with { Positions = s.Positions.Add(new PositionRecord(e.Title, e.From, e.To, v)) },
            _ => throw new ArgumentException($"Unknown leader event type {@event.GetType().FullName}.", nameof(@event)),
        };
    }

    private static ImmutableList<PendingSignOff> ClosePending(Leader s, string themeCode, int level) =>
        s.PendingSignOffs.RemoveAll(p => p.ThemeCode == themeCode && p.Level == level);

    /// <summary>A decline is the last word on its level until the level is asked for, answered or attained.</summary>
    private static ImmutableList<StandingDecline> CloseDecline(Leader s, string themeCode, int level) =>
        s.Declines.IsEmpty ? s.Declines : s.Declines.RemoveAll(d => d.ThemeCode == themeCode && d.Level == level);
}
