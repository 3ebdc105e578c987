using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;
using static LeaderJourney.IntegrationTests.Infrastructure.Waiting;

namespace LeaderJourney.IntegrationTests.Http;

/// <summary>An answer kept under an Idempotency-Key lasts a day: then the key is free again and the sweep deletes the answer.</summary>
public sealed class KeptAnswerTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>Midnight on the first of January: a schedule that does not fire while a test runs (the hourly one could).</summary>
    private const string NewYear = "0 0 1 1 *";

    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);
    private LeaderJourneyAppFactory _app = null!;
    private NpgsqlDataSource _db = null!;
    private HttpClient _admin = null!;
    private string _adminName = null!;

    public async Task InitializeAsync()
    {
        // A database per test: the sweep's schedule is one per database.
        var connectionString = await database.CreateDatabaseAsync();
        // The hourly sweep would read this test's clock, moved a day on, if the hour turned during the test: it runs when the test says.
        _app = new LeaderJourneyAppFactory(connectionString, _clock, settings: new Dictionary<string, string> { ["LeaderJourney:Idempotency:SweepCron"] = NewYear });
        _db = NpgsqlDataSource.Create(connectionString);
        await _app.EnsureAffiliateAsync("OH");
        _adminName = $"kept-{Guid.NewGuid():N}"[..20];
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(_adminName, ApiUsers.Password, Roles.AffiliateAdmin, "OH", null, creator: null);
        _admin = await _app.SignInAsync(_adminName);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A day and an hour later: the answers are expired, and the bearer token (8 hours) with them.</summary>
    private async Task ADayLater()
    {
        _clock.Advance(TimeSpan.FromHours(25));
        _admin = await _app.SignInAsync(_adminName);
    }

    private async Task<Guid> Enrol(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/leaders") { Content = JsonContent.Create(new { affiliate = "OH", displayName = "Ella Baker", email = $"{key}@example.org" }) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await _admin.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<long> Training(Guid leaderId, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{leaderId}/trainings")
        {
            Content = JsonContent.Create(new { title = "Organizing 101", themeCode = "GOV.2", level = 1, completedOn = "2026-11-02" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        var response = await _admin.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
    }

    private async Task<long> Scalar(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private Task<long> KeptAnswers() => Scalar("select count(*) from leaderjourney.idempotency_keys");

    private Task<long> SweepsScheduled() =>
        Scalar("select count(*) from leaderjourney.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%SweepKeptAnswers%'");

    [Fact]
    public async Task A_key_sent_again_within_a_day_gets_the_first_answer_and_a_day_later_records_a_new_write()
    {
        var leaderId = await Enrol("enrol-" + Guid.NewGuid());
        var key = "training-" + leaderId;
        var first = await Training(leaderId, key);
        (await Training(leaderId, key)).Should().Be(first, "within the day the first answer is returned");

        await ADayLater();
        var later = await Training(leaderId, key);
        later.Should().BeGreaterThan(first, "the answer expired: the same key is a new write");
        (await Training(leaderId, key)).Should().Be(later, "and that write's answer is kept in turn");

        var history = await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{leaderId}/history");
        history.EnumerateArray().Count(e => e.GetProperty("type").GetString() == "leader.training-completed").Should().Be(2);
        (await Scalar($"select count(*) from leaderjourney.idempotency_keys where stream_id = '{leaderId}'"))
            .Should().Be(2, "the enrolment's answer and the training's latest; the training's expired one was replaced");
    }

    [Fact]
    public async Task The_sweep_is_kept_scheduled_by_Wolverine_and_deletes_the_expired_answers_only()
    {
        // Wolverine's recurring-message agent keeps the next occurrence of the configured schedule in the durable inbox.
        await Until(async () => await SweepsScheduled() == 1, "the next sweep to be scheduled");
        (await Scalar("select to_char(execution_time at time zone 'UTC', 'MMDDHH24MI')::bigint from leaderjourney.wolverine_incoming_envelopes where message_type like '%SweepKeptAnswers%'"))
            .Should().Be(1010000, "it runs when the schedule says (here on New Year's Day at midnight)");

        await Enrol("old-1-" + Guid.NewGuid());
        await Enrol("old-2-" + Guid.NewGuid());
        await ADayLater();
        await Enrol("fresh-" + Guid.NewGuid());
        (await KeptAnswers()).Should().Be(3);

        await _app.Services.GetRequiredService<IMessageBus>().InvokeAsync(new SweepKeptAnswers());

        (await KeptAnswers()).Should().Be(1, "only the answer of the last day is left");
    }
}
