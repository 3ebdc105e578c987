using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeaderJourney.Cli;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;

namespace LeaderJourney.IntegrationTests.Browser;

/// <summary>
/// The real web host in its own process on a loopback port, its own database, and Debian's Chromium
/// driven by Playwright (test.sh installs the chromium package; LEADERJOURNEY_CHROMIUM names another binary).
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private ProcessRunner? _host;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public string ConnectionString => _database.ConnectionString;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var url = new Regex(@"running at (http://127\.0\.0\.1:\d+)");
        _host = ProcessRunner.Start("LeaderJourney.Web.dll", ["--urls", "http://127.0.0.1:0"],
            TestMasterKey.Settings(_database.ConnectionString), line => url.IsMatch(line));
        BaseUrl = url.Match(await _host.WaitForLineAsync(TimeSpan.FromSeconds(60))).Groups[1].Value;

        var chromium = Environment.GetEnvironmentVariable("LEADERJOURNEY_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"No Chromium at {chromium}: run ./test.sh (it installs the chromium package) or set LEADERJOURNEY_CHROMIUM.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // No network beyond loopback here: background services would only fail and slow the start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>Runs a `leaderjourney` command against this app's database (how the first admin is made).</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestMasterKey.Settings(ConnectionString)).Build();
        var (output, error) = (new StringWriter(), new StringWriter());
        (await CliApp.RunAsync(args, output, error, configuration)).Should().Be(0, error.ToString());
        return output.ToString();
    }

    /// <summary>An API client for the running host, signed in as that user.</summary>
    public async Task<HttpClient> ApiAsync(string username)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var token = await http.PostAsJsonAsync("/api/auth/token", new { username, password = ApiUsers.Password });
        token.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        return http;
    }

    /// <summary>A fresh browser context (its own cookies), signed in through the sign-in page.</summary>
    public async Task<IPage> SignedInPageAsync(string username)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        var page = await context.NewPageAsync();
        // Twice at most: on a loaded machine the first navigation of a fresh browser has been seen to stall;
        // a sign-in that really fails fails both times, and the page's own message is reported.
        for (var attempt = 1; ; attempt++)
        {
            await page.GotoAsync("/account/sign-in");
            await page.GetByLabel("User name").FillAsync(username);
            await page.GetByLabel("Password").FillAsync(ApiUsers.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            try
            {
                await page.WaitForURLAsync(url => !url.Contains("/account/sign-in"), new() { Timeout = 15_000 });
                return page;
            }
            catch (TimeoutException) when (attempt == 1)
            {
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"Sign-in as {username} stayed on the sign-in page: {await page.Locator("main").InnerTextAsync()}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        await _database.DisposeAsync();
    }
}
