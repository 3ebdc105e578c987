using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class AppointTests : PositionSpec
{
    private static readonly DateOnly On = new(2025, 5, 1);

    private static readonly SlateEntry[] Slate =
    [
        new(Ann, Readiness.Ready1To2Years),
        new(Ben, Readiness.ReadyNow),
    ];

    private void GivenASlate() =>
        Given(Defined(), Seated(Holder, new DateOnly(2024, 1, 1), TermEnd), Nominated(Ann), Nominated(Ben), AssessedEvent(Ann, Readiness.ReadyNow));

    [Fact]
    public void Appointing_records_the_slate_with_computed_and_assessed_readiness_in_nomination_order()
    {
        GivenASlate();
        // The caller's order does not matter; the record follows the slate.
        Then(AppointCmd(Ann, On, [Slate[1], Slate[0]]),
            new Appointed(PositionId, Ann, On,
                [new SlateRecord(Ann, Readiness.Ready1To2Years, Readiness.ReadyNow), new SlateRecord(Ben, Readiness.ReadyNow, null)],
                Admin.UserId, Now));
    }

    [Fact]
    public void The_appointee_replaces_the_incumbent_the_slate_is_emptied_and_the_appointment_is_kept()
    {
        GivenASlate();
        Apply(AppointCmd(Ann, On, Slate));
        State.Incumbent.Should().Be(new Incumbency(Ann, On, TermEnd));
        State.Candidates.Should().BeEmpty();
        var appointment = State.Appointments.Should().ContainSingle().Subject;
        appointment.Should().BeEquivalentTo(new AppointmentRecord(Ann, On, Holder,
            [new SlateRecord(Ann, Readiness.Ready1To2Years, Readiness.ReadyNow), new SlateRecord(Ben, Readiness.ReadyNow, null)],
            Admin.UserId, Now, 6));
    }

    [Fact]
    public void Appointing_while_keeping_the_others_leaves_them_nominated_with_their_judgements_as_the_bench_for_the_next_filling()
    {
        GivenASlate();
        var events = Apply(AppointCmd(Ben, On, Slate) with { KeepOthers = true });
        events.Should().ContainSingle().Which.Should().BeOfType<Appointed>().Which.KeepOthers.Should().BeTrue();
        State.Incumbent.LeaderId.Should().Be(Ben);
        State.Candidates.Should().ContainSingle().Which.Should().Match<Candidate>(c => c.LeaderId == Ann && c.Assessed == Readiness.ReadyNow);
        State.Appointments.Single().Slate.Select(r => r.LeaderId).Should().Equal(Ann, Ben);
    }

    [Fact]
    public void Appointing_to_a_vacant_position_records_no_one_replaced()
    {
        Given(Defined(), Nominated(Ann));
        Apply(AppointCmd(Ann, On, [new(Ann, Readiness.ReadyNow)]));
        State.Appointments.Single().Replaced.Should().BeNull();
        State.Incumbent.LeaderId.Should().Be(Ann);
    }

    [Fact]
    public void Appointing_with_a_new_term_end_sets_it_after_the_appointment()
    {
        GivenASlate();
        var end = new DateOnly(2028, 4, 30);
        var events = Apply(AppointCmd(Ann, On, Slate, end));
        events.Select(e => e.GetType()).Should().Equal(typeof(Appointed), typeof(TermEndSet));
        events[1].Should().Be(new TermEndSet(PositionId, end, Admin.UserId, Now));
        State.Incumbent.Should().Be(new Incumbency(Ann, On, end));
    }

    [Fact]
    public void Appointing_with_the_term_end_already_set_sets_nothing_more()
    {
        GivenASlate();
        When(AppointCmd(Ann, On, Slate, TermEnd)).Should().ContainSingle().Which.Should().BeOfType<Appointed>();
    }

    [Fact]
    public void Appointing_a_leader_not_on_the_slate_is_refused()
    {
        GivenASlate();
        ThenRefused(AppointCmd(Cy, On, Slate), "This leader is not on the slate; nominate them before appointing them.");
    }

    [Fact]
    public void A_slate_missing_a_candidate_is_refused()
    {
        GivenASlate();
        ThenRefused(AppointCmd(Ann, On, [Slate[0]]),
            $"The given slate has no computed readiness for candidate {Ben}; recompute the slate and try again.");
    }

    [Fact]
    public void A_slate_with_a_leader_not_nominated_is_refused()
    {
        GivenASlate();
        ThenRefused(AppointCmd(Ann, On, [.. Slate, new(Cy, Readiness.ReadyNow)]),
            $"Leader {Cy} is in the given slate but not nominated; recompute the slate and try again.");
    }

    [Fact]
    public void A_slate_naming_a_leader_twice_is_refused()
    {
        GivenASlate();
        ThenRefused(AppointCmd(Ann, On, [.. Slate, new(Ann, Readiness.ReadyNow)]),
            $"Leader {Ann} is in the given slate twice; recompute the slate and try again.");
    }

    [Fact]
    public void Appointing_before_the_incumbent_was_seated_is_refused()
    {
        GivenASlate();
        ThenRefused(AppointCmd(Ann, new DateOnly(2023, 12, 31), Slate),
            "The incumbent holds the position since 2024-01-01; the appointment cannot take effect before that, on 2023-12-31.");
    }

    [Fact]
    public void Appointing_after_the_term_ended_without_a_new_term_end_is_refused()
    {
        GivenASlate();
        ThenRefused(AppointCmd(Ann, new DateOnly(2026, 7, 1), Slate),
            "The term ends 2026-06-30, before the appointment takes effect on 2026-07-01; give a later term end.");
    }

    [Fact]
    public void A_new_term_end_before_the_appointment_is_refused()
    {
        GivenASlate();
        ThenRefused(AppointCmd(Ann, On, Slate, new DateOnly(2025, 4, 30)),
            "The term ends 2025-04-30, before the appointment takes effect on 2025-05-01; give a later term end.");
    }

    [Fact]
    public void Only_admins_appoint()
    {
        GivenASlate();
        ThenRefused(new Appoint(Ann, On, Slate, null, BoardMember, Now), "Only national or affiliate admins can manage positions.");
    }
}
