using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Web.Telemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LeaderJourney.IntegrationTests.Hosting;

/// <summary>Liveness and readiness for an orchestrator; metrics for a configured scraper only; traces without what a person typed.</summary>
[Collection(AloneInTheProcess.Name)]
public sealed class TelemetryTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string Token = "metrics-token-0123456789";

    [Fact]
    public async Task Live_and_ready_answer_anyone_and_say_nothing_more()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var anonymous = app.CreateClient();

        var live = await anonymous.GetAsync("/health/live");
        live.StatusCode.Should().Be(HttpStatusCode.OK);
        (await live.Content.ReadAsStringAsync()).Should().Be("""{"status":"alive"}""");
        var ready = await anonymous.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).Should().Be("""{"status":"ready"}""");
    }

    [Fact]
    public async Task Without_its_database_a_host_is_alive_but_not_ready()
    {
        var db = await database.CreateDatabaseAsync();
        var name = new Npgsql.NpgsqlConnectionStringBuilder(db).Database!;
        await using var app = new LeaderJourneyAppFactory(db);
        var anonymous = app.CreateClient();
        (await anonymous.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        await using var server = Npgsql.NpgsqlDataSource.Create(database.ConnectionString);
        await server.CreateCommand($"alter database \"{name}\" with allow_connections false").ExecuteNonQueryAsync();
        await server.CreateCommand($"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}'").ExecuteNonQueryAsync();
        try
        {
            var ready = await anonymous.GetAsync("/health/ready");
            ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await ready.Content.ReadAsStringAsync()).Should().Be("""{"status":"not ready"}""", "it names no server, database or user");
            (await anonymous.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK, "a database outage is no reason to restart the host");
        }
        finally
        {
            await server.CreateCommand($"alter database \"{name}\" with allow_connections true").ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Metrics_are_not_served_when_no_token_or_address_range_is_configured()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var response = await app.CreateClient().GetAsync("/metrics");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Metrics_answer_the_configured_token_in_Prometheus_text_without_personal_data()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string> { ["LeaderJourney:Metrics:Token"] = Token });
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Secretname Metrics", email = "secretname@example.org" }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await admin.GetAsync("/api/reports/pipeline?affiliate=OH&q=Secretname")).StatusCode.Should().Be(HttpStatusCode.OK);

        var scraper = app.CreateClient();
        var asked = await scraper.GetAsync("/metrics");
        asked.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "no token");
        asked.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
        scraper.DefaultRequestHeaders.Authorization = new("Bearer", Token + "x");
        (await scraper.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a wrong token");
        scraper.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        var metrics = await scraper.GetAsync("/metrics");
        metrics.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await metrics.Content.ReadAsStringAsync();
        // Marten's series appear once its daemon has run a batch of the read model, which on a busy
        // machine can come after the first scrape.
        await Waiting.Until(async () => (text = await scraper.GetStringAsync("/metrics")).Contains("marten_mentor_queue"), "the daemon's first batch of the mentor queue");
        text.Should().Contain("http_server_request_duration_seconds_bucket{").And.Contain("http_route=\"/api/leaders/\"", "requests are counted by route");
        text.Should().Contain("dotnet_gc_").And.Contain("db_client_connection_count{").And.Contain("wolverine_execution_time")
            .And.Contain("marten_mentor_queue", "the runtime's, Npgsql's, Wolverine's and Marten's meters are read (the daemon's progress by projection)");
        // Npgsql's meter is the process's: the test's own pools (named by their connection string) show too.
        var databaseName = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        var ours = text.Split('\n').Where(line => line.Contains(databaseName)).ToList();
        ours.Should().Contain(line => line.Contains($"db_client_connection_pool_name=\"{databaseName}\""));
        ours.Should().NotContain(line => line.Contains("Host=") || line.Contains(Environment.MachineName), "the host's pool is labelled by its database only");
        text.Should().NotContain("Secretname").And.NotContain("secretname@", "a route is a template; no name, search or address is a label");
    }

    [Fact]
    public async Task Metrics_answer_a_caller_in_a_configured_address_range()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string> { ["LeaderJourney:Metrics:Networks"] = "203.0.113.0/24, 2001:db8::1" });
        async Task<HttpStatusCode> From(string address)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Add("X-Forwarded-For", address);
            return (await app.CreateClient().SendAsync(request)).StatusCode;
        }

        (await From("203.0.113.7")).Should().Be(HttpStatusCode.OK);
        (await From("2001:db8::1")).Should().Be(HttpStatusCode.OK, "a single address is a range of one");
        (await From("198.51.100.7")).Should().Be(HttpStatusCode.Forbidden);
        (await From("2001:db8::2")).Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Behind_a_proxy_the_range_is_checked_against_the_caller_it_forwards_not_the_proxy()
    {
        // The host trusts the proxy on loopback; a range that holds the proxy's own address does not let its callers in.
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string> { ["LeaderJourney:Metrics:Networks"] = "127.0.0.1" });
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("X-Forwarded-For", "198.51.100.7");
        (await app.CreateClient().SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.CreateClient().GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.OK, "the proxy's host itself, forwarding no one");
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_metrics_and_traces_are_exported_without_what_a_person_typed()
    {
        // A collector of our own: it keeps every body the host posts over OTLP/HTTP (protobuf).
        var port = FreePort.Next();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, List<byte[]>>();
        var collecting = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try { context = await collector.GetContextAsync(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var bodies = received.GetOrAdd(context.Request.Url!.AbsolutePath, _ => []);
                lock (bodies) bodies.Add(body.ToArray());
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using (var app = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string>
                     {
                         ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
                         ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                         ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
                         ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                     }))
        {
            var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
            (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Secretname Traced", email = "secretname@example.org" }))
                .StatusCode.Should().Be(HttpStatusCode.Created);
            (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Secretname Refused", email = "Secret-email-typed" }))
                .StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await admin.GetAsync("/api/reports/pipeline?affiliate=OH&q=Secretsearch")).StatusCode.Should().Be(HttpStatusCode.OK);
            // Metrics are exported every half second: wait for an export made after the requests.
            bool Holds(string path, string text)
            {
                if (!received.TryGetValue(path, out var bodies)) return false;
                lock (bodies) return bodies.Any(b => System.Text.Encoding.UTF8.GetString(b).Contains(text));
            }
            await Waiting.Until(() => Task.FromResult(Holds("/v1/traces", "/api/leaders/") && Holds("/v1/metrics", "http.server.request.duration")), "traces and metrics at the collector");
        }
        collector.Stop();
        await collecting;

        var everything = string.Join("\n", received.Values.SelectMany(bodies => bodies).Select(System.Text.Encoding.UTF8.GetString));
        everything.Should().Contain("/api/leaders/").And.Contain("http.server.request.duration");
        everything.Should().NotContain("Secretname").And.NotContain("secretname@").And.NotContain("Secret-email-typed").And.NotContain("Secretsearch",
            "no name, address, refusal text or search leaves the installation");
    }

    [Theory]
    [InlineData("LeaderJourney:Metrics:Networks", "10.0.0.0/33", "is not an address range")]
    [InlineData("LeaderJourney:Metrics:Networks", "intranet", "is not an address range")]
    [InlineData("LeaderJourney:Metrics:Token", "short", "at least 16 characters")]
    public void A_bad_metrics_setting_is_refused_saying_what_is_wrong(string key, string value, string says)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        var refused = () => MetricsAccess.From(configuration);
        refused.Should().Throw<LeaderJourney.Core.Hosting.SettingException>().WithMessage($"*{says}*");
    }

    [Fact]
    public void A_trace_keeps_that_a_span_failed_but_no_error_text_or_query_string_and_drops_a_span_with_an_exception()
    {
        using var source = new ActivitySource("LeaderJourney.TelemetryTests");
        var exported = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddProcessor(new TelemetrySetup.WithoutErrorText()).AddInMemoryExporter(exported).Build())
        {
            using (var failed = source.StartActivity("refused")!)
            {
                failed.SetTag("url.query", "q=Rosa");
                failed.SetTag("error.type", "DomainRuleException");
                failed.SetStatus(ActivityStatusCode.Error, "The e-mail address rosa@example is not valid.");
            }
            using (var thrown = source.StartActivity("thrown")!)
                thrown.AddException(new InvalidOperationException("duplicate key (username)=(rosa.parks)"));
        }

        var span = exported.Should().ContainSingle("the span that recorded an exception is not exported").Subject;
        span.DisplayName.Should().Be("refused");
        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().BeNull();
        span.GetTagItem("url.query").Should().BeNull();
        span.GetTagItem("error.type").Should().Be("DomainRuleException");
    }
}

/// <summary>
/// Runs its tests after every other class, with no other host alive beside them. OpenTelemetry's meter
/// provider listens to every meter of a name in the process, and when another test's host is disposed its
/// "Microsoft.AspNetCore.Hosting" meter goes, and the provider drops the HTTP series of the host under test
/// with it (open-telemetry/opentelemetry-dotnet#6412): a clean-clone CI run saw /metrics without
/// <c>http_server_request_duration_seconds</c>. A deployed host is alone in its process.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneInTheProcess
{
    public const string Name = "Alone in the process";
}
