using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class EvolveTests : LeaderSpec
{
    private sealed record SomethingElse;

    [Fact]
    public void The_initial_state_is_not_enrolled_at_version_0()
    {
        Leader.Initial.Version.Should().Be(0);
        Leader.Initial.Status.Should().Be(LeaderStatus.NotEnrolled);
    }

    [Fact]
    public void Every_event_increments_the_version()
    {
        Given(Enrolled(), Assigned(MentorA), Trained(1), Requested(1), SignedOff(1, MentorA), Paused());
        State.Version.Should().Be(6);
    }

    [Fact]
    public void An_unknown_event_is_a_programming_error() =>
        FluentActions.Invoking(() => LeaderDecider.Evolve(Leader.Initial, new SomethingElse())).Should().Throw<ArgumentException>();

    [Fact]
    public void An_unknown_command_is_a_programming_error()
    {
        GivenEnrolledWithMentor();
        FluentActions.Invoking(() => When(new SomethingElse())).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Self_assessments_are_folded_but_are_not_learning()
    {
        GivenEnrolledWithMentor();
        var before = State.Version;
        Given(Assessed(2, AssessmentKind.Self, Self), Assessed(3, AssessmentKind.Peer, OtherLeader));
        State.Version.Should().Be(before + 2);
        State.Learning.Should().ContainSingle().Which.Should().BeEquivalentTo(new LearningFact(Theme, 3, LearningSource.PeerAssessment, [4]));
    }

    [Fact]
    public void Learning_of_one_source_at_one_level_of_a_theme_is_one_fact_naming_every_event_and_an_attainment_names_them_all()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1, id: 500), Trained(1, id: 510), Trained(1, OtherTheme), Trained(1, id: 520), Requested(1)); // v3, v4, v5, v6, v7
        State.Learning.Should().BeEquivalentTo(new[]
        {
            new LearningFact(Theme, 1, LearningSource.Training, [3, 4, 6]),
            new LearningFact(OtherTheme, 1, LearningSource.Training, [5]),
        }, o => o.WithStrictOrdering());
        Then(SignOffBy(MentorA, 1), SignedOffNow(1, MentorA), AttainedNow(1, Clause(AttainmentClause.Learning, 3, 4, 6), Clause(AttainmentClause.SignOff, 8)));
    }

    [Fact]
    public void An_attainment_names_its_learning_in_stream_order_whatever_the_source_of_each()
    {
        // A mentor's assessment at Level 2 counts for Level 1 too; its fact is kept apart from the trainings'.
        GivenEnrolledWithMentor();
        Given(Trained(1, id: 500), Assessed(2, AssessmentKind.Mentor, MentorA), Trained(1, id: 510), Requested(1)); // v3, v4, v5, v6
        Then(SignOffBy(MentorA, 1), SignedOffNow(1, MentorA), AttainedNow(1, Clause(AttainmentClause.Learning, 3, 4, 5), Clause(AttainmentClause.SignOff, 7)));
    }

    [Fact]
    public void Every_event_type_has_one_stable_unique_name()
    {
        LeaderEventNames.All.Should().HaveCount(23);
        LeaderEventNames.All.Select(x => x.Type).Should().OnlyHaveUniqueItems();
        LeaderEventNames.All.Select(x => x.Name).Should().OnlyHaveUniqueItems().And.AllSatisfy(n => n.Should().StartWith("leader."));
        LeaderEventNames.All.Should().Contain((typeof(LevelSignedOff), "leader.signed-off"));
    }

    [Fact]
    public void Every_named_event_evolves()
    {
        // Exhaustiveness: Evolve knows every event the names list knows.
        var samples = new object[]
        {
            Enrolled(), new LeaderProfileChanged(LeaderId, "A", "a@b", null, Admin.UserId, T0), Assigned(MentorA), Unassigned(MentorA),
            Trained(1), Assessed(1, AssessmentKind.Mentor, MentorA), new AssessmentWithdrawn(LeaderId, Id(600), Theme, 1, AssessmentKind.Mentor, 6, "r", MentorA.UserId, T0),
            new EvidenceAdded(LeaderId, Id(900), Theme, 1, "l", null, Self.UserId, T0),
            new TrainingWithdrawn(LeaderId, Id(501), Theme, 1, 5, "r", Admin.UserId, T0), new EvidenceWithdrawn(LeaderId, Id(900), Theme, 1, null, Self.UserId, T0),
            Requested(1), new SignOffRequestWithdrawn(LeaderId, Theme, 1, Self.UserId, T0), Requested(1), SignedOff(1, MentorA),
            new SignOffDeclined(LeaderId, Theme, 1, MentorA.UserId, "r", T0), new SignOffDeclineWithdrawn(LeaderId, Theme, 1, MentorA.UserId, 15, T0, T0),
            new SignOffRevoked(LeaderId, Theme, 1, MentorA.UserId, "r", Admin.UserId, T0), Attained(1),
            new LevelAttainmentRevoked(LeaderId, Theme, 1, "r", Admin.UserId, T0), Paused(), Withdrawn(),
            new LeaderReactivated(LeaderId, Admin.UserId, T0), new PositionHeld(LeaderId, "Chair", new DateOnly(2024, 1, 1), null, Admin.UserId, T0),
            new LeaderErased(LeaderId, "asked to be forgotten", Admin.UserId, T0),
        };
        samples.Select(s => s.GetType()).Distinct().Should().BeEquivalentTo(LeaderEventNames.All.Select(x => x.Type));
        Given(samples);
        State.Version.Should().Be(24);
    }
}
