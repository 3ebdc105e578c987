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
    public async Task A_form_sent_after_the_session_ended_lands_on_sign_in_saying_it_was_not_recorded()
    {
        await _app.EnsureAffiliateAsync("OH");
        await Directory.CreateUserAsync("lapsed.mentor", ApiUsers.Password, Roles.Mentor, "OH", null, null);
        var mentor = new LeaderJourney.IntegrationTests.Pages.PageClient(_app);
        await mentor.SignInAsync("lapsed.mentor");
        var queue = await mentor.GetAsync("/mentor/queue");
        var token = System.Text.RegularExpressions.Regex.Match(queue, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        _clock.Advance(AccessDirectory.TokenLifetime + TimeSpan.FromMinutes(1));

        // A decline typed on a phone and sent after the sign-in ran out, from the site's own page (as a browser says).
        HttpRequestMessage Decline(string reason, string site) => new(HttpMethod.Post, "/mentor/queue?handler=decline")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["leaderId"] = Guid.NewGuid().ToString(), ["themeCode"] = "ADV.1", ["level"] = "1", ["reason"] = reason,
            }),
            Headers = { { "Sec-Fetch-Site", site } },
        };
        // Another site's form posted here keeps nothing in the visitor's cookies.
        var foreign = await mentor.Http.SendAsync(Decline("Words another site chose", "cross-site"));
        foreign.StatusCode.Should().Be(HttpStatusCode.Redirect);
        foreign.Headers.TryGetValues("Set-Cookie", out var foreignCookies).Should().BeFalse(string.Join("; ", foreignCookies ?? []));
        var sent = await mentor.Http.SendAsync(Decline("Please add the call sheet", "same-origin"));
        sent.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var signIn = sent.Headers.Location!.OriginalString;
        signIn.Should().Contain("/account/sign-in").And.Contain("unsent=true");
        var signInPage = await mentor.GetAsync(signIn);
        signInPage.Should().Contain("Your sign-in had ended, so what you sent last was not recorded. Sign in, then send it again.")
            .And.Contain("<textarea id=\"unsent-text\" readonly>Please add the call sheet</textarea>", "what was typed is handed back, to paste")
            .And.NotContain("lapsed.mentor</textarea>").And.NotContain(">ADV.1</textarea>");
        // Kept only in the browser, sealed: the cookie that carries it does not carry the words.
        sent.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith(".AspNetCore.Mvc.CookieTempDataProvider=", StringComparison.Ordinal))
            .And.NotContain(c => c.Contains("call", StringComparison.OrdinalIgnoreCase));
        // A page asked for, not a form sent, lost nothing: nothing of the kind is said.
        (await mentor.Http.GetAsync("/mentor/queue")).Headers.Location!.OriginalString.Should().Contain("/account/sign-in").And.NotContain("unsent");
        // A sign-in deletes it: the browser's cookie does not say who typed it, so nobody is shown it past the sign-in page.
        _clock.Advance(TimeSpan.FromMinutes(1));
        await mentor.SignInAsync("lapsed.mentor");
        (await mentor.GetAsync("/mentor/queue")).Should().NotContain("Please add the call sheet");
        (await mentor.GetAsync("/account/sign-in?unsent=true")).Should().NotContain("Please add the call sheet");
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

    private static HttpRequestMessage TokenRequest(string username, string password, string from)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { username, password }) };
        request.Headers.Add("X-Forwarded-For", from); // as the proxy in front of the host says
        return request;
    }

    [Fact]
    public async Task A_name_that_does_not_exist_is_locked_out_exactly_like_one_that_does_so_lock_outs_tell_no_names()
    {
        await _app.EnsureAffiliateAsync("OH");
        await Directory.CreateUserAsync("real.person", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null);
        var http = _app.CreateClient();

        async Task<List<(HttpStatusCode, string?)>> Guess(string name) =>
            [.. await Task.WhenAll(Enumerable.Range(0, AccessDirectory.MaxFailedSignIns + 2).Select(async i =>
            {
                await Task.Yield();
                return i;
            }).Select(async i =>
            {
                var answer = await http.SendAsync(TokenRequest(name, $"guess number {await i}", "198.51.100.7"));
                return (answer.StatusCode, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()?.Split(':')[0]);
            }))];

        var known = await Guess("real.person");
        var unknown = await Guess("no.such.person");

        known.Select(a => a.Item1).Should().BeEquivalentTo(unknown.Select(a => a.Item1));
        known.Select(a => a.Item2).Distinct().Should().BeEquivalentTo(unknown.Select(a => a.Item2).Distinct());
        unknown.Count(a => a.Item1 == HttpStatusCode.TooManyRequests).Should().Be(2);
    }

    [Fact]
    public async Task Wrong_passwords_from_one_address_do_not_shut_the_owner_out_from_their_own()
    {
        await _app.EnsureAffiliateAsync("OH");
        await Directory.CreateUserAsync("targeted.owner", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null);
        var http = _app.CreateClient();
        for (var i = 0; i < AccessDirectory.MaxFailedSignIns; i++)
            (await http.SendAsync(TokenRequest("targeted.owner", "someone guessing", "203.0.113.66"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await http.SendAsync(TokenRequest("targeted.owner", ApiUsers.Password, "203.0.113.66"))).StatusCode
            .Should().Be(HttpStatusCode.TooManyRequests, "the guessing address is locked out, even with the right password");

        (await http.SendAsync(TokenRequest("targeted.owner", ApiUsers.Password, "192.0.2.10"))).StatusCode
            .Should().Be(HttpStatusCode.OK, "the owner, from their own address, is not");

        _clock.Advance(AccessDirectory.LockOut + TimeSpan.FromSeconds(1));
        (await http.SendAsync(TokenRequest("targeted.owner", ApiUsers.Password, "203.0.113.66"))).StatusCode
            .Should().Be(HttpStatusCode.OK, "a lock-out ends");
    }

    [Fact]
    public async Task The_rate_limiter_slows_one_address_trying_many_names_and_many_addresses_trying_one_name()
    {
        await using var limited = new LeaderJourneyAppFactory(database.ConnectionString, _clock, settings: new Dictionary<string, string>
        {
            [SignInLimits.PerAddressSetting] = "3",
            [SignInLimits.PerAccountSetting] = "4",
        });
        var http = limited.CreateClient();

        var fromOne = new List<HttpStatusCode>();
        foreach (var name in new[] { "name.one", "name.two", "name.three", "name.four" })
            fromOne.Add((await http.SendAsync(TokenRequest(name, "a guess at it", "198.51.100.20"))).StatusCode);
        fromOne.Should().Equal(HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests);
        var refused = await http.SendAsync(TokenRequest("name.five", "a guess at it", "198.51.100.20"));
        refused.Headers.RetryAfter.Should().NotBeNull();

        var fromMany = new List<HttpStatusCode>();
        foreach (var address in new[] { "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5" })
            fromMany.Add((await http.SendAsync(TokenRequest("spread.target", "a guess at it", address))).StatusCode);
        fromMany.Should().Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 4).Append(HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_room_signing_in_together_from_one_address_is_not_refused_only_wrong_passwords_count_and_the_page_says_so_in_html()
    {
        await using var limited = new LeaderJourneyAppFactory(database.ConnectionString, _clock, settings: new Dictionary<string, string>
        {
            [SignInLimits.PerAddressSetting] = "3",
        });
        var directory = limited.Services.GetRequiredService<AccessDirectory>();
        var room = Enumerable.Range(1, 8).Select(i => $"room.member{i}").ToList();
        foreach (var name in room)
            await directory.CreateUserAsync(name, ApiUsers.Password, Roles.Mentor, await Affiliate(limited), null, null);
        var http = limited.CreateClient();
        const string workshop = "198.51.100.30";

        for (var i = 0; i < 10; i++)
        {
            var page = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
            page.Headers.Add("X-Forwarded-For", workshop);
            (await http.SendAsync(page)).StatusCode.Should().Be(HttpStatusCode.OK, "opening the page tries no password");
        }
        foreach (var name in room)
            (await http.SendAsync(TokenRequest(name, ApiUsers.Password, workshop))).StatusCode.Should().Be(HttpStatusCode.OK, $"{name} signs in beside the others");

        for (var i = 0; i < 3; i++)
            (await http.SendAsync(TokenRequest(room[i], "a typo", workshop))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var refused = await http.SendAsync(TokenRequest(room[3], ApiUsers.Password, workshop));
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "three wrong passwords spent the address's minute");
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);

        var person = new Pages.PageClient(limited);
        person.Http.DefaultRequestHeaders.Add("X-Forwarded-For", workshop);
        var answer = await person.PostAsync("/account/sign-in", "/account/sign-in", new() { ["username"] = room[4], ["password"] = ApiUsers.Password });
        answer.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        answer.Content.Headers.ContentType!.MediaType.Should().Be("text/html", "a person at the page is told on the page");
        answer.Headers.RetryAfter.Should().NotBeNull();
        (await answer.Content.ReadAsStringAsync()).Should().Contain("Too many wrong sign-in tries from this address; wait a minute and try again.");

        (await http.SendAsync(TokenRequest(room[5], ApiUsers.Password, "198.51.100.31"))).StatusCode.Should().Be(HttpStatusCode.OK, "another address is not held back");
    }

    [Fact]
    public async Task Wrong_passwords_sent_together_from_one_address_pass_its_limit_by_a_few_at_most()
    {
        await using var limited = new LeaderJourneyAppFactory(database.ConnectionString, _clock, settings: new Dictionary<string, string>
        {
            [SignInLimits.PerAddressSetting] = "3",
        });
        var http = limited.CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => http.SendAsync(TokenRequest($"spray.{i}", "one guess for all", "198.51.100.40"))));
        var checkedAndWrong = answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized);
        checkedAndWrong.Should().BeInRange(3, 3 + SignInLimits.ChecksPerAddress - 1, "no more than a few tries of one address are checked at once");
        answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests).Should().Be(24 - checkedAndWrong);
    }

    [Fact]
    public async Task Tries_the_lock_out_refuses_do_not_spend_the_accounts_budget_so_one_address_cannot_shut_the_owner_out()
    {
        await using var limited = new LeaderJourneyAppFactory(database.ConnectionString, _clock, settings: new Dictionary<string, string>
        {
            [SignInLimits.PerAccountSetting] = "6",
        });
        await limited.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("budget.owner", ApiUsers.Password, Roles.Mentor, await Affiliate(limited), null, null);
        var http = limited.CreateClient();
        for (var i = 0; i < AccessDirectory.MaxFailedSignIns; i++)
            (await http.SendAsync(TokenRequest("budget.owner", "a guess", "198.51.100.99"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        for (var i = 0; i < 20; i++)
            (await http.SendAsync(TokenRequest("budget.owner", "a guess", "198.51.100.99"))).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);

        (await http.SendAsync(TokenRequest("budget.owner", ApiUsers.Password, "192.0.2.77"))).StatusCode
            .Should().Be(HttpStatusCode.OK, "five checked guesses spent five of six; the twenty refused ones spent nothing");
    }

    private static async Task<string> Affiliate(LeaderJourneyAppFactory app)
    {
        await app.EnsureAffiliateAsync("OH");
        return "OH";
    }

    [Fact]
    public async Task An_IPv6_client_is_counted_by_its_64_so_rotating_addresses_does_not_escape_the_lock_out()
    {
        await _app.EnsureAffiliateAsync("OH");
        await Directory.CreateUserAsync("v6.target", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null);
        var http = _app.CreateClient();
        for (var i = 1; i <= AccessDirectory.MaxFailedSignIns; i++)
            (await http.SendAsync(TokenRequest("v6.target", "a guess", $"2001:db8:aa:bb::{i:x}"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        (await http.SendAsync(TokenRequest("v6.target", "a guess", "2001:db8:aa:bb:ffff::99"))).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await http.SendAsync(TokenRequest("v6.target", ApiUsers.Password, "2001:db8:aa:cc::1"))).StatusCode.Should().Be(HttpStatusCode.OK, "another /64");
    }

    [Fact]
    public async Task Behind_a_proxy_over_https_cookies_are_secure_answers_carry_hsts_and_nothing_with_personal_data_is_cached()
    {
        await _app.EnsureAffiliateAsync("OH");
        await Directory.CreateUserAsync("proxied.user", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null);
        var http = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
            { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("http://leaders.example.org") });

        var page = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        page.Headers.Add("X-Forwarded-Proto", "https");
        page.Headers.Add("X-Forwarded-For", "198.51.100.30");
        var answer = await http.SendAsync(page);
        answer.StatusCode.Should().Be(HttpStatusCode.OK);
        answer.Headers.GetValues("Set-Cookie").Should().OnlyContain(c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        answer.Headers.GetValues("Strict-Transport-Security").Single().Should().Contain("max-age=");
        answer.Headers.CacheControl!.NoStore.Should().BeTrue();

        var plain = await http.GetAsync("/account/sign-in");
        plain.Headers.Contains("Strict-Transport-Security").Should().BeFalse("HSTS is only sent over HTTPS");

        var signedIn = await _app.SignInAsync("proxied.user");
        (await signedIn.GetAsync("/api/frameworks")).Headers.CacheControl!.NoStore.Should().BeTrue();
        (await http.GetAsync("/site.css")).Headers.CacheControl!.NoStore.Should().BeFalse("the stylesheet holds nothing personal");
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
    public async Task A_burst_of_sign_ins_larger_than_the_database_allows_connections_waits_its_turn_instead_of_failing()
    {
        // A database that takes 25 connections from this role: a host needs some for itself, and 60
        // password checks at once, each on its own connection, were seen to exceed the server's limit.
        var limited = await database.CreateDatabaseAsync();
        await using (var admin = new NpgsqlConnection(await TestServer.AdminConnectionStringAsync()))
        {
            await admin.OpenAsync();
            await using var limit = new NpgsqlCommand($"alter database {new NpgsqlConnectionStringBuilder(limited).Database} connection limit 25", admin);
            await limit.ExecuteNonQueryAsync();
        }
        await using var app = new LeaderJourneyAppFactory(limited, _clock, settings: new Dictionary<string, string> { [SignInLimits.ConcurrentChecksSetting] = "2" });
        await app.EnsureAffiliateAsync("OH");
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("burst.user", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null);
        var http = app.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ =>
            http.PostAsJsonAsync("/api/auth/token", new { username = "burst.user", password = ApiUsers.Password })));

        answers.Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK, "each check waits for its turn and none fails for want of a connection");
    }

    [Fact]
    public async Task Only_national_admins_create_affiliates_and_affiliate_admins_create_users_only_in_their_affiliate()
    {
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);
        var michigan = await national.PostAsJsonAsync("/api/affiliates", new { code = "mi", name = "Michigan" });
        michigan.StatusCode.Should().Be(HttpStatusCode.Created);
        (await michigan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("MI", "a code is kept in capitals, as codes are written");
        (await national.PostAsJsonAsync("/api/affiliates", new { code = "MI", name = "Michigan again" })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        await _app.EnsureAffiliateAsync("WI");

        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "MI");
        (await admin.PostAsJsonAsync("/api/affiliates", new { code = "XX", name = "Nope" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var created = await admin.PostAsJsonAsync("/api/users", new { username = "mi.mentor", password = ApiUsers.Password, role = "mentor", affiliate = "mi" });
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
