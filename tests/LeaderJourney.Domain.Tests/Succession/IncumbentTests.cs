using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class IncumbentTests : PositionSpec
{
    private static readonly DateOnly Since = new(2025, 1, 1);

    [Fact]
    public void Seating_records_the_incumbent_and_keeps_the_term_end_already_set()
    {
        Given(Defined(), TermSet(TermEnd));
        Then(new SeatIncumbent(Holder, Since, null, Admin, Now), new IncumbentSeated(PositionId, Holder, Since, TermEnd, Admin.UserId, Now));
    }

    [Fact]
    public void Seating_with_a_term_end_records_that_term_end()
    {
        Given(Defined(), TermSet(TermEnd));
        var end = new DateOnly(2027, 12, 31);
        Then(new SeatIncumbent(Holder, Since, end, Admin, Now), new IncumbentSeated(PositionId, Holder, Since, end, Admin.UserId, Now));
    }

    [Fact]
    public void A_seated_incumbent_is_in_state()
    {
        Given(Defined(), Seated(Holder, Since, TermEnd));
        State.Incumbent.Should().Be(new Incumbency(Holder, Since, TermEnd));
        State.IsVacant.Should().BeFalse();
    }

    [Fact]
    public void Seating_on_an_occupied_position_is_refused()
    {
        Given(Defined(), Seated(Holder));
        ThenRefused(new SeatIncumbent(Ann, Since, null, Admin, Now),
            "This position already has an incumbent; vacate the seat first, or appoint a successor from the slate.");
    }

    [Fact]
    public void Seating_a_nominated_candidate_is_refused()
    {
        Given(Defined(), Nominated(Ann));
        ThenRefused(new SeatIncumbent(Ann, Since, null, Admin, Now), "This leader is a nominated candidate; appoint them from the slate instead.");
    }

    [Fact]
    public void Seating_after_the_term_has_ended_is_refused()
    {
        Given(Defined(), TermSet(new DateOnly(2024, 12, 31)));
        ThenRefused(new SeatIncumbent(Holder, Since, null, Admin, Now),
            "The term ends 2024-12-31, before the incumbent is seated on 2025-01-01; give a later term end.");
    }

    [Fact]
    public void Seating_without_a_leader_is_refused()
    {
        Given(Defined());
        ThenRefused(new SeatIncumbent(Guid.Empty, Since, null, Admin, Now), "Name the leader.");
    }

    [Fact]
    public void Vacating_records_the_incumbent_leaving()
    {
        Given(Defined(), Seated(Holder, Since));
        Then(new VacateIncumbent(Holder, Today, Admin, Now), new IncumbentVacated(PositionId, Holder, Today, Admin.UserId, Now));
    }

    [Fact]
    public void A_vacated_position_is_vacant_and_keeps_its_term_end()
    {
        Given(Defined(), Seated(Holder, Since, TermEnd), Vacated(Holder, Today));
        State.Incumbent.Should().Be(new Incumbency(null, null, TermEnd) { VacantSince = Today });
        State.IsVacant.Should().BeTrue();
    }

    [Fact]
    public void Vacating_a_vacant_position_is_refused()
    {
        Given(Defined());
        ThenRefused(new VacateIncumbent(Holder, Today, Admin, Now), "This position is vacant; there is no incumbent to vacate.");
    }

    [Fact]
    public void Vacating_someone_who_is_not_the_incumbent_is_refused()
    {
        Given(Defined(), Seated(Holder));
        ThenRefused(new VacateIncumbent(Ann, Today, Admin, Now),
            "This leader is not the incumbent of this position; only the incumbent can be vacated.");
    }

    [Fact]
    public void Vacating_before_the_incumbent_was_seated_is_refused()
    {
        Given(Defined(), Seated(Holder, Since));
        ThenRefused(new VacateIncumbent(Holder, new DateOnly(2024, 12, 31), Admin, Now),
            "The incumbent holds the position since 2025-01-01; the vacancy cannot start before that, on 2024-12-31.");
    }

    [Fact]
    public void Setting_the_term_end_records_it()
    {
        Given(Defined(), Seated(Holder, Since));
        Then(new SetTermEnd(TermEnd, Admin, Now), new TermEndSet(PositionId, TermEnd, Admin.UserId, Now));
    }

    [Fact]
    public void Clearing_the_term_end_makes_it_open_ended()
    {
        Given(Defined(), Seated(Holder, Since, TermEnd));
        Apply(new SetTermEnd(null, Admin, Now)).Should().ContainSingle().Which.Should().Be(new TermEndSet(PositionId, null, Admin.UserId, Now));
        State.Incumbent.TermEndsOn.Should().BeNull();
    }

    [Fact]
    public void Setting_the_same_term_end_records_nothing()
    {
        Given(Defined(), Seated(Holder, Since, TermEnd));
        ThenNothing(new SetTermEnd(TermEnd, Admin, Now));
    }

    [Fact]
    public void A_term_end_before_the_incumbent_was_seated_is_refused()
    {
        Given(Defined(), Seated(Holder, Since));
        ThenRefused(new SetTermEnd(new DateOnly(2024, 6, 30), Admin, Now),
            "The term ends 2024-06-30, before the incumbent was seated on 2025-01-01; give a later term end.");
    }

    [Fact]
    public void A_vacant_position_can_have_a_term_end()
    {
        Given(Defined());
        Then(new SetTermEnd(TermEnd, Admin, Now), new TermEndSet(PositionId, TermEnd, Admin.UserId, Now));
    }

    [Fact]
    public void Only_admins_seat_vacate_or_set_terms()
    {
        Given(Defined(), Seated(Holder, Since));
        ThenRefused(new VacateIncumbent(Holder, Today, BoardMember, Now), "Only national or affiliate admins can manage positions.");
        ThenRefused(new SetTermEnd(TermEnd, LeaderActor, Now), "Only national or affiliate admins can manage positions.");
    }
}
