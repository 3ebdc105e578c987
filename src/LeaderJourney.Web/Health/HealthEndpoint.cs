using LeaderJourney.Core.Hosting;
using LeaderJourney.EventStore;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Web;

public static class HealthEndpoint
{
    public sealed record DatabaseHealth(bool Reachable, string? ServerVersion, string Schema, int SchemaVersion, long LastSequence, string? Error);
    public sealed record HealthReport(string Status, DatabaseHealth Database);

    /// <summary>GET /health: 200 when the database answers and the schema is in place, 503 with the reason otherwise.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (Store store, DatabaseSettings settings, CancellationToken ct) =>
        {
            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(ct);
                var schemaVersion = await SchemaMigrator.CurrentVersionAsync(store.DataSource, settings.Schema, "eventstore", ct);
                var lastSequence = await store.ReadLastSequenceAsync(ct);
                var healthy = schemaVersion > 0;
                var report = new HealthReport(healthy ? "healthy" : "unhealthy",
                    new DatabaseHealth(true, connection.PostgreSqlVersion.ToString(), settings.Schema, schemaVersion, lastSequence, healthy ? null : "the schema is not migrated"));
                return Results.Json(report, statusCode: healthy ? 200 : 503);
            }
            catch (Exception e) when (e is NpgsqlException or EventStoreException or TimeoutException)
            {
                var reason = e is EventStoreException ? e.Message : Database.Describe(store.DataSource, e).Message;
                return Results.Json(new HealthReport("unhealthy", new DatabaseHealth(false, null, settings.Schema, 0, 0, reason)), statusCode: 503);
            }
        }).WithName("Health");
        return app;
    }
}
