using LeaderJourney.Domain;
using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

/// <summary>The leader decider's spec: its test data and the events an earlier decision would have made.</summary>
public abstract class LeaderSpec() : DeciderSpec<Leader>(Leader.Initial)
{
    protected override Leader Evolve(Leader current, object @event) => LeaderDecider.Evolve(current, @event);

    protected override IReadOnlyList<object> Decide(object command, Leader current) => LeaderDecider.Decide(command, current, Policy);

    protected static readonly DateTimeOffset T0 = new(2025, 3, 10, 9, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset Now = new(2025, 4, 9, 9, 0, 0, TimeSpan.Zero);
    protected static readonly DateOnly Today = new(2025, 4, 9);

    protected static readonly Guid LeaderId = Id(1);
    protected static readonly Guid Edition = Id(2);
    protected const string Theme = "VIS";
    protected const string OtherTheme = "COM";

    protected static readonly Actor Admin = new(Id(100), Role.AffiliateAdmin, null);
    protected static readonly Actor National = new(Id(101), Role.NationalAdmin, null);
    protected static readonly Actor MentorA = new(Id(200), Role.Mentor, null);
    protected static readonly Actor MentorB = new(Id(201), Role.Mentor, null);
    protected static readonly Actor MentorC = new(Id(202), Role.Mentor, null);
    protected static readonly Actor Self = new(Id(300), Role.Leader, LeaderId);
    protected static readonly Actor OtherLeader = new(Id(301), Role.Leader, Id(9));
    protected static readonly Actor BoardMember = new(Id(400), Role.Board, null);

    protected AttainmentPolicy Policy { get; set; } = AttainmentPolicy.Default;

    protected static AttainmentClause Clause(string rule, params long[] versions) => new(rule, versions);

    /// <summary>Enrolled (v1) with MentorA assigned (v2).</summary>
    protected void GivenEnrolledWithMentor() => Given(Enrolled(), Assigned(MentorA));

    /// <summary>Levels 1..3 of the theme attained through one decision (v9, v10, v11), on one training each (v3..v5); MentorA signed each.</summary>
    protected void GivenLevels1To3Attained()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1), Trained(2), Trained(3), SignedOff(2, MentorA), SignedOff(3, MentorA));
        Apply(SignOffBy(MentorA, 1));
        State.LevelOf(Theme).Should().Be(3);
    }

    // Events, as an earlier decision would have made them.
    protected static LeaderEnrolled Enrolled() => new(LeaderId, "North", "Local 7", "Ada Leader", "ada@example.org", Edition, Admin.UserId, T0);
    protected static MentorAssigned Assigned(Actor mentor) => new(LeaderId, mentor.UserId, Admin.UserId, T0);
    protected static MentorUnassigned Unassigned(Actor mentor) => new(LeaderId, mentor.UserId, Admin.UserId, T0);
    protected static TrainingCompleted Trained(int level, string theme = Theme, int id = 500) =>
        new(LeaderId, Id(id + level), $"Course {level}", theme, level, 6m, new DateOnly(2025, 3, 1), Admin.UserId, T0);
    protected static AssessmentRecorded Assessed(int level, AssessmentKind kind, Actor by, string theme = Theme) =>
        new(LeaderId, Id(600 + level), theme, level, kind, null, by.UserId, T0);
    protected static SignOffRequested Requested(int level, string theme = Theme) => new(LeaderId, theme, level, Self.UserId, T0);
    protected static LevelSignedOff SignedOff(int level, Actor mentor, string theme = Theme) => new(LeaderId, theme, level, mentor.UserId, null, T0);
    protected static LevelAttained Attained(int level, string theme = Theme, DateTimeOffset? at = null) =>
        new(LeaderId, theme, level, [Clause(AttainmentClause.Learning, 0)], at ?? T0);
    protected static LeaderPaused Paused() => new(LeaderId, null, Admin.UserId, T0);
    protected static LeaderWithdrawn Withdrawn() => new(LeaderId, null, Admin.UserId, T0);

    // Commands, issued now.
    protected static RecordTraining Train(int level, string theme = Theme, int id = 700) =>
        new(Id(id + level), $"Course {level}", theme, level, 6m, Today, Admin, Now);
    protected static SignOff SignOffBy(Actor mentor, int level, string theme = Theme) => new(theme, level, null, mentor, Now);
    protected static TrainingCompleted TrainedNow(int level, string theme = Theme, int id = 700) =>
        new(LeaderId, Id(id + level), $"Course {level}", theme, level, 6m, Today, Admin.UserId, Now);
    protected static LevelSignedOff SignedOffNow(int level, Actor mentor, string theme = Theme) => new(LeaderId, theme, level, mentor.UserId, null, Now);
    protected static LevelAttained AttainedNow(int level, params AttainmentClause[] provenance) => new(LeaderId, Theme, level, provenance, Now);
}
