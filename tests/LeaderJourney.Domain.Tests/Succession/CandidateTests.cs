using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class CandidateTests : PositionSpec
{
    [Fact]
    public void Nominating_records_the_candidate_with_a_trimmed_note()
    {
        Given(Defined());
        Then(Nominate(Ann, "  Strong organiser  "), new CandidateNominated(PositionId, Ann, "Strong organiser", Admin.UserId, Now));
    }

    [Fact]
    public void A_blank_note_is_stored_as_absent()
    {
        Given(Defined());
        Then(Nominate(Ann, " "), new CandidateNominated(PositionId, Ann, null, Admin.UserId, Now));
    }

    [Fact]
    public void Candidates_are_kept_in_nomination_order()
    {
        Given(Defined(), Nominated(Ben), Nominated(Ann, "note"), Nominated(Cy));
        State.Candidates.Select(c => c.LeaderId).Should().Equal(Ben, Ann, Cy);
        State.CandidateOf(Ann).Should().Be(new Candidate(Ann, "note", Admin.UserId, T0, null, null, null, null));
    }

    [Fact]
    public void Nominating_a_leader_twice_is_refused()
    {
        Given(Defined(), Nominated(Ann));
        ThenRefused(Nominate(Ann), "This leader is already nominated for this position.");
    }

    [Fact]
    public void Nominating_the_incumbent_is_refused()
    {
        Given(Defined(), Seated(Holder));
        ThenRefused(Nominate(Holder), "This leader is the incumbent; nominate someone else to succeed them.");
    }

    [Fact]
    public void Nominating_without_a_leader_is_refused()
    {
        Given(Defined());
        ThenRefused(Nominate(Guid.Empty), "Name the leader.");
    }

    [Fact]
    public void Only_admins_nominate()
    {
        Given(Defined());
        ThenRefused(Nominate(Ann, by: Mentor), "Only national or affiliate admins can manage positions.");
    }

    [Fact]
    public void Withdrawing_records_it_with_a_trimmed_reason()
    {
        Given(Defined(), Nominated(Ann));
        Then(new WithdrawCandidate(Ann, " Moved away ", Admin, Now), new CandidateWithdrawn(PositionId, Ann, "Moved away", Admin.UserId, Now));
    }

    [Fact]
    public void A_withdrawn_candidate_leaves_the_slate_and_may_be_nominated_afresh()
    {
        Given(Defined(), Nominated(Ann), AssessedEvent(Ann, Readiness.ReadyNow), WithdrawnEvent(Ann));
        State.Candidates.Should().BeEmpty();
        Apply(Nominate(Ann));
        State.CandidateOf(Ann)!.Assessed.Should().BeNull();
    }

    [Fact]
    public void Withdrawing_a_leader_not_nominated_is_refused()
    {
        Given(Defined(), Nominated(Ann));
        ThenRefused(new WithdrawCandidate(Ben, null, Admin, Now), "This leader is not nominated for this position; there is nothing to withdraw.");
    }

    [Fact]
    public void Assessing_records_the_call_with_a_trimmed_justification()
    {
        Given(Defined(), Nominated(Ann));
        Then(new AssessReadiness(Ann, Readiness.ReadyNow, "  Chaired the 2024 bargaining team. ", National, Now),
            new ReadinessAssessed(PositionId, Ann, Readiness.ReadyNow, "Chaired the 2024 bargaining team.", National.UserId, Now));
    }

    [Fact]
    public void The_latest_assessment_stands_in_state()
    {
        Given(Defined(), Nominated(Ann), Nominated(Ben), AssessedEvent(Ann, Readiness.Ready3PlusYears), AssessedEvent(Ann, Readiness.ReadyNow));
        State.CandidateOf(Ann).Should().Match<Candidate>(c => c.Assessed == Readiness.ReadyNow
            && c.Justification == "Led the 2024 campaign." && c.AssessedBy == National.UserId && c.AssessedAt == T0);
        State.CandidateOf(Ben)!.Assessed.Should().BeNull();
    }

    [Fact]
    public void Assessing_a_leader_not_nominated_is_refused()
    {
        Given(Defined());
        ThenRefused(new AssessReadiness(Ann, Readiness.ReadyNow, "Why", Admin, Now),
            "This leader is not nominated for this position; nominate them before assessing their readiness.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Assessing_without_a_justification_is_refused(string justification)
    {
        Given(Defined(), Nominated(Ann));
        ThenRefused(new AssessReadiness(Ann, Readiness.ReadyNow, justification, Admin, Now), "The justification must not be empty.");
    }

    [Fact]
    public void A_justification_of_4001_characters_is_refused_and_4000_allowed()
    {
        Given(Defined(), Nominated(Ann));
        ThenRefused(new AssessReadiness(Ann, Readiness.ReadyNow, new string('j', 4001), Admin, Now),
            "The justification has 4001 characters; keep it to 4000 or fewer.");
        When(new AssessReadiness(Ann, Readiness.ReadyNow, new string('j', 4000), Admin, Now)).Should().ContainSingle();
    }

    [Fact]
    public void An_unknown_readiness_is_refused()
    {
        Given(Defined(), Nominated(Ann));
        ThenRefused(new AssessReadiness(Ann, (Readiness)7, "Why", Admin, Now),
            "Choose a readiness: ready-now, ready-1-2-years or ready-3-plus-years.");
    }

    [Fact]
    public void Only_admins_assess()
    {
        Given(Defined(), Nominated(Ann));
        ThenRefused(new AssessReadiness(Ann, Readiness.ReadyNow, "Why", LeaderActor, Now), "Only national or affiliate admins can manage positions.");
    }
}
