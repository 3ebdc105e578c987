using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class AttainmentTests : LeaderSpec
{
    [Fact]
    public void Training_then_sign_off_attains_on_the_sign_off()
    {
        GivenEnrolledWithMentor();  // v1, v2
        Given(Trained(1));          // v3
        Then(SignOffBy(MentorA, 1),
            SignedOffNow(1, MentorA), // v4
            AttainedNow(1, Clause(AttainmentClause.Learning, 3), Clause(AttainmentClause.SignOff, 4)));
    }

    [Fact]
    public void Sign_off_then_training_attains_on_the_training()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA)); // v3
        Then(Train(1),
            TrainedNow(1), // v4
            AttainedNow(1, Clause(AttainmentClause.Learning, 4), Clause(AttainmentClause.SignOff, 3)));
    }

    [Fact]
    public void A_training_at_another_level_is_not_learning_for_this_level()
    {
        GivenEnrolledWithMentor();
        Given(Trained(2));
        Then(SignOffBy(MentorA, 1), SignedOffNow(1, MentorA));
    }

    [Fact]
    public void A_mentor_assessment_at_level_3_counts_for_level_2()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1), SignedOff(1, MentorA), Attained(1), SignedOff(2, MentorA)); // v3..v6
        Then(new RecordAssessment(Id(800), Theme, 3, AssessmentKind.Mentor, null, MentorA, Now),
            new AssessmentRecorded(LeaderId, Id(800), Theme, 3, AssessmentKind.Mentor, null, MentorA.UserId, Now), // v7
            AttainedNow(2, Clause(AttainmentClause.PreviousLevel, 5), Clause(AttainmentClause.Learning, 7), Clause(AttainmentClause.SignOff, 6)));
    }

    [Fact]
    public void A_level_is_not_attained_before_the_level_below_it()
    {
        GivenEnrolledWithMentor();
        Given(Trained(2));
        Then(SignOffBy(MentorA, 2), SignedOffNow(2, MentorA));
    }

    [Fact]
    public void Learning_in_another_theme_does_not_count()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1, OtherTheme));
        Then(SignOffBy(MentorA, 1), SignedOffNow(1, MentorA));
    }

    [Fact]
    public void A_sign_off_stands_after_its_mentor_is_unassigned()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA), Unassigned(MentorA)); // v3, v4
        Then(Train(1),
            TrainedNow(1), // v5
            AttainedNow(1, Clause(AttainmentClause.Learning, 5), Clause(AttainmentClause.SignOff, 3)));
    }

    [Fact]
    public void A_sign_off_by_someone_not_assigned_at_that_moment_does_not_count()
    {
        // Cannot arise through the decider; the rule still reads the history, not only the command check.
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorC));
        Then(Train(1), TrainedNow(1));
    }

    [Fact]
    public void Provenance_versions_are_stream_versions()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1), Requested(1));
        var before = State.Version;
        var history = new List<object> { Enrolled(), Assigned(MentorA), Trained(1), Requested(1) };

        var events = Apply(SignOffBy(MentorA, 1));
        history.AddRange(events);

        State.Version.Should().Be(before + events.Count);
        var attainment = State.AttainmentOf(Theme, 1)!;
        attainment.Version.Should().Be(before + 2, "the attainment is the second event of the decision");
        var provenance = LeaderProgress.Provenance(State, Theme, 1)!;
        // Stream version v is the v-th event of the stream.
        history[(int)provenance.Single(c => c.Rule == AttainmentClause.Learning).EventVersions.Single() - 1].Should().BeOfType<TrainingCompleted>();
        history[(int)provenance.Single(c => c.Rule == AttainmentClause.SignOff).EventVersions.Single() - 1].Should().BeOfType<LevelSignedOff>();
        history[(int)attainment.Version - 1].Should().BeOfType<LevelAttained>();
    }
}
