using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class PositionEvolveTests : PositionSpec
{
    private sealed record SomethingElse;

    [Fact]
    public void The_initial_state_is_undefined_and_vacant_at_version_0()
    {
        Position.Initial.Version.Should().Be(0);
        Position.Initial.IsDefined.Should().BeFalse();
        Position.Initial.IsVacant.Should().BeTrue();
    }

    [Fact]
    public void Every_event_increments_the_version()
    {
        Given(Defined(), Seated(Holder), Nominated(Ann), AssessedEvent(Ann, Readiness.ReadyNow), TermSet(TermEnd));
        State.Version.Should().Be(5);
    }

    [Fact]
    public void An_unknown_event_is_a_programming_error() =>
        FluentActions.Invoking(() => PositionDecider.Evolve(Position.Initial, new SomethingElse())).Should().Throw<ArgumentException>();

    [Fact]
    public void An_unknown_command_is_a_programming_error()
    {
        Given(Defined());
        FluentActions.Invoking(() => When(new SomethingElse())).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Every_event_type_has_one_stable_unique_name()
    {
        PositionEventNames.All.Should().HaveCount(10);
        PositionEventNames.All.Select(x => x.Type).Should().OnlyHaveUniqueItems();
        PositionEventNames.All.Select(x => x.Name).Should().OnlyHaveUniqueItems().And.AllSatisfy(n => n.Should().StartWith("position."));
        PositionEventNames.All.Should().Contain([
            (typeof(PositionDefined), "position.defined"),
            (typeof(IncumbentSeated), "position.incumbent-seated"),
            (typeof(IncumbentVacated), "position.incumbent-vacated"),
            (typeof(TermEndSet), "position.term-end-set"),
            (typeof(CandidateNominated), "position.candidate-nominated"),
            (typeof(CandidateWithdrawn), "position.candidate-withdrawn"),
            (typeof(ReadinessAssessed), "position.readiness-assessed"),
            (typeof(Appointed), "position.appointed"),
            (typeof(RequirementsChanged), "position.requirements-changed"),
            (typeof(PositionRetired), "position.retired"),
        ]);
    }

    [Fact]
    public void A_vacated_seat_keeps_the_day_it_fell_vacant_until_someone_holds_it_again()
    {
        Given(Defined(), Seated(Holder), Vacated(Holder, Today));
        State.Incumbent.VacantSince.Should().Be(Today);
        Given(TermSet(TermEnd));
        State.Incumbent.VacantSince.Should().Be(Today, "a new term end leaves the seat as vacant as it was");
        Given(Seated(Ann, since: Today.AddDays(3)));
        State.Incumbent.VacantSince.Should().BeNull();
        Given(Vacated(Ann, Today.AddDays(9)), Nominated(Ben), new Appointed(PositionId, Ben, Today.AddDays(20), [], Admin.UserId, T0));
        State.Incumbent.VacantSince.Should().BeNull("an appointment fills it");
    }

    [Fact]
    public void Every_named_event_evolves()
    {
        // Exhaustiveness: Evolve knows every event the names list knows.
        var samples = new object[]
        {
            Defined(), new RequirementsChanged(PositionId, [], Admin.UserId, T0), Seated(Holder), Vacated(Holder, Today),
            TermSet(TermEnd), Nominated(Ann), AssessedEvent(Ann, Readiness.ReadyNow), WithdrawnEvent(Ann),
            new Appointed(PositionId, Ben, Today, [], Admin.UserId, T0), new PositionRetired(PositionId, Admin.UserId, T0),
        };
        samples.Select(s => s.GetType()).Should().BeEquivalentTo(PositionEventNames.All.Select(x => x.Type));
        Given(samples);
        State.Version.Should().Be(samples.Length);
    }
}
