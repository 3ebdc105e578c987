using LeaderJourney.Core.Hosting;
using LeaderJourney.EventStore;
using LeaderJourney.EventStore.Projections;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Web;

public static class HealthEndpoint
{
    public sealed record DatabaseHealth(bool Reachable, string? ServerVersion, string Schema, int SchemaVersion, long LastSequence, string? Error);
    /// <summary>What anyone may see of a projection: no error text (it names events and streams; `projections status` shows it).</summary>
    /// <param name="RunningOn">Which host runs it (its database session's application name: machine and process id).</param>
    public sealed record ProjectionHealth(string Name, string Mode, string State, long Position, long Lag, string? RunningOn);
    public sealed record HealthReport(string Status, DatabaseHealth Database, bool? DaemonRunning = null, IReadOnlyList<ProjectionHealth>? Projections = null,
        IReadOnlyList<ProjectionHealth>? Subscriptions = null);

    /// <summary>GET /health: the database and every projection's state and lag; 503 when the database is unusable or a projection has stopped on a failing event.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (Store store, ProjectionRuntime projections, DatabaseSettings settings, CancellationToken ct) =>
        {
            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(ct);
                var schemaVersion = await SchemaMigrator.CurrentVersionAsync(store.DataSource, settings.Schema, "eventstore", ct);
                var lastSequence = await store.ReadLastSequenceAsync(ct);
                var daemon = await projections.IsDaemonRunningAsync(ct);
                var statuses = schemaVersion > 0 ? await projections.StatusAsync(daemon, ct) : [];
                var subscriptions = schemaVersion > 0 ? await projections.SubscriptionStatusAsync(Messaging.Subscriptions, ct) : [];
                // A parked event stops a projection or a subscription: that is unhealthy, not a detail.
                var healthy = schemaVersion > 0 && statuses.All(p => p.State != "failed") && subscriptions.All(s => s.State != "failed");
                var report = new HealthReport(healthy ? "healthy" : "unhealthy",
                    new DatabaseHealth(true, connection.PostgreSqlVersion.ToString(), settings.Schema, schemaVersion, lastSequence,
                        schemaVersion > 0 ? null : "the schema is not migrated"),
                    daemon, statuses.Select(p => new ProjectionHealth(p.Name, p.Mode, p.State, p.Position, p.Lag, p.RunningOn)).ToArray(),
                    subscriptions.Select(s => new ProjectionHealth(s.Name, "subscription", s.State, s.Position, s.Lag, s.RunningOn)).ToArray());
                return Results.Json(report, statusCode: healthy ? 200 : 503);
            }
            catch (Exception e) when (e is NpgsqlException or EventStoreException or TimeoutException)
            {
                var reason = e is EventStoreException ? e.Message : Database.Describe(store.DataSource, e).Message;
                return Results.Json(new HealthReport("unhealthy", new DatabaseHealth(false, null, settings.Schema, 0, 0, reason)), statusCode: 503);
            }
        }).WithName("Health").WithTags("Health");
        return app;
    }
}
