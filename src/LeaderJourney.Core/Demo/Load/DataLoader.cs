using System.Diagnostics;
using System.Threading.Channels;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Demo.Generate;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Storage.Projections;
using Npgsql;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Demo.Load;

/// <summary>Where a load stands: leaders, streams and events written so far.</summary>
public sealed record LoadProgress(int Leaders, int TotalLeaders, long Streams, long Events);

public sealed record LoadResult(int Affiliates, int Users, int Leaders, long Streams, long Events, TimeSpan Elapsed);

/// <summary>
/// Writes generated data into an empty database: the affiliates, the users, then every stream through
/// the store's bulk path (binary COPY, a few thousand streams per transaction) while the next batch is
/// being generated. The bulk path skips the inline projection, so afterwards the read models are brought
/// up to date by the projection runtime's own catch-up (<see cref="CatchUpReadModelsAsync"/>), as the
/// daemon would.
/// </summary>
public sealed class DataLoader(Store store, AccessDirectory directory, FrameworkCatalog catalog, FrameworkScopes scopes, NpgsqlDataSource dataSource)
{
    /// <summary>Streams per bulk append: large enough that a transaction's overhead does not count, small enough to keep memory flat.</summary>
    public const int StreamsPerBatch = 2000;

    public const string RefusedMessage = "The database already holds data; demo data is loaded only into an empty database.";

    /// <summary>"Now" for data generated at <paramref name="now"/>: the start of that day (UTC), so a run repeated the same day generates the same data.</summary>
    public static DateTimeOffset ReferenceDateFor(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary>Users or affiliates, or any stream besides the built-in framework catalog.</summary>
    public async Task<bool> HoldsDataAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select exists (select 1 from {store.Schema}.users) or exists (select 1 from {store.Schema}.affiliates)
                or exists (select 1 from {store.Schema}.mt_streams where type <> '{ImportFrameworkHandler.StreamType}')
            """);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A generator for the size, its leaders following the latest edition of the built-in NEA framework.</summary>
    public async Task<DataGenerator> PlanAsync(DataSize size, int? leaders, int seed, DateTimeOffset referenceDate, CancellationToken ct = default)
    {
        var name = BuiltInFrameworks.Entries[0].Name;
        var edition = (await catalog.ListAsync(ct)).Where(f => f.Name == name).OrderBy(f => f.PublishedAt).LastOrDefault()
            ?? throw new InvalidOperationException($"The framework catalog has no '{name}'; the host seeds it at start-up.");
        var framework = await scopes.FindAsync(edition.Id, ct) ?? throw new InvalidOperationException($"Framework edition {edition.Id} cannot be read.");
        return new DataGenerator(GeneratorSettings.For(size, leaders, seed, referenceDate, framework));
    }

    public async Task<LoadResult> LoadAsync(DataGenerator generator, IProgress<LoadProgress>? progress = null, CancellationToken ct = default)
    {
        if (await HoldsDataAsync(ct)) throw new DemoRefusedException(RefusedMessage);
        var watch = Stopwatch.StartNew();
        foreach (var affiliate in generator.Affiliates) await directory.CreateAffiliateAsync(affiliate.Code, affiliate.Name, ct);
        // The mentors' ids are in the leaders' events, so the users are written with the generator's ids.
        await directory.ImportUsersAsync(generator.Users.Select(u => new AccessDirectory.ImportedUser(u.Id, u.Username, u.Role, u.Affiliate, u.LeaderId, u.Email, u.Name)).ToList(),
            DataGenerator.Password, ct);

        // Generating (CPU here) and writing (mostly the server's work) overlap: the next batch is made while
        // one is being written, and at most two wait, so memory stays at a few batches whatever the size.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var batches = Channel.CreateBounded<GeneratedBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in generator.Batches(StreamsPerBatch)) await batches.Writer.WriteAsync(batch, stop.Token);
                batches.Writer.Complete();
            }
            catch (Exception e)
            {
                batches.Writer.Complete(e);
            }
        });

        var total = generator.Settings.Leaders;
        var (leaders, streams, events) = (0, 0L, 0L);
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token))
            {
                events += await store.BulkAppendAsync(batch.Streams, stop.Token);
                (leaders, streams) = (leaders + batch.Leaders, streams + batch.Streams.Count);
                progress?.Report(new LoadProgress(leaders, total, streams, events));
            }
        }
        finally
        {
            // A failed write stops the generator too; its own failure, if any, surfaced through the channel.
            await stop.CancelAsync();
            await producer;
        }
        return new LoadResult(generator.Affiliates.Count, generator.Users.Count, leaders, streams, events, watch.Elapsed);
    }

    /// <summary>
    /// Applies everything written so far to every read model (Marten's daemon in this process; one running
    /// elsewhere only shares the work), reporting the lowest position against the head. Returns the read
    /// models still not up to date afterwards (one stopped on a failing event, say), none when all are.
    /// </summary>
    public static async Task<IReadOnlyList<ProjectionStatus>> CatchUpReadModelsAsync(ProjectionRuntime runtime,
        IProgress<(long Position, long Head)>? progress = null, CancellationToken ct = default)
    {
        await runtime.CatchUpAsync(progress, ct);
        return (await runtime.StatusAsync(daemonRunning: false, ct)).Where(s => s.State == "failed" || s.Lag > 0).ToList();
    }
}
