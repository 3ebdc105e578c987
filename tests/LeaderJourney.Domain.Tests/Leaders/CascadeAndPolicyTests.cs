using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class CascadeAndPolicyTests : LeaderSpec
{
    [Fact]
    public void Attaining_level_1_last_attains_levels_1_2_and_3_in_one_decision()
    {
        GivenEnrolledWithMentor();                                           // v1, v2
        Given(Trained(1), Trained(2), Trained(3));                           // v3, v4, v5
        Given(SignedOff(2, MentorA), SignedOff(3, MentorA));                 // v6, v7
        Then(SignOffBy(MentorA, 1),
            SignedOffNow(1, MentorA),                                        // v8
            AttainedNow(1, Clause(AttainmentClause.Learning, 3), Clause(AttainmentClause.SignOff, 8)),       // v9
            AttainedNow(2, Clause(AttainmentClause.PreviousLevel, 9), Clause(AttainmentClause.Learning, 4), Clause(AttainmentClause.SignOff, 6)), // v10
            AttainedNow(3, Clause(AttainmentClause.PreviousLevel, 10), Clause(AttainmentClause.Learning, 5), Clause(AttainmentClause.SignOff, 7))); // v11
    }

    [Fact]
    public void A_cascade_stops_at_the_first_level_whose_rule_is_not_met()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA), SignedOff(2, MentorA), Trained(2), SignedOff(3, MentorA)); // v3..v6; no learning at 3
        Then(Train(1),
            TrainedNow(1), // v7
            AttainedNow(1, Clause(AttainmentClause.Learning, 7), Clause(AttainmentClause.SignOff, 3)), // v8
            AttainedNow(2, Clause(AttainmentClause.PreviousLevel, 8), Clause(AttainmentClause.Learning, 5), Clause(AttainmentClause.SignOff, 4)));
    }

    [Fact]
    public void The_default_policy_needs_one_sign_off_per_level()
    {
        AttainmentPolicy.Default.RequiredSignOffs(1).Should().Be(1);
        AttainmentPolicy.Default.RequiredSignOffs(7).Should().Be(1);
        new AttainmentPolicy(new Dictionary<int, int> { [3] = 2 }).RequiredSignOffs(3).Should().Be(2);
    }

    [Fact]
    public void A_policy_needing_no_sign_off_is_a_configuration_error() =>
        FluentActions.Invoking(() => new AttainmentPolicy(new Dictionary<int, int> { [3] = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>();

    /// <summary>v1 enrolled, v2 A, v3 B assigned; levels 1 and 2 attained (v6, v9); training at 3 (v10).</summary>
    private void GivenReadyForLevel3UnderTwoSignOffPolicy()
    {
        Policy = new AttainmentPolicy(new Dictionary<int, int> { [3] = 2 });
        Given(Enrolled(), Assigned(MentorA), Assigned(MentorB));
        Given(Trained(1), SignedOff(1, MentorA), Attained(1));
        Given(Trained(2), SignedOff(2, MentorA), Attained(2));
        Given(Trained(3));
    }

    [Fact]
    public void Under_a_two_sign_off_policy_one_sign_off_does_not_attain_level_3()
    {
        GivenReadyForLevel3UnderTwoSignOffPolicy();
        Then(SignOffBy(MentorA, 3), SignedOffNow(3, MentorA));
    }

    [Fact]
    public void Under_a_two_sign_off_policy_a_second_distinct_mentor_attains_level_3_naming_both()
    {
        GivenReadyForLevel3UnderTwoSignOffPolicy();
        Given(SignedOff(3, MentorA)); // v11
        Then(SignOffBy(MentorB, 3),
            SignedOffNow(3, MentorB), // v12
            AttainedNow(3, Clause(AttainmentClause.PreviousLevel, 9), Clause(AttainmentClause.Learning, 10), Clause(AttainmentClause.SignOff, 11, 12)));
    }

    [Fact]
    public void Under_a_two_sign_off_policy_the_same_mentor_twice_is_not_two()
    {
        GivenReadyForLevel3UnderTwoSignOffPolicy();
        Given(SignedOff(3, MentorA));
        ThenNothing(SignOffBy(MentorA, 3));
        State.HasAttained(Theme, 3).Should().BeFalse();
    }

    [Fact]
    public void The_two_sign_off_policy_leaves_other_levels_at_one()
    {
        Policy = new AttainmentPolicy(new Dictionary<int, int> { [3] = 2 });
        GivenEnrolledWithMentor();
        Given(Trained(1)); // v3
        Then(SignOffBy(MentorA, 1), SignedOffNow(1, MentorA),
            AttainedNow(1, Clause(AttainmentClause.Learning, 3), Clause(AttainmentClause.SignOff, 4)));
    }
}
