using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

/// <summary>A position no longer the affiliate's is retired: only when vacant, by an admin, once; nothing is recorded on it after.</summary>
public sealed class RetirePositionTests : PositionSpec
{
    private static RetirePosition Retire(Actor? by = null) => new(by ?? Admin, Now);

    [Fact]
    public void A_vacant_position_is_retired_and_its_slate_closes()
    {
        Given(Defined(), Nominated(Ann), Nominated(Ben));
        Then(Retire(), new PositionRetired(PositionId, Admin.UserId, Now));
        Apply(Retire());
        State.IsRetired.Should().BeTrue();
        State.RetiredAt.Should().Be(Now);
        State.Candidates.Should().BeEmpty("nobody is a candidate for a position that is no more");
    }

    [Fact]
    public void A_seat_held_is_vacated_first_so_the_record_says_when_the_term_ended()
    {
        Given(Defined(), Seated(Holder));
        ThenRefused(Retire(), "This position has an incumbent; record the vacancy first (the day their term ended), then retire the position.");
        Given(Vacated(Holder, Today));
        Then(Retire(), new PositionRetired(PositionId, Admin.UserId, Now));
    }

    [Fact]
    public void A_retired_position_takes_no_more_commands_not_even_a_second_retirement()
    {
        Given(Defined(), new PositionRetired(PositionId, Admin.UserId, T0));
        ThenRefused(Retire(), "This position was retired on 2025-03-10; it takes no more changes.");
        ThenRefused(Nominate(Ann), "This position was retired on 2025-03-10; it takes no more changes.");
        ThenRefused(new SetTermEnd(TermEnd, Admin, Now), "This position was retired on 2025-03-10; it takes no more changes.");
        ThenRefused(new ChangeRequirements([], Admin, Now), "This position was retired on 2025-03-10; it takes no more changes.");
        ThenRefused(Define(), "This position is already defined.");
    }

    [Theory]
    [InlineData(Role.Mentor)]
    [InlineData(Role.Board)]
    [InlineData(Role.Leader)]
    public void Only_admins_retire_positions(Role role)
    {
        Given(Defined());
        ThenRefused(Retire(new Actor(Id(500), role, null)), "Only national or affiliate admins can manage positions.");
    }

    [Fact]
    public void A_national_admin_retires_an_affiliates_position()
    {
        Given(Defined());
        Then(Retire(National), new PositionRetired(PositionId, National.UserId, Now));
    }
}
