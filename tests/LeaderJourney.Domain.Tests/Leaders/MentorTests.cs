using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class MentorTests : LeaderSpec
{
    [Fact]
    public void Assigning_a_mentor_records_it()
    {
        Given(Enrolled());
        Then(new AssignMentor(MentorA.UserId, Admin, Now), new MentorAssigned(LeaderId, MentorA.UserId, Admin.UserId, Now));
    }

    [Fact]
    public void A_leader_cannot_be_assigned_as_their_own_mentor_by_leader_id()
    {
        Given(Enrolled());
        ThenRefused(new AssignMentor(LeaderId, Admin, Now), "A leader cannot be their own mentor; assign someone else.");
    }

    [Fact]
    public void A_leader_cannot_assign_their_own_user_as_mentor()
    {
        Given(Enrolled());
        ThenRefused(new AssignMentor(Self.UserId, Self, Now), "A leader cannot be their own mentor; assign someone else.");
    }

    [Fact]
    public void Assigning_an_assigned_mentor_again_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new AssignMentor(MentorA.UserId, Admin, Now), "This mentor is already assigned to the leader.");
    }

    [Fact]
    public void Unassigning_a_mentor_records_it_and_keeps_the_history()
    {
        GivenEnrolledWithMentor();
        Then(new UnassignMentor(MentorA.UserId, Admin, Now), new MentorUnassigned(LeaderId, MentorA.UserId, Admin.UserId, Now));

        Apply(new UnassignMentor(MentorA.UserId, Admin, Now));
        State.Mentors.Should().BeEmpty();
        State.WasMentorAt(MentorA.UserId, T0).Should().BeTrue();
        State.WasMentorAt(MentorA.UserId, Now).Should().BeFalse();
        State.WasMentorAtVersion(MentorA.UserId, 3).Should().BeFalse("version 3 is the unassignment itself");
        State.WasMentorAtVersion(MentorA.UserId, 2).Should().BeFalse("version 2 is the assignment itself");
    }

    [Fact]
    public void Unassigning_a_mentor_who_is_not_assigned_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new UnassignMentor(MentorB.UserId, Admin, Now), "This mentor is not assigned to the leader; there is nothing to unassign.");
    }

    [Fact]
    public void Replacing_a_mentor_assigns_the_new_one_and_ends_the_old_one_in_one_decision()
    {
        GivenEnrolledWithMentor();
        Then(new ReplaceMentor(MentorA.UserId, MentorB.UserId, Admin, Now),
            new MentorAssigned(LeaderId, MentorB.UserId, Admin.UserId, Now), new MentorUnassigned(LeaderId, MentorA.UserId, Admin.UserId, Now));
        Apply(new ReplaceMentor(MentorA.UserId, MentorB.UserId, Admin, Now));
        State.Mentors.Should().Equal(MentorB.UserId);
    }

    [Fact]
    public void Replacing_a_mentor_by_one_already_assigned_only_ends_the_old_assignment()
    {
        GivenEnrolledWithMentor();
        Apply(new AssignMentor(MentorB.UserId, Admin, Now));
        Then(new ReplaceMentor(MentorA.UserId, MentorB.UserId, Admin, Now), new MentorUnassigned(LeaderId, MentorA.UserId, Admin.UserId, Now));
    }

    [Fact]
    public void Replacing_a_mentor_who_is_not_assigned_or_by_themself_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new ReplaceMentor(MentorB.UserId, MentorA.UserId, Admin, Now), "This mentor is not assigned to the leader; there is nothing to unassign.");
        ThenRefused(new ReplaceMentor(MentorA.UserId, MentorA.UserId, Admin, Now), "Choose a mentor other than the one who is leaving.");
        ThenRefused(new ReplaceMentor(MentorA.UserId, LeaderId, Admin, Now), "A leader cannot be their own mentor; assign someone else.");
    }
}
