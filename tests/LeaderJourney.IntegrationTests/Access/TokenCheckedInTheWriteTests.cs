using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using LeaderJourney.Core.Http;
using LeaderJourney.Storage;
using LeaderJourney.Web;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>
/// A command sent with a token this host has already found live skips the token's lookup and checks it in
/// its own write (Access/TokenChecks); a leader's record and progress check it in their read's batch. Each test ends the token as another host would (its row deleted, or
/// its user disabled, in the database), so that this host still holds the token as live, and checks that
/// nothing is written and nothing but a 401 is answered.
/// </summary>
public sealed class TokenCheckedInTheWriteTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string Affiliate = "TW";
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _admin = null!;
    private Guid _leader;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, Affiliate);
        var enrolled = await _admin.PostAsJsonAsync("/api/leaders", new { affiliate = Affiliate, displayName = "Tess Writer", email = "tess@example.org" });
        enrolled.StatusCode.Should().Be(HttpStatusCode.Created);
        _leader = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object Training(string title) => new { title, themeCode = "ADV.1", level = 1, completedOn = "2026-01-01" };

    private async Task<long> LeaderVersion() => (await _app.Services.GetRequiredService<Store>().FetchStreamInfoAsync(_leader))!.Version;

    private static string TokenOf(HttpClient client) => client.DefaultRequestHeaders.Authorization!.Parameter!;

    private bool HeldAsLive(HttpClient client) =>
        _app.Services.GetRequiredService<RecentTokens>().Find(AccessDirectory.TokenHash(TokenOf(client))) is not null;

    /// <summary>A new admin whose token has written once on this host, so the host holds it as live.</summary>
    private async Task<(HttpClient Client, Guid UserId)> AdminHeldAsLive()
    {
        var (client, id) = await _app.SignedInAsync(Roles.AffiliateAdmin, Affiliate);
        (await client.PostAsJsonAsync($"/api/leaders/{_leader}/trainings", Training($"First of {id}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        HeldAsLive(client).Should().BeTrue("a token found live is remembered");
        return (client, id);
    }

    private async Task EndElsewhere(HttpClient client) =>
        // What another host's sign-out does: this host's memory is not told.
        await _app.Services.GetRequiredService<AccessDirectory>().RevokeTokenAsync(TokenOf(client));

    private static async Task ShouldBeSignInFirst(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be(TokenChecks.SignInFirst);
    }

    [Fact]
    public async Task A_live_token_held_by_the_host_still_writes()
    {
        var (client, _) = await AdminHeldAsLive();
        var before = await LeaderVersion();

        var again = await client.PostAsJsonAsync($"/api/leaders/{_leader}/trainings", Training("Second"));

        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await LeaderVersion()).Should().Be(before + 1);
    }

    [Fact]
    public async Task A_command_on_a_token_ended_on_another_host_writes_nothing_and_answers_401()
    {
        var (client, _) = await AdminHeldAsLive();
        await EndElsewhere(client);
        var before = await LeaderVersion();

        await ShouldBeSignInFirst(await client.PostAsJsonAsync($"/api/leaders/{_leader}/trainings", Training("After the sign-out")));

        (await LeaderVersion()).Should().Be(before, "the token's check failed the write whole");
        HeldAsLive(client).Should().BeFalse("an ended token is forgotten");
        await ShouldBeSignInFirst(await client.PostAsJsonAsync($"/api/leaders/{_leader}/trainings", Training("Once more")));
    }

    [Fact]
    public async Task A_read_on_a_held_token_checks_it_in_the_reads_batch_and_answers_only_a_live_one()
    {
        var (record, reader) = await AdminHeldAsLive();
        var (progress, _) = await AdminHeldAsLive();
        foreach (var path in new[] { $"/api/leaders/{_leader}", $"/api/leaders/{_leader}/progress", $"/api/leaders/{_leader}/progress?asOf=2026-01-01" })
            (await record.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.OK, path);
        (await AuditEntries()).Should().Equal([reader, reader, reader], "each read leaves one entry");
        var (national, nationalAdmin) = await _app.SignedInAsync(Roles.NationalAdmin);
        (await national.GetAsync($"/api/leaders/{_leader}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await AuditEntries()).Should().Equal([reader, reader, reader, nationalAdmin], "a national admin sees every affiliate's leaders");
        // Another affiliate's leader: refused to a live token, whether looked up or held (the check passes, then the lookup).
        var (other, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "TX");
        (await other.GetAsync($"/api/leaders/{_leader}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        HeldAsLive(other).Should().BeTrue();
        (await other.GetAsync($"/api/leaders/{_leader}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/leaders/{_leader}/progress")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await AuditEntries()).Should().HaveCount(4, "a refused read leaves none");

        foreach (var client in new[] { record, progress, other }) await EndElsewhere(client);

        // Each first read after the end goes on the held token, and its batch's check fails it, with its entry.
        await ShouldBeSignInFirst(await record.GetAsync($"/api/leaders/{_leader}"));
        await ShouldBeSignInFirst(await progress.GetAsync($"/api/leaders/{_leader}/progress"));
        await ShouldBeSignInFirst(await other.GetAsync($"/api/leaders/{_leader}"));
        HeldAsLive(record).Should().BeFalse("an ended token is forgotten");
        HeldAsLive(progress).Should().BeFalse();
        HeldAsLive(other).Should().BeFalse();
        await ShouldBeSignInFirst(await record.GetAsync($"/api/leaders/{_leader}/progress"));
        (await AuditEntries()).Should().HaveCount(4, "an ended token's read leaves no entry");
    }

    // Who read the leader's record or progress, in order.
    private async Task<List<Guid>> AuditEntries()
    {
        var store = _app.Services.GetRequiredService<Store>();
        await using var command = store.DataSource.CreateCommand($"select user_id from {store.Schema}.sensitive_reads where leader_id = $1 order by id");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = _leader });
        var readers = new List<Guid>();
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync()) readers.Add(rows.GetGuid(0));
        return readers;
    }

    [Fact]
    public async Task Every_request_that_checks_its_token_in_its_write_or_read_answers_an_ended_token_401_and_writes_nothing()
    {
        var marked = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<TokenChecks.Marker>() is not null)
            .Select(e => (Method: e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Single(), Route: e.RoutePattern.RawText!))
            .ToList();
        marked.Should().Contain(("POST", "/api/leaders/{id}/sign-offs")).And.Contain(("POST", "/api/positions/{id}/nominations"))
            .And.Contain(("GET", "/api/leaders/{id}")).And.Contain(("GET", "/api/leaders/{id}/progress"));

        foreach (var (method, route) in marked)
        {
            var (client, _) = await AdminHeldAsLive();
            await EndElsewhere(client);
            var before = await LeaderVersion();
            var path = route.Replace("{id}", _leader.ToString()).Replace("{mentorUserId}", Guid.NewGuid().ToString()).Replace("{kind}", "pipeline");

            var answer = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : JsonContent.Create(new { }) });

            answer.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{method} {route}: {await answer.Content.ReadAsStringAsync()}");
            (await LeaderVersion()).Should().Be(before, $"{method} {route}");
        }
    }

    [Fact]
    public void Every_stream_commands_handler_queues_the_check_and_then_saves()
    {
        var generated = Path.Combine(CodeGeneration.RepositoryRoot() ?? throw new InvalidOperationException("The tests do not run inside the repository."), CodeGeneration.OutputDirectory);
        var commands = typeof(StreamCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(StreamCommand)) && !t.IsAbstract).ToList();
        commands.Should().Contain(typeof(Core.Leaders.SignOffs.SignOffCommand));

        foreach (var command in commands)
        {
            var code = File.ReadAllText(Directory.GetFiles(generated, $"{command.Name}Handler*.cs", SearchOption.AllDirectories).Should().ContainSingle(command.Name).Subject);
            var check = code.IndexOf("TokenChecks.InTheWrite.Before(", StringComparison.Ordinal);
            var save = code.IndexOf("SaveChangesAsync(", StringComparison.Ordinal);
            check.Should().BePositive(command.Name);
            save.Should().BeGreaterThan(check, command.Name);
            code[check..save].Should().NotContain("return", $"{command.Name}: nothing may end the handler between the check and the save");
        }
    }

    [Fact]
    public async Task The_writes_check_has_the_lookups_own_condition()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select pg_get_functiondef('{EventStoreOptions.DefaultSchema}.assert_token_live'::regproc)", connection);

        ((string)(await command.ExecuteScalarAsync())!).Should().Contain(AccessDirectory.LiveTokenCondition("p_now"),
            "a change to the lookup's condition needs a migration that makes the procedure again");
    }

    [Fact]
    public async Task A_command_of_a_user_disabled_on_another_host_writes_nothing()
    {
        var (client, id) = await AdminHeldAsLive();
        await using (var disable = new NpgsqlConnection(database.ConnectionString))
        {
            await disable.OpenAsync();
            await using var command = new NpgsqlCommand($"update {EventStoreOptions.DefaultSchema}.users set disabled_at = now() where id = $1", disable) { Parameters = { new() { Value = id } } };
            (await command.ExecuteNonQueryAsync()).Should().Be(1);
        }
        var before = await LeaderVersion();

        await ShouldBeSignInFirst(await client.PostAsJsonAsync($"/api/leaders/{_leader}/trainings", Training("While disabled")));

        (await LeaderVersion()).Should().Be(before);
    }

    [Fact]
    public async Task A_refusal_is_not_answered_to_an_ended_token()
    {
        var (client, _) = await AdminHeldAsLive();
        (await client.PostAsJsonAsync($"/api/leaders/{_leader}/sign-offs", new { themeCode = "ADV.1", level = 1 })).StatusCode
            .Should().Be(HttpStatusCode.Forbidden, "only a mentor signs off");
        (await client.PostAsJsonAsync($"/api/leaders/{Guid.NewGuid()}/trainings", Training("Nobody"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        HeldAsLive(client).Should().BeTrue();
        await EndElsewhere(client);

        await ShouldBeSignInFirst(await client.PostAsJsonAsync($"/api/leaders/{_leader}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        await ShouldBeSignInFirst(await client.PostAsJsonAsync($"/api/leaders/{Guid.NewGuid()}/trainings", Training("Nobody")));
    }

    [Fact]
    public async Task A_kept_answer_is_not_given_again_to_an_ended_token()
    {
        var (client, _) = await AdminHeldAsLive();
        HttpRequestMessage Keyed() => new(HttpMethod.Post, $"/api/leaders/{_leader}/trainings")
        {
            Content = JsonContent.Create(Training("Keyed")), Headers = { { "Idempotency-Key", "token-check-kept-answer" } },
        };
        (await client.SendAsync(Keyed())).StatusCode.Should().Be(HttpStatusCode.OK);
        var repeat = await client.SendAsync(Keyed());
        repeat.StatusCode.Should().Be(HttpStatusCode.OK, "the kept answer, while the token lives");
        await EndElsewhere(client);

        await ShouldBeSignInFirst(await client.SendAsync(Keyed()));
    }
}
