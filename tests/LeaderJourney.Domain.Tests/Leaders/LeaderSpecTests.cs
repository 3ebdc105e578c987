using LeaderJourney.Domain.Leaders;
using Xunit.Sdk;

namespace LeaderJourney.Domain.Tests.Leaders;

/// <summary>The helper must see inside list fields (records compare those by reference) and must not pass on the wrong type or order.</summary>
public sealed class LeaderSpecTests : LeaderSpec
{
    [Fact]
    public void Then_fails_on_a_wrong_provenance_version()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1));
        FluentActions.Invoking(() => Then(SignOffBy(MentorA, 1), SignedOffNow(1, MentorA),
                AttainedNow(1, Clause(AttainmentClause.Learning, 3), Clause(AttainmentClause.SignOff, 99))))
            .Should().Throw<XunitException>();
    }

    [Fact]
    public void Then_fails_on_the_wrong_order()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1));
        FluentActions.Invoking(() => Then(SignOffBy(MentorA, 1),
                AttainedNow(1, Clause(AttainmentClause.Learning, 3), Clause(AttainmentClause.SignOff, 4)), SignedOffNow(1, MentorA)))
            .Should().Throw<XunitException>();
    }
}
