using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Access;

public sealed class SignInTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString, _clock);
        _app.CreateClient().Dispose(); // starts the host: schema and built-ins in place
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private AccessDirectory Directory => _app.Services.GetRequiredService<AccessDirectory>();

    [Fact]
    public async Task A_token_is_issued_for_the_right_password_stored_only_as_a_hash_and_expires()
    {
        await _app.EnsureAffiliateAsync("OH");
        await Directory.CreateUserAsync("mentor.one", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null);
        var http = _app.CreateClient();

        var response = await http.PostAsJsonAsync("/api/auth/token", new { username = "Mentor.One", password = ApiUsers.Password });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        body.GetProperty("expiresAt").GetDateTimeOffset().Should().Be(_clock.GetUtcNow() + AccessDirectory.TokenLifetime);

        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var command = dataSource.CreateCommand("select count(*) from leaderjourney.access_tokens where encode(token_hash, 'escape') like '%' || $1 || '%'"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = token });
            ((long)(await command.ExecuteScalarAsync())!).Should().Be(0, "only a hash of the token is stored");
        }
        await using (var command = dataSource.CreateCommand("select password_hash from leaderjourney.users where username = 'mentor.one'"))
            ((string)(await command.ExecuteScalarAsync())!).Should().NotContain(ApiUsers.Password);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await http.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.OK);

        _clock.Advance(AccessDirectory.TokenLifetime - TimeSpan.FromMinutes(1));
        (await http.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.OK);
        _clock.Advance(TimeSpan.FromMinutes(2));
        (await http.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the token has expired");
    }

    [Fact]
    public async Task A_wrong_password_or_unknown_user_is_401_with_the_same_message_and_repeated_failures_lock_out()
    {
        await _app.EnsureAffiliateAsync("OH");
        await Directory.CreateUserAsync("board.member", ApiUsers.Password, Roles.Board, "OH", null, creator: null);
        var http = _app.CreateClient();

        var unknown = await http.PostAsJsonAsync("/api/auth/token", new { username = "nobody-here", password = "whatever-it-is" });
        unknown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await http.PostAsJsonAsync("/api/auth/token", new { username = "nul\u0000name", password = "whatever-it-is" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var unknownTitle = (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString();

        for (var i = 0; i < AccessDirectory.MaxFailedSignIns; i++)
        {
            var wrong = await http.PostAsJsonAsync("/api/auth/token", new { username = "board.member", password = "wrong password!" });
            wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be(unknownTitle);
        }

        var locked = await http.PostAsJsonAsync("/api/auth/token", new { username = "board.member", password = ApiUsers.Password });
        locked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Sixty_wrong_passwords_sent_at_once_get_no_more_checks_than_the_lock_out_allows()
    {
        await _app.EnsureAffiliateAsync("OH");
        await Directory.CreateUserAsync("parallel.target", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null);
        var http = _app.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            http.PostAsJsonAsync("/api/auth/token", new { username = "parallel.target", password = $"wrong password {i}" })));

        answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized).Should().Be(AccessDirectory.MaxFailedSignIns, "only that many guesses are checked");
        answers.Should().OnlyContain(a => a.StatusCode == HttpStatusCode.Unauthorized || a.StatusCode == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Only_national_admins_create_affiliates_and_affiliate_admins_create_users_only_in_their_affiliate()
    {
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);
        (await national.PostAsJsonAsync("/api/affiliates", new { code = "MI", name = "Michigan" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await national.PostAsJsonAsync("/api/affiliates", new { code = "MI", name = "Michigan again" })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        await _app.EnsureAffiliateAsync("WI");

        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "MI");
        (await admin.PostAsJsonAsync("/api/affiliates", new { code = "XX", name = "Nope" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var created = await admin.PostAsJsonAsync("/api/users", new { username = "mi.mentor", password = ApiUsers.Password, role = "mentor", affiliate = "MI" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid().Should().NotBeEmpty();
        (await admin.PostAsJsonAsync("/api/users", new { username = "wi.mentor", password = ApiUsers.Password, role = "mentor", affiliate = "WI" }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await admin.PostAsJsonAsync("/api/users", new { username = "sneaky", password = ApiUsers.Password, role = "national-admin" }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var (mentor, _) = await _app.SignedInAsync(Roles.Mentor, "MI");
        (await mentor.PostAsJsonAsync("/api/users", new { username = "m2", password = ApiUsers.Password, role = "mentor", affiliate = "MI" }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("ab", "long enough pass", "mentor", "MI", "username")]
    [InlineData("valid.name", "short", "mentor", "MI", "password")]
    [InlineData("valid.name", "long enough pass", "wizard", "MI", "role")]
    [InlineData("valid.name", "long enough pass", "mentor", null, "affiliate")]
    [InlineData("valid.name", "long enough pass", "mentor", "NOPE", "affiliate")]
    [InlineData("valid.name", "long enough pass", "leader", "MI", "leaderId")]
    public async Task Bad_user_fields_are_400_naming_the_field(string username, string password, string role, string? affiliate, string field)
    {
        await _app.EnsureAffiliateAsync("MI");
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);

        var response = await national.PostAsJsonAsync("/api/users", new { username, password, role, affiliate });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }
}
