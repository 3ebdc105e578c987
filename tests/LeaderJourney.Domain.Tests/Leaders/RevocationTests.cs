using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class RevocationTests : LeaderSpec
{
    private static LevelAttainmentRevoked AttainmentRevoked(int level, string reason, Actor by) =>
        new(LeaderId, Theme, level, reason, by.UserId, Now);

    [Fact]
    public void Revoking_a_sign_off_revokes_that_level_and_every_higher_level_highest_first()
    {
        GivenLevels1To3Attained();
        Then(new RevokeSignOff(Theme, 2, MentorA.UserId, " Signed in error ", MentorA, Now),
            new SignOffRevoked(LeaderId, Theme, 2, MentorA.UserId, "Signed in error", MentorA.UserId, Now),
            AttainmentRevoked(3, "Signed in error", MentorA),
            AttainmentRevoked(2, "Signed in error", MentorA));
    }

    [Fact]
    public void After_the_revocation_the_leader_stands_at_the_level_below()
    {
        GivenLevels1To3Attained();
        Apply(new RevokeSignOff(Theme, 2, MentorA.UserId, "Signed in error", MentorA, Now));
        State.LevelOf(Theme).Should().Be(1);
        State.SignOffBy(MentorA.UserId, Theme, 2).Should().BeNull();
        State.SignOffBy(MentorA.UserId, Theme, 3).Should().NotBeNull("only the named sign-off is revoked");
    }

    [Fact]
    public void Signing_off_again_after_a_revocation_re_attains_the_level_and_the_ones_above()
    {
        GivenLevels1To3Attained();                                                      // up to v11
        Apply(new RevokeSignOff(Theme, 2, MentorA.UserId, "Signed in error", MentorA, Now)); // v12..v14
        Then(SignOffBy(MentorA, 2),
            SignedOffNow(2, MentorA),                                                   // v15
            AttainedNow(2, Clause(AttainmentClause.PreviousLevel, 9), Clause(AttainmentClause.Learning, 4), Clause(AttainmentClause.SignOff, 15)), // v16
            AttainedNow(3, Clause(AttainmentClause.PreviousLevel, 16), Clause(AttainmentClause.Learning, 5), Clause(AttainmentClause.SignOff, 7)));
    }

    [Fact]
    public void Revoking_a_sign_off_of_a_level_not_attained_revokes_only_the_sign_off()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA));
        Then(new RevokeSignOff(Theme, 1, MentorA.UserId, "Too early", MentorA, Now),
            new SignOffRevoked(LeaderId, Theme, 1, MentorA.UserId, "Too early", MentorA.UserId, Now));
    }

    [Fact]
    public void An_undo_revokes_the_sign_off_and_its_level_and_asks_again_in_the_mentors_name_in_one_append()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1), SignedOff(1, MentorA), Attained(1));
        Then(new RevokeSignOff(Theme, 1, MentorA.UserId, "Undone", MentorA, Now, AskAgain: true),
            new SignOffRevoked(LeaderId, Theme, 1, MentorA.UserId, "Undone", MentorA.UserId, Now),
            AttainmentRevoked(1, "Undone", MentorA),
            new SignOffRequested(LeaderId, Theme, 1, MentorA.UserId, Now));
    }

    [Fact]
    public void An_undo_of_a_sign_off_that_answered_a_request_asks_again_as_of_that_request_so_the_wait_does_not_start_over()
    {
        GivenEnrolledWithMentor();
        var askedOn = Now.AddDays(-6);
        Given(Trained(1), new SignOffRequested(LeaderId, Theme, 1, LeaderId, askedOn), SignedOff(1, MentorA), Attained(1));
        Then(new RevokeSignOff(Theme, 1, MentorA.UserId, "Undone", MentorA, Now, AskAgain: true),
            new SignOffRevoked(LeaderId, Theme, 1, MentorA.UserId, "Undone", MentorA.UserId, Now),
            AttainmentRevoked(1, "Undone", MentorA),
            new SignOffRequested(LeaderId, Theme, 1, MentorA.UserId, Now, WaitingSince: askedOn));
    }

    [Fact]
    public void An_undo_of_a_level_that_still_stands_without_the_sign_off_records_the_revocation_alone()
    {
        GivenEnrolledWithMentor();
        Given(Assigned(MentorB), Trained(1), SignedOff(1, MentorA), SignedOff(1, MentorB), Attained(1));
        Then(new RevokeSignOff(Theme, 1, MentorA.UserId, "Undone", MentorA, Now, AskAgain: true),
            new SignOffRevoked(LeaderId, Theme, 1, MentorA.UserId, "Undone", MentorA.UserId, Now));
    }

    [Fact]
    public void Revoking_one_of_two_sign_offs_keeps_a_level_that_still_meets_the_rule()
    {
        GivenEnrolledWithMentor();
        Given(Assigned(MentorB), Trained(1), SignedOff(1, MentorA), SignedOff(1, MentorB), Attained(1));
        Then(new RevokeSignOff(Theme, 1, MentorA.UserId, "Duplicate", Admin, Now),
            new SignOffRevoked(LeaderId, Theme, 1, MentorA.UserId, "Duplicate", Admin.UserId, Now));
    }

    [Fact]
    public void An_admin_may_revoke_a_mentors_sign_off()
    {
        GivenLevels1To3Attained();
        Then(new RevokeSignOff(Theme, 3, MentorA.UserId, "Audit", National, Now),
            new SignOffRevoked(LeaderId, Theme, 3, MentorA.UserId, "Audit", National.UserId, Now),
            AttainmentRevoked(3, "Audit", National));
    }

    [Fact]
    public void Another_mentor_cannot_revoke_a_sign_off()
    {
        GivenLevels1To3Attained();
        ThenRefused(new RevokeSignOff(Theme, 2, MentorA.UserId, "No", MentorB, Now), "Only the mentor who signed off, or an admin, can revoke a sign-off.");
    }

    [Fact]
    public void A_mentor_no_longer_assigned_cannot_revoke_their_sign_off_but_an_admin_can()
    {
        GivenLevels1To3Attained();
        Given(Unassigned(MentorA));
        ThenRefused(new RevokeSignOff(Theme, 3, MentorA.UserId, "Changed my mind", MentorA, Now),
            "A mentor no longer assigned to this leader cannot revoke their sign-off; an admin can.");
        Then(new RevokeSignOff(Theme, 3, MentorA.UserId, "Mentor left", Admin, Now),
            new SignOffRevoked(LeaderId, Theme, 3, MentorA.UserId, "Mentor left", Admin.UserId, Now), AttainmentRevoked(3, "Mentor left", Admin));
    }

    [Fact]
    public void Revoking_a_sign_off_that_does_not_stand_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new RevokeSignOff(Theme, 1, MentorA.UserId, "No", MentorA, Now),
            "This mentor has no standing sign-off of Level 1 of VIS; there is nothing to revoke.");
    }

    [Fact]
    public void Revoking_a_sign_off_needs_a_reason()
    {
        GivenLevels1To3Attained();
        ThenRefused(new RevokeSignOff(Theme, 2, MentorA.UserId, "", MentorA, Now), "The reason for revoking must not be empty.");
    }

    [Fact]
    public void An_admin_revokes_an_attainment_and_every_higher_level_highest_first()
    {
        GivenLevels1To3Attained();
        Then(new RevokeAttainment(Theme, 2, "Recorded for the wrong leader", Admin, Now),
            AttainmentRevoked(3, "Recorded for the wrong leader", Admin),
            AttainmentRevoked(2, "Recorded for the wrong leader", Admin));
    }

    [Fact]
    public void Only_an_admin_revokes_an_attainment()
    {
        GivenLevels1To3Attained();
        ThenRefused(new RevokeAttainment(Theme, 2, "No", MentorA, Now), "Only an admin can revoke an attained level.");
    }

    [Fact]
    public void Revoking_an_attainment_that_does_not_stand_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new RevokeAttainment(Theme, 1, "No", Admin, Now), "Level 1 of VIS is not attained; there is nothing to revoke.");
    }
}
