using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Http;

/// <summary>Deletes the answers kept under Idempotency-Keys that have expired (<see cref="SweepKeptAnswersHandler"/>).</summary>
public sealed record SweepKeptAnswers;

/// <summary>
/// The answers kept under Idempotency-Keys are deleted once expired (<see cref="IdempotentAnswers.KeepFor"/>),
/// an hour apart, by a durable scheduled Wolverine message: it runs on one node, survives a restart and
/// is taken over when its node dies. Each web host sends one as it starts (<see cref="Start"/>); the one
/// row of <c>kept_answers_sweep</c> says when the next sweep is due, and a sweep that finds it not yet
/// due stops there, so restarts do not multiply the chain. A host that dies between claiming a sweep and
/// scheduling the next leaves no chain until a host starts again; expired answers are never returned
/// meanwhile (<see cref="IdempotentAnswers.FindAsync"/> reads only live ones), only kept longer.
/// </summary>
public static class SweepKeptAnswersHandler
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement: a long backlog goes in short transactions that hold no writer up.</summary>
    private const int Batch = 10_000;

    public static async Task Handle(SweepKeptAnswers sweep, IdempotentAnswers answers, Store store, NpgsqlDataSource dataSource, TimeProvider clock,
        IMessageContext messages, ILogger<SweepKeptAnswers> logger, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using (var claim = dataSource.CreateCommand($"update {store.Schema}.kept_answers_sweep set due_at = $1 where due_at <= $2"))
        {
            claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + Every });
            claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            if (await claim.ExecuteNonQueryAsync(ct) == 0) return;
        }

        var deleted = 0;
        int step;
        do
        {
            await using var delete = dataSource.CreateCommand($"""
                delete from {store.Schema}.idempotency_keys where ctid = any(array(
                    select ctid from {store.Schema}.idempotency_keys where created_at < $1 limit {Batch}))
                """);
            delete.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = answers.ExpiredBefore });
            step = await delete.ExecuteNonQueryAsync(ct);
            deleted += step;
        } while (step == Batch);
        if (deleted > 0) logger.LogInformation("Deleted {Count} answers kept under Idempotency-Keys for longer than {KeepFor}", deleted, answers.KeepFor);

        await messages.ScheduleAsync(new SweepKeptAnswers(), now + Every);
    }

    /// <summary>Sends a sweep as the web host starts, after Wolverine (which sends it) and the database's set-up.</summary>
    public sealed class Start(Hosting.DatabaseStartup startup, IMessageBus bus) : IHostedService
    {
        public async Task StartAsync(CancellationToken ct)
        {
            await startup.RunAsync(ct);
            await bus.PublishAsync(new SweepKeptAnswers());
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
