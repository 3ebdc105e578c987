using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Demo.Generate;
using LeaderJourney.Storage;

namespace LeaderJourney.Bench;

/// <summary>
/// The time of every role's main pages on generated data already in the database (issue 15's target:
/// p95 at most 300 ms at state size, 20,000 leaders in one affiliate): the web host as a process, each
/// page signed in as the demo's user of its role, asked one after another after a warm-up, timed from
/// the request to the last byte of the answer. The baseline is <c>/health</c> on the same host in the
/// same run: what a request costs before a page does anything.
/// </summary>
public static partial class PageTimeBench
{
    public sealed record PageTime(string Role, string Page, double P50, double P95, double P99, int Bytes);

    public static async Task<(IReadOnlyList<PageTime> Pages, (double P50, double P95, double P99) Baseline)> RunAsync(
        string connectionString, string affiliate, int runs, CancellationToken ct = default)
    {
        await using var dataSource = Database.CreateDataSource(connectionString);
        const string schema = "leaderjourney";
        await using var host = await WebHostProcess.StartAsync(connectionString, ct);
        await LoadTest.WaitForReadModels(dataSource, schema, ct);
        var leaders = await LoadTest.Leaders(dataSource, schema, affiliate, ct);
        var someone = leaders[leaders.Count / 2];

        var staff = await SignedInAsync(host.BaseUrl, "staff", ct);
        var board = await SignedInAsync(host.BaseUrl, "board", ct);
        var mentor = await SignedInAsync(host.BaseUrl, "mentor1", ct);
        var leader = await SignedInAsync(host.BaseUrl, "leader", ct);
        var pages = new (string Role, HttpClient Client, string Path)[]
        {
            ("staff", staff, "/"),
            ("staff", staff, "/staff/leaders"),
            ("staff", staff, "/staff/leaders?q=an&statusFilter=active"),
            ("staff", staff, "/staff/leaders?mentorFilter=none&sort=name&p=3"),
            ("staff", staff, $"/staff/leaders/{someone}"),
            ("staff", staff, "/staff/requests"),
            ("staff", staff, "/staff/mentors"),
            ("staff", staff, "/staff/mentors?days=365"),
            ("staff", staff, "/staff/positions"),
            ("staff", staff, "/staff/import"),
            ("staff", staff, "/board/pipeline"),
            ("staff", staff, "/board/pipeline?stalledFrom=5000"),
            ("board", board, "/"),
            ("board", board, "/board/succession"),
            ("board", board, "/board/succession?others=true"),
            ("board", board, "/board/pipeline"),
            ("mentor", mentor, "/"),
            ("mentor", mentor, "/mentor/queue"),
            ("mentor", mentor, "/mentor/mentees"),
            ("leader", leader, "/journey"),
            ("leader", leader, "/journey/theme/ADV.1"),
            ("leader", leader, "/journey/demographics"),
        };

        var baseline = await Latency.MeasureAsync(() => GetAsync(staff, "/health", ct), runs);
        var times = new List<PageTime>();
        foreach (var (role, client, path) in pages)
        {
            var bytes = await GetAsync(client, path, ct);
            var (p50, p95, p99) = await Latency.MeasureAsync(() => GetAsync(client, path, ct), runs);
            times.Add(new PageTime(role, path, p50, p95, p99, bytes));
        }
        return (times, baseline);
    }

    private static async Task<int> GetAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        // A page that fails is not a fast page.
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}.");
        return body.Length;
    }

    private static async Task<HttpClient> SignedInAsync(string baseUrl, string username, CancellationToken ct)
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var form = await client.GetStringAsync("/account/sign-in", ct);
        var token = WebUtility.HtmlDecode(AntiForgery().Match(form).Groups[1].Value);
        using var signIn = await client.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username, ["password"] = DataGenerator.Password, ["__RequestVerificationToken"] = token,
        }), ct);
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"{username} could not sign in ({(int)signIn.StatusCode}); is this the demo generator's data?");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();
}
