using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Web;

public static class HealthEndpoint
{
    public sealed record DatabaseHealth(bool Reachable, string? ServerVersion, string Schema, int SchemaVersion, long LastSequence, string? Error);
    /// <summary>What anyone may see of a projection: no error text (it names events and streams; `projections status` shows it).</summary>
    /// <param name="Node">Which host runs it, as an opaque label (<see cref="NodeLabel"/>): /health needs no sign-in, so it names no machine, process or address; `projections status` does.</param>
    public sealed record ProjectionHealth(string Name, string Mode, string State, long Position, long Lag, string? Node);
    /// <param name="Node">This host's own label, to match against the projections' and subscriptions'.</param>
    public sealed record HealthReport(string Status, DatabaseHealth Database, bool? DaemonRunning = null, IReadOnlyList<ProjectionHealth>? Projections = null,
        IReadOnlyList<ProjectionHealth>? Subscriptions = null, string? Node = null);

    /// <summary>The first 8 hex digits of a SHA-256 of a host's session name (<see cref="Database.ProcessName"/>), without the address.</summary>
    public static string NodeLabel(string sessionName) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sessionName.Split(" at ")[0])))[..8];

    private static string? LabelOf(string? runningOn) => runningOn is null ? null : NodeLabel(runningOn);

    /// <summary>What anyone may know: up or down.</summary>
    public sealed record HealthStatus(string Status);

    /// <summary>
    /// GET /health: 200 "healthy", or 503 "unhealthy" when the database is unusable or a projection or
    /// subscription has stopped on a failing event. That is all it says without sign-in; a national
    /// admin's token also gets the database, every projection's state, lag and host, and the reactions.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (HttpContext http, Store store, ProjectionRuntime projections, DatabaseSettings settings, ILogger<HealthStatus> logger, CancellationToken ct) =>
        {
            var detailed = http.User.Identity?.IsAuthenticated == true && BearerTokenHandler.CurrentUserOf(http.User).IsNationalAdmin;
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
                    daemon, statuses.Select(p => new ProjectionHealth(p.Name, p.Mode, p.State, p.Position, p.Lag, LabelOf(p.RunningOn))).ToArray(),
                    subscriptions.Select(s => new ProjectionHealth(s.Name, "subscription", s.State, s.Position, s.Lag, LabelOf(s.RunningOn))).ToArray(),
                    NodeLabel(Database.ProcessName));
                return detailed ? Results.Json(report, statusCode: healthy ? 200 : 503) : Results.Json(new HealthStatus(report.Status), statusCode: healthy ? 200 : 503);
            }
            catch (Exception e) when (e is NpgsqlException or EventStoreException or TimeoutException)
            {
                // The reason names the server, database and user: for the log, never for the page (nobody is signed in without the database).
                var reason = e is EventStoreException ? e.Message : Database.Describe(store.DataSource, e).Message;
                logger.LogWarning("Health: the database is not usable: {Reason}", reason);
                return Results.Json(new HealthStatus("unhealthy"), statusCode: 503);
            }
        }).WithName("Health").WithTags("Health")
            .WithDescription("Healthy or unhealthy; with a national admin's token also the database, each projection and subscription, and the hosts (HealthReport).")
            .Produces<HealthStatus>().Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable);

        // For an orchestrator: live restarts a host that stopped answering; ready sends it requests.
        app.MapGet("/health/live", () => Results.Json(new HealthStatus("alive"))).WithName("Liveness").WithTags("Health")
            .WithDescription("Alive whenever the host answers at all: nothing else is checked, so a database outage never restarts a host.")
            .Produces<HealthStatus>();
        app.MapGet("/health/ready", async (Store store, DatabaseSettings settings, ILogger<HealthStatus> logger, CancellationToken ct) =>
        {
            try
            {
                // Started means migrated: a host whose database was never set up is not ready.
                var ready = await SchemaMigrator.CurrentVersionAsync(store.DataSource, settings.Schema, "eventstore", ct) > 0;
                return Results.Json(new HealthStatus(ready ? "ready" : "not ready"), statusCode: ready ? 200 : 503);
            }
            catch (Exception e) when (e is NpgsqlException or EventStoreException or TimeoutException)
            {
                logger.LogWarning("Readiness: the database is not usable: {Reason}", e is EventStoreException ? e.Message : Database.Describe(store.DataSource, e).Message);
                return Results.Json(new HealthStatus("not ready"), statusCode: 503);
            }
        }).WithName("Readiness").WithTags("Health")
            .WithDescription("Ready when the database answers and is set up; not ready (503) otherwise. A stopped projection leaves a host ready (commands and most reads still work) but /health unhealthy.")
            .Produces<HealthStatus>().Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
