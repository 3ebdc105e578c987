using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class StatusGateTests : LeaderSpec
{
    private static readonly Dictionary<string, object> Commands = new()
    {
        ["ChangeProfile"] = new ChangeProfile("Ada L.", "ada@example.org", null, Self, Now),
        ["AssignMentor"] = new AssignMentor(MentorB.UserId, Admin, Now),
        ["UnassignMentor"] = new UnassignMentor(MentorA.UserId, Admin, Now),
        ["ReplaceMentor"] = new ReplaceMentor(MentorA.UserId, MentorB.UserId, Admin, Now),
        ["RecordPositionHeld"] = new RecordPositionHeld("Treasurer", new DateOnly(2024, 1, 1), null, Admin, Now),
        ["RecordTraining"] = Train(1),
        ["RecordAssessment"] = new RecordAssessment(Id(800), Theme, 1, AssessmentKind.Self, null, Self, Now),
        ["AddEvidence"] = new AddEvidence(Id(900), Theme, 1, null, "Chaired the AGM", Self, Now),
        ["RequestSignOff"] = new RequestSignOff(Theme, 1, Self, Now),
        ["SignOff"] = SignOffBy(MentorA, 1),
        ["RevokeAttainment"] = new RevokeAttainment(Theme, 1, "Audit", Admin, Now),
        ["Withdraw"] = new Withdraw(null, Admin, Now),
        ["Pause"] = new Pause(null, Admin, Now),
    };

    [Fact]
    public void Pausing_an_active_leader_records_it()
    {
        GivenEnrolledWithMentor();
        Then(new Pause(" Parental leave ", Admin, Now), new LeaderPaused(LeaderId, "Parental leave", Admin.UserId, Now));
    }

    [Fact]
    public void Pausing_a_paused_leader_is_refused()
    {
        GivenEnrolledWithMentor();
        Given(Paused());
        ThenRefused(new Pause(null, Admin, Now), "This leader is already paused.");
    }

    [Theory]
    [InlineData("RecordTraining")]
    [InlineData("RecordAssessment")]
    [InlineData("AddEvidence")]
    [InlineData("RequestSignOff")]
    [InlineData("SignOff")]
    [InlineData("RevokeAttainment")]
    public void A_paused_leader_refuses_progress_commands(string command)
    {
        GivenEnrolledWithMentor();
        Given(Paused());
        ThenRefused(Commands[command], "This leader is paused; reactivate them first.");
    }

    [Theory]
    [InlineData("ChangeProfile")]
    [InlineData("AssignMentor")]
    [InlineData("UnassignMentor")]
    [InlineData("RecordPositionHeld")]
    public void A_paused_leader_accepts_housekeeping(string command)
    {
        GivenEnrolledWithMentor();
        Given(Paused());
        When(Commands[command]).Should().ContainSingle();
    }

    [Fact]
    public void A_paused_leader_has_a_mentor_replaced()
    {
        GivenEnrolledWithMentor();
        Given(Paused());
        When(Commands["ReplaceMentor"]).Should().HaveCount(2, "the new mentor assigned, the old one's assignment ended");
    }

    [Fact]
    public void Withdrawing_a_paused_leader_records_it_without_a_reactivation_first()
    {
        GivenEnrolledWithMentor();
        Given(Paused());
        Then(new Withdraw("Not coming back", Admin, Now), new LeaderWithdrawn(LeaderId, "Not coming back", Admin.UserId, Now));
    }

    [Fact]
    public void Withdrawing_an_active_leader_records_it()
    {
        GivenEnrolledWithMentor();
        Then(new Withdraw("Moved away", Admin, Now), new LeaderWithdrawn(LeaderId, "Moved away", Admin.UserId, Now));
    }

    [Theory]
    [InlineData("ChangeProfile")]
    [InlineData("AssignMentor")]
    [InlineData("RecordPositionHeld")]
    [InlineData("RecordTraining")]
    [InlineData("SignOff")]
    [InlineData("Pause")]
    public void A_withdrawn_leader_accepts_only_reactivation(string command)
    {
        GivenEnrolledWithMentor();
        Given(Withdrawn());
        ThenRefused(Commands[command], "This leader is withdrawn; reactivate them first.");
    }

    [Fact]
    public void Withdrawing_a_withdrawn_leader_is_refused()
    {
        GivenEnrolledWithMentor();
        Given(Withdrawn());
        ThenRefused(new Withdraw(null, Admin, Now), "This leader is already withdrawn.");
    }

    [Fact]
    public void A_withdrawn_leader_is_reactivated_and_then_accepts_progress_again()
    {
        GivenEnrolledWithMentor();
        Given(Withdrawn());
        Then(new Reactivate(Admin, Now), new LeaderReactivated(LeaderId, Admin.UserId, Now));
        Apply(new Reactivate(Admin, Now));
        State.Status.Should().Be(LeaderStatus.Active);
        When(Train(1)).Should().ContainSingle();
    }

    [Fact]
    public void A_paused_leader_is_reactivated()
    {
        GivenEnrolledWithMentor();
        Given(Paused());
        Then(new Reactivate(Admin, Now), new LeaderReactivated(LeaderId, Admin.UserId, Now));
    }

    [Fact]
    public void Reactivating_an_active_leader_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new Reactivate(Admin, Now), "This leader is already active.");
    }

    [Fact]
    public void A_position_held_is_recorded()
    {
        GivenEnrolledWithMentor();
        Then(new RecordPositionHeld(" Chair ", new DateOnly(2023, 5, 1), new DateOnly(2024, 5, 1), Admin, Now),
            new PositionHeld(LeaderId, "Chair", new DateOnly(2023, 5, 1), new DateOnly(2024, 5, 1), Admin.UserId, Now));
    }

    [Fact]
    public void A_position_ending_before_it_starts_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new RecordPositionHeld("Chair", new DateOnly(2024, 5, 1), new DateOnly(2023, 5, 1), Admin, Now),
            "The position ends 2023-05-01, before it starts 2024-05-01; check the dates.");
    }

    [Fact]
    public void A_position_starting_in_the_future_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new RecordPositionHeld("Chair", Today.AddDays(1), null, Admin, Now),
            "The position starts 2025-04-10, in the future; record it once it is held.");
    }
}
