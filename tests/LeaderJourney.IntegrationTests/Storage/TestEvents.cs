using LeaderJourney.Storage;

namespace LeaderJourney.IntegrationTests.Storage;

public sealed record CounterIncreased(int By);
public sealed record CounterReset(string Reason);
public sealed record NoteWritten(string Text);

/// <summary>The kinds of the tests' streams (Marten stores a stream's kind as its marker type's alias).</summary>
public static class TestStreams
{
    public sealed class Counter;
    public sealed class Notes;
    public sealed class Person;
}

public static class TestEvents
{
    public static EventTypeRegistry Registry() => WithTestStreams(new EventTypeRegistry()
        .Register<CounterIncreased>("test.counter-increased")
        .Register<CounterReset>("test.counter-reset")
        .Register<NoteWritten>("test.note-written"));

    public static EventTypeRegistry WithTestStreams(EventTypeRegistry registry) => registry
        .RegisterStreamKind<TestStreams.Counter>("counter")
        .RegisterStreamKind<TestStreams.Notes>("notes")
        .RegisterStreamKind<TestStreams.Person>("person");

    /// <summary>A small fold used to compare live aggregation with a fold of events in memory.</summary>
    public static (int Total, int Events) Evolve((int Total, int Events) state, StoredEvent e) => e.Data switch
    {
        CounterIncreased c => (state.Total + c.By, state.Events + 1),
        CounterReset => (0, state.Events + 1),
        _ => (state.Total, state.Events + 1),
    };
}
