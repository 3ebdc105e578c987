using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LeaderJourney.Web.Telemetry;

/// <summary>
/// Metrics and traces through OpenTelemetry, each only when someone reads them. Metrics (HTTP requests by
/// route, the .NET runtime, Npgsql's connections and commands, Wolverine's messages, Marten's appends
/// and its daemon's progress) are served as Prometheus text at GET /metrics when <see cref="MetricsAccess"/>
/// is configured, and exported over OTLP with the traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (the exporter reads the rest of the standard <c>OTEL_*</c> settings itself).
/// </summary>
public static class TelemetrySetup
{
    public const string ServiceName = "leaderjourney";

    /// <summary>The meters read besides ASP.NET Core's and the runtime's (Wolverine names its own after the host: "Wolverine:LeaderJourney.Web").</summary>
    public static readonly string[] Meters = ["Npgsql", "Marten", "Wolverine*"];

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // Checked when the host starts (Hosting.RunLeaderJourneyAsync), which then ends with one line if they are wrong.
        services.AddSingleton(_ => MetricsAccess.From(configuration));
        var scraped = MetricsAccess.IsConfigured(configuration);
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!scraped && !otlp) return services;

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(ServiceName));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddMeter(Meters);
            if (scraped) metrics.AddPrometheusExporter();
            if (otlp) metrics.AddOtlpExporter();
        });
        if (otlp)
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource("Wolverine", "Marten", "Npgsql")
                .AddProcessor(new WithoutErrorText())
                .AddOtlpExporter());
        return services;
    }

    /// <summary>GET /metrics, for the token or the address ranges configured; not mapped when neither is.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        if (!MetricsAccess.IsConfigured(app.Configuration)) return app;
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: pipeline => pipeline.Use(async (context, next) =>
        {
            var access = context.RequestServices.GetRequiredService<MetricsAccess>();
            if (access.Allows(context.Connection.RemoteIpAddress, context.Request.Headers.Authorization))
            {
                await next(context);
                return;
            }
            if (access.TakesToken)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }
            else context.Response.StatusCode = StatusCodes.Status403Forbidden;
        }), optionsName: null);
        return app;
    }

    /// <summary>
    /// A failure's text may repeat what a person typed (a refused e-mail address, a taken user name in a
    /// database error), and traces leave the installation: a span keeps that it failed and the error's
    /// type, never its message, and no query string. A span that recorded an exception (whose event holds the message and stack)
    /// is not exported at all; the host's log says what failed, without personal data.
    /// </summary>
    public sealed class WithoutErrorText : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity activity)
        {
            // A search's words travel in the query string (the leaders list's ?q=): never exported.
            activity.SetTag("url.query", null);
            if (activity.StatusDescription is not null) activity.SetStatus(activity.Status);
            foreach (var recorded in activity.Events)
                if (recorded.Name == "exception")
                {
                    activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                    return;
                }
        }
    }
}
