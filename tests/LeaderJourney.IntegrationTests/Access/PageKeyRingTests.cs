using System.Net;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Storage.PersonalData;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>
/// The pages' cookies and forms are protected by one key ring in the database (Access/PageKeyRing), so
/// that a person is not sent back to sign in when the next request reaches another host or a restarted one.
/// </summary>
public sealed partial class PageKeyRingTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [Fact]
    public async Task A_form_opened_on_one_host_is_sent_to_another_and_its_session_holds_on_the_first_and_on_a_host_started_later()
    {
        await using var first = new LeaderJourneyAppFactory(database.ConnectionString);
        await using var second = new LeaderJourneyAppFactory(database.ConnectionString);
        await first.EnsureAffiliateAsync("KR");
        var username = $"mentor-{Guid.NewGuid():N}"[..20];
        await first.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, Roles.Mentor, "KR", null, null);

        // The sign-in form from the first host, sent to the second: its anti-forgery token holds there.
        using var opened = await Client(first).GetAsync("/account/sign-in");
        opened.StatusCode.Should().Be(HttpStatusCode.OK);
        var formCookie = Cookies(opened);
        var token = WebUtility.HtmlDecode(FormToken().Match(await opened.Content.ReadAsStringAsync()).Groups[1].Value);
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["password"] = ApiUsers.Password, ["__RequestVerificationToken"] = token }),
        };
        signIn.Headers.Add("Cookie", formCookie);
        using var signedIn = await Client(second).SendAsync(signIn);
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect, "a good sign-in redirects; a token the second host could not read is a 400");
        var session = Cookies(signedIn, "leaderjourney");

        // The session cookie the second host wrote opens a page on the first.
        (await Page(first, "/account/mail", session)).StatusCode.Should().Be(HttpStatusCode.OK);

        // The ring is in the database, each key's secret sealed with the master key.
        var schema = first.Services.GetRequiredService<DatabaseSettings>().Schema;
        var keys = await Rows(database.ConnectionString, $"select xml from {schema}.page_keys");
        keys.Should().NotBeEmpty();
        keys.Should().OnlyContain(xml => xml.Contains("sealedWithMasterKey masterKey=\"test\"") && !xml.Contains("<value>") && !xml.Contains("unencrypted"));

        // A host started later reads the same ring; without it, the cookie stands for nothing.
        await using (var later = new LeaderJourneyAppFactory(database.ConnectionString))
            (await Page(later, "/account/mail", session)).StatusCode.Should().Be(HttpStatusCode.OK);
        await Rows(database.ConnectionString, $"delete from {schema}.page_keys returning name");
        await using var withoutRing = new LeaderJourneyAppFactory(database.ConnectionString);
        using var refused = await Page(withoutRing, "/account/mail", session);
        refused.StatusCode.Should().Be(HttpStatusCode.Redirect);
        refused.Headers.Location!.ToString().Should().Contain("/account/sign-in");
    }

    [Fact]
    public async Task A_master_key_rotation_seals_the_ring_again_so_that_a_mail_s_stop_link_outlives_the_old_key()
    {
        // A database of its own: the rotation seals again every key of it.
        var db = await database.CreateDatabaseAsync();
        var recipient = MailRecipient.Leader(Guid.NewGuid());
        string token;
        await using (var before = new LeaderJourneyAppFactory(db))
            token = before.Services.GetRequiredService<MailStopLinks>().TokenFor(recipient);

        var newKey = MasterKeyRing.Generate("rotated");
        await using (var rotating = new LeaderJourneyAppFactory(db, settings: new Dictionary<string, string>
        {
            ["LEADERJOURNEY_MASTER_KEY"] = newKey, ["LEADERJOURNEY_PREVIOUS_MASTER_KEYS"] = TestMasterKey.Value,
        }))
        {
            (await PageKeyRing.CountByMasterKeyAsync(rotating.Services, default)).Should().Equal(new Dictionary<string, int> { ["test"] = 1 },
                "the first host made the ring's one key at start, and the next found it active");
            (await PageKeyRing.RewrapAsync(rotating.Services, default)).Should().Be((1, 0));
            (await PageKeyRing.RewrapAsync(rotating.Services, default)).Should().Be((0, 0), "running it again finds nothing left to do");
        }

        // The old master key gone: the link still names its recipient.
        await using var rotated = new LeaderJourneyAppFactory(db, settings: new Dictionary<string, string> { ["LEADERJOURNEY_MASTER_KEY"] = newKey });
        rotated.Services.GetRequiredService<MailStopLinks>().Read(token).Should().Be(recipient);
        (await PageKeyRing.CountByMasterKeyAsync(rotated.Services, default)).Should().Equal(new Dictionary<string, int> { ["rotated"] = 1 });
    }

    [Fact]
    public async Task Hosts_starting_together_on_an_empty_ring_make_one_key_between_them()
    {
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db);
        var schema = app.Services.GetRequiredService<DatabaseSettings>().Schema;
        await Rows(db, $"delete from {schema}.page_keys returning name");

        // What each host does at start (DatabaseStartup), eight at once: one makes the key, the others find it.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PageKeyRing.EnsureActiveKeyAsync(app.Services, default))));
        (await Rows(db, $"select name from {schema}.page_keys")).Should().ContainSingle();
    }

    private static HttpClient Client(LeaderJourneyAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static async Task<HttpResponseMessage> Page(LeaderJourneyAppFactory app, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await Client(app).SendAsync(request);
    }

    /// <summary>The cookies a response set (those named <paramref name="name"/> only, when given), as a Cookie header.</summary>
    private static string Cookies(HttpResponseMessage response, string? name = null) =>
        string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Where(c => name is null || c.StartsWith(name + "=")));

    private static async Task<List<string>> Rows(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
