using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class LearningTests : LeaderSpec
{
    [Fact]
    public void Recording_a_training_without_a_sign_off_records_only_the_training()
    {
        GivenEnrolledWithMentor();
        Then(Train(1), TrainedNow(1));
    }

    [Fact]
    public void A_completion_date_in_the_future_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(Train(1) with { CompletedOn = Today.AddDays(1) },
            "The completion date 2025-04-10 is in the future; record the training once it is completed.");
    }

    [Fact]
    public void The_future_is_judged_by_the_commands_time_in_UTC()
    {
        GivenEnrolledWithMentor();
        // 23:30 at UTC-5 is already the 10th in UTC.
        var lateEvening = new DateTimeOffset(2025, 4, 9, 23, 30, 0, TimeSpan.FromHours(-5));
        When(Train(1) with { CompletedOn = new DateOnly(2025, 4, 10), Now = lateEvening }).Should().ContainSingle();
    }

    [Theory]
    [InlineData(" ", 1, "The training title must not be empty.")]
    [InlineData("Course", 0, "Level 0 does not exist; levels start at 1.")]
    public void A_training_without_title_or_with_level_below_one_is_refused(string title, int level, string message)
    {
        GivenEnrolledWithMentor();
        ThenRefused(Train(1) with { Title = title, Level = level }, message);
    }

    [Fact]
    public void Training_hours_must_be_positive()
    {
        GivenEnrolledWithMentor();
        ThenRefused(Train(1) with { Hours = 0m }, "Training hours must be more than zero; leave them out if unknown.");
    }

    [Fact]
    public void The_leader_records_a_self_assessment()
    {
        GivenEnrolledWithMentor();
        Then(new RecordAssessment(Id(800), Theme, 2, AssessmentKind.Self, " I grew ", Self, Now),
            new AssessmentRecorded(LeaderId, Id(800), Theme, 2, AssessmentKind.Self, "I grew", Self.UserId, Now));
    }

    [Fact]
    public void A_self_assessment_does_not_count_as_learning()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA));
        Then(new RecordAssessment(Id(800), Theme, 3, AssessmentKind.Self, null, Self, Now),
            new AssessmentRecorded(LeaderId, Id(800), Theme, 3, AssessmentKind.Self, null, Self.UserId, Now));
    }

    [Fact]
    public void A_self_assessment_by_someone_else_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new RecordAssessment(Id(800), Theme, 1, AssessmentKind.Self, null, MentorA, Now),
            "Only the leader can record their own self-assessment.");
    }

    [Fact]
    public void A_mentor_assessment_by_a_mentor_not_assigned_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new RecordAssessment(Id(800), Theme, 1, AssessmentKind.Mentor, null, MentorB, Now),
            "Only a mentor currently assigned to this leader can record a mentor assessment.");
    }

    [Fact]
    public void A_peer_assessment_by_the_leader_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new RecordAssessment(Id(800), Theme, 1, AssessmentKind.Peer, null, Self, Now),
            "A leader cannot record a peer assessment of themself; record a self-assessment instead.");
    }

    [Fact]
    public void A_peer_assessment_by_another_leader_counts_as_learning()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA)); // v3
        Then(new RecordAssessment(Id(800), Theme, 1, AssessmentKind.Peer, null, OtherLeader, Now),
            new AssessmentRecorded(LeaderId, Id(800), Theme, 1, AssessmentKind.Peer, null, OtherLeader.UserId, Now), // v4
            AttainedNow(1, Clause(AttainmentClause.Learning, 4), Clause(AttainmentClause.SignOff, 3)));
    }

    [Fact]
    public void Evidence_is_added_but_is_not_learning()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA));
        Then(new AddEvidence(Id(900), Theme, 1, "https://example.org/minutes", null, Self, Now),
            new EvidenceAdded(LeaderId, Id(900), Theme, 1, "https://example.org/minutes", null, Self.UserId, Now));
    }

    [Fact]
    public void Evidence_without_a_link_or_a_note_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new AddEvidence(Id(900), Theme, 1, " ", null, Self, Now), "Evidence needs a link or a note; give at least one.");
    }
}
