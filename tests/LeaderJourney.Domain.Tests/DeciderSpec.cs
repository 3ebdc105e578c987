namespace LeaderJourney.Domain.Tests;

/// <summary>
/// Given events / when command / then events over a pure decider. A fresh instance per test (xunit),
/// so state never leaks between tests.
/// </summary>
public abstract class DeciderSpec<TState>(TState initial)
{
    private readonly TState initial = initial;
    private TState state = initial;

    protected TState State => state;

    protected static Guid Id(int n) => new(n, 0, 0, new byte[8]);

    protected abstract TState Evolve(TState current, object @event);

    protected abstract IReadOnlyList<object> Decide(object command, TState current);

    protected void Given(params object[] events)
    {
        foreach (var e in events) state = Evolve(state, e);
    }

    /// <summary>Back to the initial state: one test trying several histories in turn.</summary>
    protected void Reset() => state = initial;

    protected IReadOnlyList<object> When(object command) => Decide(command, state);

    protected void Then(object command, params object[] expected)
    {
        var actual = When(command);
        // Records holding lists compare those lists by reference, so compare structurally, types and order included.
        actual.Select(e => e.GetType()).Should().Equal(expected.Select(e => e.GetType()));
        actual.Should().BeEquivalentTo(expected, o => o.RespectingRuntimeTypes().WithStrictOrdering());
    }

    protected void ThenNothing(object command) => When(command).Should().BeEmpty();

    protected void ThenRefused(object command, string message) =>
        FluentActions.Invoking(() => When(command)).Should().Throw<DomainRuleException>().WithMessage(message);

    /// <summary>Decides and applies the events to the state; returns them.</summary>
    protected IReadOnlyList<object> Apply(object command)
    {
        var events = When(command);
        Given([.. events]);
        return events;
    }
}
