using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Npgsql;

namespace LeaderJourney.Storage.Projections;

/// <summary>
/// Watches a Marten daemon's shard states: a slot Marten paused because a batch failed where the
/// projection's own code could not see it (a statement failing when Marten ran it) is recorded as a
/// failure of the slot's generation, so /health and `projections status` show it. A failure in the
/// projection's code is recorded with its event by <see cref="MartenSlot"/>; a slot waiting for a build
/// elsewhere, or refused a batch because another daemon moved it first, has not failed.
/// </summary>
internal sealed class SlotPauses(Store store) : IObserver<ShardState>
{
    public void OnNext(ShardState state)
    {
        if (state.Action != ShardAction.Paused || state.Exception is not { } error) return;
        if (Chain(error).Any(e => e is GenerationBuildingElsewhereException || IsProgressionRace(e) || IsTransient(e))) return;
        if (store.Slots.FirstOrDefault(s => s.ShardIdentity == state.ShardName) is not { } slot) return;
        var cause = Chain(error).LastOrDefault(e => e is PostgresException) ?? Chain(error).Last();
        var message = $"Marten paused {slot.MartenName}: {cause.GetType().Name}: {cause.Message.Split('\n')[0]}";
        _ = RecordAsync(slot, message);
    }

    private async Task RecordAsync(MartenSlot slot, string message)
    {
        try
        {
            await using var command = store.DataSource.CreateCommand($"""
                update {store.Schema}.projection_generations set state = 'failed', last_error = $3, updated_at = now()
                 where name = $1 and generation % 2 = $2 and status <> 'retired' and state = 'running'
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot.Name });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = slot.Parity });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message });
            await command.ExecuteNonQueryAsync();
            ProjectionGenerations.Stale();
        }
        catch (Exception e) when (e is NpgsqlException or ObjectDisposedException)
        {
            // The database or the pool is gone (a host stopping): Marten pauses the slot again on its next try.
        }
    }

    /// <summary>Two daemons moved one slot at once (a catch-up beside the host's, say): Marten's optimistic progression refused one batch, which is tried again; nothing failed.</summary>
    private static bool IsProgressionRace(Exception e) =>
        e.GetType().Name == "ProgressionProgressOutOfOrderException"
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_mt_event_progression" };

    /// <summary>
    /// A lost connection, a deadlock or a timeout says nothing about the events: Marten tries again, and a
    /// quiet slot would otherwise show a failure until its next event. A disposed object is a host
    /// stopping under the daemon (seen when a host was stopped a second after it started).
    /// </summary>
    private static bool IsTransient(Exception e) => e is NpgsqlException { IsTransient: true } or TimeoutException or OperationCanceledException or ObjectDisposedException;

    internal static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException) yield return e;
        if (error is AggregateException aggregate)
            foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain)) yield return inner;
    }

    public void OnCompleted() { }

    public void OnError(Exception error) { }
}
