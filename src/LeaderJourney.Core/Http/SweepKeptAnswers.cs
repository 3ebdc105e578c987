using Microsoft.Extensions.Logging;
using Npgsql;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Http;

/// <summary>Deletes the answers kept under Idempotency-Keys that have expired, and the pages' form answers no one can read any more (<see cref="SweepKeptAnswersHandler"/>).</summary>
public sealed record SweepKeptAnswers;

/// <summary>
/// The answers kept under Idempotency-Keys are deleted once expired (<see cref="IdempotentAnswers.KeepFor"/>),
/// every hour on the hour, by a Wolverine recurring message (<see cref="Cron"/>, registered in
/// Hosting/Messaging.cs): one agent in the cluster keeps the next occurrence scheduled in the durable
/// inbox, so it runs once wherever it runs and survives restarts and a dead node. Expired answers are
/// never returned meanwhile (<see cref="IdempotentAnswers.FindAsync"/> reads only live ones); the sweep
/// only keeps the table to a day of writes.
/// </summary>
public static class SweepKeptAnswersHandler
{
    public const string Cron = "0 * * * *";

    /// <summary>Rows deleted per statement: a long backlog goes in short transactions that hold no writer up.</summary>
    private const int Batch = 10_000;

    public static async Task Handle(SweepKeptAnswers sweep, IdempotentAnswers answers, Store store, NpgsqlDataSource dataSource,
        ILogger<SweepKeptAnswers> logger, CancellationToken ct)
    {
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
        // The pages' answers kept for their redirect (Web/Pages/FormAnswers) that no cookie names any more
        // (five minutes; ten, by the database's clock): unreadable without the cookie's key, gone all the same.
        await using var pages = dataSource.CreateCommand($"delete from {store.Schema}.page_answers where kept_at < now() - interval '10 minutes'");
        await pages.ExecuteNonQueryAsync(ct);
    }
}
