using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class SignOffTests : LeaderSpec
{
    [Fact]
    public void The_leader_requests_a_sign_off()
    {
        GivenEnrolledWithMentor();
        Then(new RequestSignOff(Theme, 1, Self, Now), new SignOffRequested(LeaderId, Theme, 1, Self.UserId, Now));
    }

    [Fact]
    public void An_admin_may_request_a_sign_off_for_the_leader()
    {
        GivenEnrolledWithMentor();
        Then(new RequestSignOff(Theme, 1, Admin, Now), new SignOffRequested(LeaderId, Theme, 1, Admin.UserId, Now));
    }

    [Fact]
    public void The_leader_or_an_admin_withdraws_a_request_still_waiting_and_a_mentor_answers_it_instead()
    {
        GivenEnrolledWithMentor();
        Given(Requested(1));
        ThenRefused(new WithdrawSignOffRequest(Theme, 1, MentorA, Now), "Only the leader or an admin can withdraw a sign-off request; a mentor declines it, saying why.");
        ThenRefused(new WithdrawSignOffRequest(Theme, 2, Self, Now), "No sign-off of Level 2 of VIS is waiting; there is nothing to withdraw.");
        Then(new WithdrawSignOffRequest(Theme, 1, Self, Now), new SignOffRequestWithdrawn(LeaderId, Theme, 1, Self.UserId, Now));
        Given(new SignOffRequestWithdrawn(LeaderId, Theme, 1, Admin.UserId, Now));
        ThenRefused(new WithdrawSignOffRequest(Theme, 1, Admin, Now), "No sign-off of Level 1 of VIS is waiting; there is nothing to withdraw.");
        Then(new RequestSignOff(Theme, 1, Self, Now), new SignOffRequested(LeaderId, Theme, 1, Self.UserId, Now));
    }

    [Fact]
    public void Another_leader_cannot_request_a_sign_off()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new RequestSignOff(Theme, 1, OtherLeader, Now), "Only the leader, an admin or an assigned mentor can request a sign-off.");
    }

    [Fact]
    public void Requesting_a_sign_off_of_an_attained_level_is_refused()
    {
        GivenEnrolledWithMentor();
        Given(Attained(1));
        ThenRefused(new RequestSignOff(Theme, 1, Self, Now), "Level 1 of VIS is already attained; there is nothing to sign off.");
    }

    [Fact]
    public void Requesting_a_sign_off_already_pending_is_refused()
    {
        GivenEnrolledWithMentor();
        Given(Requested(1));
        ThenRefused(new RequestSignOff(Theme, 1, Self, Now), "A sign-off of Level 1 of VIS is already requested; wait for the mentor's answer.");
    }

    [Fact]
    public void Requesting_a_sign_off_that_already_stands_without_learning_is_refused_and_says_what_is_missing()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA));
        // The mentor's second sign-off would change nothing: the level waits for learning, not for a mentor.
        ThenRefused(new RequestSignOff(Theme, 1, Self, Now),
            "Level 1 of VIS is already signed off; it is attained once learning at this level is recorded (a training, or a mentor or peer assessment).");
    }

    [Fact]
    public void Requesting_a_sign_off_that_stands_while_the_level_below_is_missing_is_refused()
    {
        GivenEnrolledWithMentor();
        Given(Trained(2), SignedOff(2, MentorA));
        ThenRefused(new RequestSignOff(Theme, 2, Self, Now), "Level 2 of VIS is already signed off; it is attained once Level 1 is.");
    }

    [Fact]
    public void A_request_after_an_admin_revoked_the_attainment_is_taken_since_nothing_else_is_missing()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1), SignedOff(1, MentorA), Attained(1), new LevelAttainmentRevoked(LeaderId, Theme, 1, "Wrong leader", Admin.UserId, T0));
        AttainmentRule.Needs(new[] { (object)Enrolled(), Assigned(MentorA), Trained(1), SignedOff(1, MentorA), Attained(1),
                new LevelAttainmentRevoked(LeaderId, Theme, 1, "Wrong leader", Admin.UserId, T0) }.Aggregate(Leader.Initial, LeaderDecider.Evolve), Theme, 1, Policy)
            .Should().Be(new LevelNeeds(false, false, 0), "every clause is met though the level is not attained: the revocation is what stands in the way");
        Then(new RequestSignOff(Theme, 1, Self, Now), new SignOffRequested(LeaderId, Theme, 1, Self.UserId, Now));
    }

    [Fact]
    public void A_request_with_the_level_below_and_learning_both_missing_says_both()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(2, MentorA));
        ThenRefused(new RequestSignOff(Theme, 2, Self, Now), "Level 2 of VIS is already signed off; it is attained once Level 1 is and learning at this level is recorded.");
    }

    [Fact]
    public void A_level_needing_two_sign_offs_may_be_requested_again_after_the_first()
    {
        Policy = new AttainmentPolicy(new Dictionary<int, int> { [1] = 2 });
        Given(Enrolled(), Assigned(MentorA), Assigned(MentorB), SignedOff(1, MentorA));
        Then(new RequestSignOff(Theme, 1, Self, Now), new SignOffRequested(LeaderId, Theme, 1, Self.UserId, Now));
    }

    [Fact]
    public void What_a_level_still_needs_is_told_clause_by_clause()
    {
        Policy = new AttainmentPolicy(new Dictionary<int, int> { [2] = 2 });
        var state = new[] { (object)Enrolled(), Assigned(MentorA), Assigned(MentorB), Trained(1) }.Aggregate(Leader.Initial, LeaderDecider.Evolve);
        AttainmentRule.Needs(state, Theme, 1, Policy).Should().Be(new LevelNeeds(PreviousLevel: false, Learning: false, SignOffs: 1));
        AttainmentRule.Needs(state, Theme, 2, Policy).Should().Be(new LevelNeeds(PreviousLevel: true, Learning: true, SignOffs: 2));
        var signed = LeaderDecider.Evolve(state, SignedOff(2, MentorA));
        AttainmentRule.Needs(signed, Theme, 2, Policy).SignOffs.Should().Be(1);
        var attained = LeaderDecider.Evolve(state, Attained(1));
        AttainmentRule.Needs(attained, Theme, 1, Policy).Should().Be(LevelNeeds.None);
    }

    [Fact]
    public void A_sign_off_needs_no_request_and_without_learning_attains_nothing()
    {
        GivenEnrolledWithMentor();
        Then(new SignOff(Theme, 1, " Well led ", MentorA, Now), new LevelSignedOff(LeaderId, Theme, 1, MentorA.UserId, "Well led", Now));
    }

    [Fact]
    public void The_leader_cannot_sign_off_themself()
    {
        GivenEnrolledWithMentor();
        ThenRefused(SignOffBy(Self, 1), "A leader cannot sign off their own level; an assigned mentor must.");
    }

    [Fact]
    public void A_user_whose_id_is_the_leader_id_cannot_sign_off()
    {
        GivenEnrolledWithMentor();
        ThenRefused(SignOffBy(new Actor(LeaderId, Role.Mentor, null), 1), "A leader cannot sign off their own level; an assigned mentor must.");
    }

    [Fact]
    public void A_mentor_not_assigned_to_the_leader_cannot_sign_off()
    {
        GivenEnrolledWithMentor();
        ThenRefused(SignOffBy(MentorB, 1), "Only a mentor currently assigned to this leader can sign off; assign the mentor first.");
    }

    [Fact]
    public void An_unassigned_mentor_can_no_longer_sign_off()
    {
        GivenEnrolledWithMentor();
        Given(Unassigned(MentorA));
        ThenRefused(SignOffBy(MentorA, 1), "Only a mentor currently assigned to this leader can sign off; assign the mentor first.");
    }

    [Fact]
    public void Signing_off_an_attained_level_is_accepted_and_changes_nothing()
    {
        GivenEnrolledWithMentor();
        Given(Attained(1));
        ThenNothing(SignOffBy(MentorA, 1));
    }

    [Fact]
    public void Signing_off_an_attained_level_still_requires_an_assigned_mentor()
    {
        GivenEnrolledWithMentor();
        Given(Attained(1));
        ThenRefused(SignOffBy(MentorB, 1), "Only a mentor currently assigned to this leader can sign off; assign the mentor first.");
    }

    [Fact]
    public void The_same_mentor_signing_off_twice_records_nothing_new()
    {
        GivenEnrolledWithMentor();
        Given(SignedOff(1, MentorA));
        ThenNothing(SignOffBy(MentorA, 1));
    }

    [Fact]
    public void A_sign_off_closes_the_pending_request()
    {
        GivenEnrolledWithMentor();
        Given(Requested(1), Requested(2));
        Apply(SignOffBy(MentorA, 1));
        State.PendingSignOffs.Select(p => p.Level).Should().Equal(2);
    }

    [Fact]
    public void A_mentor_declines_a_pending_request_and_closes_it()
    {
        GivenEnrolledWithMentor();
        Given(Requested(1));
        var decline = new DeclineSignOff(Theme, 1, " Lead one more meeting first ", MentorA, Now);
        Then(decline, new SignOffDeclined(LeaderId, Theme, 1, MentorA.UserId, "Lead one more meeting first", Now));
        Apply(decline);
        State.PendingSignOffs.Should().BeEmpty();
    }

    [Fact]
    public void The_mentor_who_declined_withdraws_it_and_the_request_waits_again_as_old_as_it_was()
    {
        GivenEnrolledWithMentor(); // v1, v2
        Given(Assigned(MentorB), Requested(1), new SignOffDeclined(LeaderId, Theme, 1, MentorA.UserId, "Not yet", Now)); // v3..v5
        // Only the mentor who declined, while assigned, and only the level declined.
        ThenRefused(new WithdrawDecline(Theme, 1, MentorB, Now), SignOffDecisions.NoDeclineToWithdraw);
        ThenRefused(new WithdrawDecline(Theme, 1, Self, Now), "Only a mentor assigned to this leader can withdraw their decline.");
        ThenRefused(new WithdrawDecline(Theme, 2, MentorA, Now), SignOffDecisions.NoDeclineToWithdraw);
        // A form naming another decline (an earlier one of the level) withdraws nothing.
        ThenRefused(new WithdrawDecline(Theme, 1, MentorA, Now, DeclineVersion: 4), SignOffDecisions.NoDeclineToWithdraw);
        // Learning logged meanwhile does not stop it.
        Given(new EvidenceAdded(LeaderId, Id(700), Theme, 1, null, "Chaired it", Self.UserId, Now)); // v6
        var withdrawal = new WithdrawDecline(Theme, 1, MentorA, Now.AddMinutes(1), DeclineVersion: 5);
        Then(withdrawal, new SignOffDeclineWithdrawn(LeaderId, Theme, 1, MentorA.UserId, 5, T0, Now.AddMinutes(1)));
        Apply(withdrawal);
        State.PendingSignOffs.Should().ContainSingle().Which.Should().Be(new PendingSignOff(Theme, 1, T0, 7));
        State.Declines.Should().BeEmpty();
        // Withdrawn once: not again.
        ThenRefused(withdrawal, SignOffDecisions.NoDeclineToWithdraw);
    }

    [Fact]
    public void A_decline_asked_for_or_answered_since_or_whose_mentor_was_taken_off_is_no_longer_withdrawn()
    {
        foreach (var since in new object[]
        {
            Requested(1),
            SignedOffNow(1, MentorB),
            AttainedNow(1),
            new SignOffRequestWithdrawn(LeaderId, Theme, 1, Self.UserId, Now),
            // A mentor taken off the leader answers for them no more, even once assigned again.
            Unassigned(MentorA),
        })
        {
            Reset();
            GivenEnrolledWithMentor();
            Given(Assigned(MentorB), Requested(1), new SignOffDeclined(LeaderId, Theme, 1, MentorA.UserId, "Not yet", Now));
            Given(since);
            if (since is MentorUnassigned) Given(Assigned(MentorA));
            ThenRefused(new WithdrawDecline(Theme, 1, MentorA, Now), SignOffDecisions.NoDeclineToWithdraw);
        }
    }

    [Fact]
    public void Declining_without_a_pending_request_is_refused()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new DeclineSignOff(Theme, 1, "Not yet", MentorA, Now), "There is no pending sign-off request for Level 1 of VIS to decline.");
    }

    [Fact]
    public void Declining_needs_a_reason()
    {
        GivenEnrolledWithMentor();
        Given(Requested(1));
        ThenRefused(new DeclineSignOff(Theme, 1, "  ", MentorA, Now), "The reason for declining must not be empty.");
    }

    [Fact]
    public void The_leader_cannot_decline_their_own_request()
    {
        GivenEnrolledWithMentor();
        Given(Requested(1));
        ThenRefused(new DeclineSignOff(Theme, 1, "No", Self, Now), "A leader cannot decline their own level; an assigned mentor must.");
    }

    [Fact]
    public void A_mentor_not_assigned_cannot_decline()
    {
        GivenEnrolledWithMentor();
        Given(Requested(1));
        ThenRefused(new DeclineSignOff(Theme, 1, "No", MentorB, Now), "Only a mentor currently assigned to this leader can decline; assign the mentor first.");
    }

    [Fact]
    public void A_sign_off_with_the_mentors_assessment_records_both_in_one_append_the_assessment_first_as_the_levels_learning()
    {
        GivenEnrolledWithMentor(); // v1, v2
        Then(new SignOff(Theme, 1, "Ready", MentorA, Now, new MentorAssessment(Id(800), " Led the meeting ")),
            new AssessmentRecorded(LeaderId, Id(800), Theme, 1, AssessmentKind.Mentor, "Led the meeting", MentorA.UserId, Now),
            new LevelSignedOff(LeaderId, Theme, 1, MentorA.UserId, "Ready", Now),
            AttainedNow(1, Clause(AttainmentClause.Learning, 3), Clause(AttainmentClause.SignOff, 4)));
    }

    [Fact]
    public void A_sign_off_with_an_assessment_the_mentor_may_not_record_records_neither()
    {
        GivenEnrolledWithMentor();
        ThenRefused(new SignOff(Theme, 1, null, MentorB, Now, new MentorAssessment(Id(800), null)),
            "Only a mentor currently assigned to this leader can record a mentor assessment.");
    }

    [Fact]
    public void A_sign_off_with_an_assessment_of_a_level_already_attained_records_the_assessment_alone()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1), SignedOff(1, MentorA), Attained(1));
        Then(new SignOff(Theme, 1, null, MentorA, Now, new MentorAssessment(Id(800), null)),
            new AssessmentRecorded(LeaderId, Id(800), Theme, 1, AssessmentKind.Mentor, null, MentorA.UserId, Now));
    }
}
