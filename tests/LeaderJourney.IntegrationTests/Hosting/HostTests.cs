using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Hosting;

public sealed class HostTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Two_hosts_starting_at_once_on_an_empty_database_both_come_up()
    {
        var empty = await database.CreateDatabaseAsync();
        await using var first = new LeaderJourneyAppFactory(empty);
        await using var second = new LeaderJourneyAppFactory(empty);

        await Task.WhenAll(Task.Run(first.CreateClient), Task.Run(second.CreateClient));

        foreach (var app in new[] { first, second })
        {
            var (client, _) = await app.SignedInAsync(Core.Access.Roles.NationalAdmin);
            var response = await client.GetAsync("/health");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var health = await response.Content.ReadFromJsonAsync<JsonElement>();
            health.GetProperty("status").GetString().Should().Be("healthy");
            health.GetProperty("database").GetProperty("schemaVersion").GetInt32().Should().Be(4);
            health.GetProperty("database").GetProperty("reachable").GetBoolean().Should().BeTrue();
        }
    }

    [Fact]
    public async Task Twenty_repeats_of_one_Idempotency_Key_spread_over_two_hosts_append_one_event_and_answer_alike()
    {
        var db = await database.CreateDatabaseAsync();
        await using var first = new LeaderJourneyAppFactory(db);
        await using var second = new LeaderJourneyAppFactory(db);
        await first.EnsureAffiliateAsync("OH");
        await first.Services.GetRequiredService<Core.Access.AccessDirectory>().CreateUserAsync("two-hosts-admin", ApiUsers.Password, Core.Access.Roles.AffiliateAdmin, "OH", null, creator: null);
        // The same user, signed in on each host.
        var clients = new[] { await first.SignInAsync("two-hosts-admin"), await second.SignInAsync("two-hosts-admin") };
        var admin = clients[0];
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Mary Bethune", email = "mary@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/trainings")
            {
                Content = JsonContent.Create(new { title = "Once, on either host", themeCode = "GOV.1", level = 1, completedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") }),
            };
            request.Headers.Add("Idempotency-Key", "two-hosts-" + id);
            return clients[i % 2].SendAsync(request);
        }));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var versions = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64()));
        versions.Distinct().Should().ContainSingle("every repeat answers what the first answered");
        var history = await clients[1].GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/history");
        history.EnumerateArray().Count(e => e.GetProperty("type").GetString() == "leader.training-completed").Should().Be(1);
    }

    [Fact]
    public async Task Health_tells_a_national_admin_which_host_runs_each_shard_by_a_label_and_anyone_else_only_up_or_down()
    {
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync());
        var anonymous = app.CreateClient();
        var (client, _) = await app.SignedInAsync(Core.Access.Roles.NationalAdmin);
        JsonElement health = default;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            health = await client.GetFromJsonAsync<JsonElement>("/health");
            var shards = health.GetProperty("projections").EnumerateArray().Where(p => p.GetProperty("mode").GetString() == "async")
                .Concat(health.GetProperty("subscriptions").EnumerateArray()).ToList();
            if (shards.All(p => p.GetProperty("node").GetString() == health.GetProperty("node").GetString())) break;
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the only host takes every shard");
            await Task.Delay(100);
        }
        health.GetProperty("node").GetString().Should().MatchRegex("^[0-9a-f]{8}$");
        health.GetRawText().Should().NotContain(Environment.MachineName).And.NotContain(" pid ").And.NotContain("127.0.0.1", "it names no machine, process or address");
        (await anonymous.GetStringAsync("/health")).Should().Be("""{"status":"healthy"}""", "without sign-in /health says up or down and nothing else");
    }

    [Fact]
    public async Task The_web_host_prints_its_url_and_answers_health_there()
    {
        var url = new Regex(@"running at (http://127\.0\.0\.1:\d+)");
        await using var host = ProcessRunner.Start("LeaderJourney.Web.dll", ["--urls", "http://127.0.0.1:0"],
            TestMasterKey.Settings(database.ConnectionString), line => url.IsMatch(line));

        var line = await host.WaitForLineAsync(TimeSpan.FromSeconds(60));

        using var http = new HttpClient { BaseAddress = new Uri(url.Match(line).Groups[1].Value) };
        var response = await http.GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("healthy");
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=3", "leaderjourney: PostgreSQL at 127.0.0.1:1")]
    [InlineData("not a connection string", "leaderjourney: The database connection string is not valid")]
    [InlineData("", "leaderjourney: No database is configured")]
    public Task The_web_host_refuses_to_start_on_a_bad_database_with_one_line(string connectionString, string expected) =>
        RefusesToStartWithOneLine(new() { ["LEADERJOURNEY_DB"] = connectionString, ["ConnectionStrings__LeaderJourney"] = null }, expected);
    [Theory]
    [InlineData("LEADERJOURNEY_SMTP", "ftp://mail.example.org", "leaderjourney: LEADERJOURNEY_SMTP must be smtp://")]
    [InlineData("LeaderJourney__Metrics__Token", "short", "leaderjourney: LeaderJourney:Metrics:Token must be at least 16 characters")]
    [InlineData("LeaderJourney__Idempotency__KeepFor", "00:00:00", "leaderjourney: LeaderJourney:Idempotency:KeepFor must be a positive time span")]
    [InlineData("LeaderJourney__Idempotency__SweepCron", "bogus", "leaderjourney: LeaderJourney:Idempotency:SweepCron: 'bogus' is not a valid cron expression")]
    public Task The_web_host_refuses_to_start_on_a_setting_it_cannot_use_with_one_line(string setting, string value, string expected) =>
        RefusesToStartWithOneLine(new() { ["LEADERJOURNEY_DB"] = database.ConnectionString, [setting] = value }, expected);

    private static async Task RefusesToStartWithOneLine(Dictionary<string, string?> environment, string expected)
    {
        await using var host = ProcessRunner.Start("LeaderJourney.Web.dll", ["--urls", "http://127.0.0.1:0"], environment);

        var code = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        code.Should().Be(1);
        host.Error.TrimEnd().Split('\n').Should().ContainSingle().Which.Should().StartWith(expected);
        (host.Output + host.Error).Should().NotContain("   at ", "a person gets the reason, not a stack trace");
    }
}
