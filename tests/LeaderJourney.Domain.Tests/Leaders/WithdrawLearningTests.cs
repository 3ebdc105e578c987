using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

/// <summary>A training, an assessment or a piece of evidence recorded by mistake is withdrawn; what stood on a training or an assessment goes with it unless it still holds.</summary>
public sealed class WithdrawLearningTests : LeaderSpec
{
    /// <summary>Decides the command, checks its events, and applies them.</summary>
    private void WithdrawnAs(object command, params object[] expected)
    {
        Then(command, expected);
        Apply(command);
    }

    private static RecordedLearning TrainingAt(int level, long version, Actor by) => new(Id(500 + level), Theme, level, version, by.UserId);

    [Fact]
    public void Withdrawing_the_training_a_level_stood_on_takes_that_level_and_the_ones_above_back_highest_first()
    {
        GivenLevels1To3Attained();
        LearningAtStake.LevelTakenBackByTraining(State, TrainingAt(2, 4, Admin), Policy).Should().Be(2, "a page says so before the training is withdrawn");
        WithdrawnAs(new WithdrawTraining(TrainingAt(2, 4, Admin), " Wrong theme ", Admin, Now),
            new TrainingWithdrawn(LeaderId, Id(502), Theme, 2, 4, "Wrong theme", Admin.UserId, Now),
            new LevelAttainmentRevoked(LeaderId, Theme, 3, "Wrong theme", Admin.UserId, Now),
            new LevelAttainmentRevoked(LeaderId, Theme, 2, "Wrong theme", Admin.UserId, Now));
        State.LevelOf(Theme).Should().Be(1);
        State.Learning.Should().NotContain(f => f.Level == 2 && f.Source == LearningSource.Training, "the training no longer counts");
    }

    [Fact]
    public void A_level_that_still_meets_the_rule_without_the_training_stands_and_a_level_taken_back_without_a_reason_says_why()
    {
        GivenLevels1To3Attained();
        Given(new TrainingCompleted(LeaderId, Id(900), "Second course", Theme, 3, null, Today, Admin.UserId, T0)); // v12
        LearningAtStake.LevelTakenBackByTraining(State, TrainingAt(3, 5, Admin), Policy).Should().BeNull("the second training still counts");
        WithdrawnAs(new WithdrawTraining(TrainingAt(3, 5, Admin), null, Admin, Now),
            new TrainingWithdrawn(LeaderId, Id(503), Theme, 3, 5, null, Admin.UserId, Now));
        State.LevelOf(Theme).Should().Be(3, "the second training at Level 3 still counts");

        LearningAtStake.LevelTakenBackByTraining(State, new RecordedLearning(Id(900), Theme, 3, 12, Admin.UserId), Policy).Should().Be(3);
        Then(new WithdrawTraining(new RecordedLearning(Id(900), Theme, 3, 12, Admin.UserId), null, Admin, Now),
            new TrainingWithdrawn(LeaderId, Id(900), Theme, 3, 12, null, Admin.UserId, Now),
            new LevelAttainmentRevoked(LeaderId, Theme, 3, "The training it stood on was withdrawn.", Admin.UserId, Now));
    }

    [Fact]
    public void A_level_that_already_fails_the_rule_is_not_said_to_stand_on_the_training()
    {
        GivenLevels1To3Attained();
        // The affiliate asks for two sign-offs at Level 2 since: the level is held, but no longer meets the rule with or without the training.
        Policy = new AttainmentPolicy(new Dictionary<int, int> { [2] = 2 });
        LearningAtStake.LevelTakenBackByTraining(State, TrainingAt(2, 4, Admin), Policy).Should().BeNull();
        LearningAtStake.LevelTakenBackByTraining(State, TrainingAt(3, 5, Admin), AttainmentPolicy.Default).Should().Be(3, "under the rule it met, it does");
    }

    [Fact]
    public void A_training_recorded_again_after_its_withdrawal_attains_the_level_again()
    {
        GivenLevels1To3Attained();
        Apply(new WithdrawTraining(TrainingAt(3, 5, Admin), "Wrong date", Admin, Now));
        State.LevelOf(Theme).Should().Be(2);
        Apply(Train(3));
        State.LevelOf(Theme).Should().Be(3, "MentorA's sign-off of Level 3 still stands");
    }

    [Fact]
    public void The_leader_withdraws_what_they_recorded_and_staff_anything_but_nobody_else()
    {
        GivenEnrolledWithMentor();
        Given(new TrainingCompleted(LeaderId, Id(800), "My course", Theme, 1, null, Today, Self.UserId, T0)); // v3
        var theirs = new RecordedLearning(Id(800), Theme, 1, 3, Self.UserId);
        ThenRefused(new WithdrawTraining(theirs, null, MentorA, Now), "Only the person who recorded this training, or staff, can withdraw it.");
        ThenRefused(new WithdrawTraining(TrainingAt(1, 3, Admin), null, Self, Now), "Only the person who recorded this training, or staff, can withdraw it.");
        Then(new WithdrawTraining(theirs, null, Self, Now), new TrainingWithdrawn(LeaderId, Id(800), Theme, 1, 3, null, Self.UserId, Now));
        Then(new WithdrawTraining(theirs, "Logged twice", National, Now), new TrainingWithdrawn(LeaderId, Id(800), Theme, 1, 3, "Logged twice", National.UserId, Now));
    }

    [Fact]
    public void Evidence_is_withdrawn_by_who_added_it_or_staff_and_changes_no_level()
    {
        GivenLevels1To3Attained();
        Given(new EvidenceAdded(LeaderId, Id(950), Theme, 3, "https://example.org/x", null, Self.UserId, T0));
        var evidence = new RecordedLearning(Id(950), Theme, 3, 12, Self.UserId);
        ThenRefused(new WithdrawEvidence(evidence, null, MentorA, Now), "Only the person who recorded this evidence, or staff, can withdraw it.");
        Then(new WithdrawEvidence(evidence, " Wrong link ", Self, Now), new EvidenceWithdrawn(LeaderId, Id(950), Theme, 3, "Wrong link", Self.UserId, Now));
        Apply(new WithdrawEvidence(evidence, null, Admin, Now));
        State.LevelOf(Theme).Should().Be(3);
    }

    [Fact]
    public void Staff_withdraw_a_mistaken_training_of_a_paused_leader_but_not_of_a_withdrawn_one()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1), Paused());
        Then(new WithdrawTraining(TrainingAt(1, 3, Admin), null, Admin, Now), new TrainingWithdrawn(LeaderId, Id(501), Theme, 1, 3, null, Admin.UserId, Now));
        Given(Withdrawn());
        ThenRefused(new WithdrawTraining(TrainingAt(1, 3, Admin), null, Admin, Now), "This leader is withdrawn; reactivate them first.");
    }

    [Fact]
    public void A_mentors_assessment_withdrawn_by_them_takes_back_the_level_it_stood_on_and_nobody_else_but_staff_withdraws_it()
    {
        GivenEnrolledWithMentor();
        Given(new AssessmentRecorded(LeaderId, Id(600), Theme, 1, AssessmentKind.Mentor, null, MentorA.UserId, T0)); // v3
        Apply(SignOffBy(MentorA, 1));
        State.LevelOf(Theme).Should().Be(1, "the mentor's assessment was the level's learning");
        var mine = new RecordedLearning(Id(600), Theme, 1, 3, MentorA.UserId, AssessmentKind.Mentor);
        ThenRefused(new WithdrawAssessment(mine, null, Self, Now), "Only the person who recorded this assessment, or staff, can withdraw it.");
        LearningAtStake.LevelTakenBackByAssessment(State, mine, Policy).Should().Be(1);
        WithdrawnAs(new WithdrawAssessment(mine, null, MentorA, Now),
            new AssessmentWithdrawn(LeaderId, Id(600), Theme, 1, AssessmentKind.Mentor, 3, null, MentorA.UserId, Now),
            new LevelAttainmentRevoked(LeaderId, Theme, 1, "The assessment it stood on was withdrawn.", MentorA.UserId, Now));
        State.LevelOf(Theme).Should().Be(0);
        State.Learning.Should().NotContain(f => f.Source == LearningSource.MentorAssessment, "the assessment no longer counts");
    }

    [Fact]
    public void A_mentors_assessment_at_a_level_too_high_withdrawn_takes_back_the_lower_level_it_was_the_learning_of()
    {
        GivenEnrolledWithMentor();
        Given(new AssessmentRecorded(LeaderId, Id(603), Theme, 2, AssessmentKind.Mentor, null, MentorA.UserId, T0)); // v3: meant for Level 1
        Apply(SignOffBy(MentorA, 1));
        State.LevelOf(Theme).Should().Be(1, "an assessment at Level 2 is learning for Level 1 too");
        LearningAtStake.LevelTakenBackByAssessment(State, new RecordedLearning(Id(603), Theme, 2, 3, MentorA.UserId, AssessmentKind.Mentor), Policy).Should().Be(1);
        WithdrawnAs(new WithdrawAssessment(new RecordedLearning(Id(603), Theme, 2, 3, MentorA.UserId, AssessmentKind.Mentor), "Wrong level", MentorA, Now),
            new AssessmentWithdrawn(LeaderId, Id(603), Theme, 2, AssessmentKind.Mentor, 3, "Wrong level", MentorA.UserId, Now),
            new LevelAttainmentRevoked(LeaderId, Theme, 1, "Wrong level", MentorA.UserId, Now));
        State.LevelOf(Theme).Should().Be(0);
    }

    [Fact]
    public void A_mistaken_assessment_of_a_paused_leader_is_withdrawn_but_not_one_of_a_withdrawn_leader()
    {
        GivenEnrolledWithMentor();
        Given(new AssessmentRecorded(LeaderId, Id(604), Theme, 1, AssessmentKind.Mentor, null, MentorA.UserId, T0), Paused()); // v3
        var assessment = new RecordedLearning(Id(604), Theme, 1, 3, MentorA.UserId, AssessmentKind.Mentor);
        Then(new WithdrawAssessment(assessment, null, Admin, Now), new AssessmentWithdrawn(LeaderId, Id(604), Theme, 1, AssessmentKind.Mentor, 3, null, Admin.UserId, Now));
        Given(Withdrawn());
        ThenRefused(new WithdrawAssessment(assessment, null, Admin, Now), "This leader is withdrawn; reactivate them first.");
    }

    [Fact]
    public void A_peers_assessment_withdrawn_leaves_a_level_a_training_still_holds_and_a_self_assessment_withdrawn_changes_no_level()
    {
        GivenLevels1To3Attained();
        Given(new AssessmentRecorded(LeaderId, Id(601), Theme, 3, AssessmentKind.Peer, "Strong", Admin.UserId, T0)); // v12
        LearningAtStake.LevelTakenBackByAssessment(State, new RecordedLearning(Id(601), Theme, 3, 12, Admin.UserId, AssessmentKind.Peer), Policy).Should().BeNull();
        WithdrawnAs(new WithdrawAssessment(new RecordedLearning(Id(601), Theme, 3, 12, Admin.UserId, AssessmentKind.Peer), " Wrong leader ", Admin, Now),
            new AssessmentWithdrawn(LeaderId, Id(601), Theme, 3, AssessmentKind.Peer, 12, "Wrong leader", Admin.UserId, Now));
        State.LevelOf(Theme).Should().Be(3, "the training at Level 3 still counts");
        State.Learning.Should().NotContain(f => f.Source == LearningSource.PeerAssessment);
        Given(new AssessmentRecorded(LeaderId, Id(602), Theme, 1, AssessmentKind.Self, null, Self.UserId, T0)); // v14
        LearningAtStake.LevelTakenBackByAssessment(State, new RecordedLearning(Id(602), Theme, 1, 14, Self.UserId, AssessmentKind.Self), Policy).Should().BeNull();
        Then(new WithdrawAssessment(new RecordedLearning(Id(602), Theme, 1, 14, Self.UserId, AssessmentKind.Self), null, Self, Now),
            new AssessmentWithdrawn(LeaderId, Id(602), Theme, 1, AssessmentKind.Self, 14, null, Self.UserId, Now));
    }
}
