using System.Net;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>
/// Single sign-on against a real OpenID Connect provider that the test starts (OpenIddict): a person the
/// provider vouches for signs in as the LeaderJourney user with that verified email, of the provider's
/// affiliate, keeping the role LeaderJourney gave them; anyone else is turned away with the reason.
/// </summary>
public sealed class SingleSignOnTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string AppBase = "http://localhost/";
    private TestIdentityProvider _provider = null!;
    private LeaderJourneyAppFactory _app = null!;

    public async Task InitializeAsync()
    {
        _provider = await TestIdentityProvider.StartAsync(AppBase + "signin-teachers");
        _app = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string>
        {
            ["LeaderJourney:SingleSignOn:teachers:DisplayName"] = "Teachers Union ID",
            ["LeaderJourney:SingleSignOn:teachers:Authority"] = TestIdentityProvider.Issuer.AbsoluteUri,
            ["LeaderJourney:SingleSignOn:teachers:ClientId"] = TestIdentityProvider.ClientId,
            ["LeaderJourney:SingleSignOn:teachers:ClientSecret"] = TestIdentityProvider.ClientSecret,
            ["LeaderJourney:SingleSignOn:teachers:Affiliate"] = "SS",
            ["LeaderJourney:SingleSignOn:teachers:RequireHttpsMetadata"] = "false",
        }, services: services => services.Configure<OpenIdConnectOptions>("sso-teachers", options => options.BackchannelHttpHandler = _provider.BackChannel()));
        await _app.EnsureAffiliateAsync("SS");
        await _app.EnsureAffiliateAsync("SX");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private Task<Guid> User(string role, string affiliate, string email) =>
        _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync($"{role}.{Guid.NewGuid():N}"[..24], ApiUsers.Password, role, affiliate, null, null, email: email);

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_and_a_verified_email_signs_in_as_that_user_with_the_role_LeaderJourney_gave()
    {
        var mina = await User(Roles.Mentor, "SS", "Mina.Mentor@Example.org");
        _provider.Email = "mina.mentor@example.org"; // the provider may spell it in another case
        var browser = new Browser(_app, _provider);

        var page = await browser.GetAsync(AppBase + "account/sign-in");
        var text = await page.Content.ReadAsStringAsync();
        text.Should().Contain("Sign in with Teachers Union ID");
        var link = WebUtility.HtmlDecode(Regex.Match(text, "href=\"(/account/sign-in\\?handler=external[^\"]+)\"").Groups[1].Value);

        browser.AskFor("es");
        var landed = await browser.FollowAsync(AppBase + link.TrimStart('/'));
        landed.Should().Be("/", "signed in, the browser is sent home");
        (await _app.Services.GetRequiredService<AccessDirectory>().MailAddressesAsync(default, userIds: [mina])).Single().Language
            .Should().Be("es", "the language of the pages they signed in to is the one their mails are written in");
        (await browser.GetAsync(AppBase + "mentor/queue")).StatusCode.Should().Be(HttpStatusCode.OK, "the role is LeaderJourney's: a mentor");
        (await browser.GetAsync(AppBase + "staff/leaders")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        // It is an ordinary page session: signing out ends it.
        var home = await (await browser.GetAsync(AppBase + "account/password")).Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(Regex.Match(home, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);
        (await browser.PostAsync(AppBase + "account/sign-out", new() { ["__RequestVerificationToken"] = token })).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await browser.GetAsync(AppBase + "mentor/queue")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Theory]
    [InlineData("nobody.known@example.org", true, "no-account")]
    [InlineData("other.affiliate@example.org", true, "no-account")]
    [InlineData("disabled.user@example.org", true, "no-account")]
    [InlineData("unverified.user@example.org", false, "not-verified")]
    public async Task Anyone_else_is_turned_away_with_the_reason_and_no_session(string email, bool verified, string reason)
    {
        // The same accounts for every case (the database is the class's).
        await EnsureUser(Roles.Mentor, "SX", "other.affiliate@example.org");
        await EnsureUser(Roles.Mentor, "SS", "unverified.user@example.org");
        await EnsureUser(Roles.Board, "SS", "disabled.user@example.org", disabled: true);
        _provider.Email = email;
        _provider.EmailVerified = verified;
        var browser = new Browser(_app, _provider);

        var landed = await browser.FollowAsync(AppBase + "account/sign-in?handler=external&provider=teachers");

        landed.Should().Be($"/account/sign-in?sso={reason}");
        var page = await (await browser.GetAsync(AppBase + landed.TrimStart('/'))).Content.ReadAsStringAsync();
        page.Should().Contain(reason == "no-account" ? "no LeaderJourney account has that email" : "did not confirm your email");
        (await browser.GetAsync(AppBase + "account/password")).StatusCode.Should().Be(HttpStatusCode.Redirect, "nobody is signed in");
    }

    private async Task EnsureUser(string role, string affiliate, string email, bool disabled = false)
    {
        try
        {
            var id = await User(role, affiliate, email);
            if (disabled) await _app.Services.GetRequiredService<AccessDirectory>().ChangeUserAsync(CurrentUser.Operator, id, null, true);
        }
        catch (DuplicateException)
        {
            // made by an earlier case
        }
    }

    /// <summary>
    /// A browser over the two in-memory hosts: cookies kept per host, redirects followed by hand. It
    /// sends cookies marked Secure over http as a browser would to http://localhost, a secure context.
    /// </summary>
    private sealed class Browser(LeaderJourneyAppFactory app, TestIdentityProvider provider)
    {
        private readonly HttpClient _app = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        private readonly HttpClient _provider = provider.Browser();
        private readonly Dictionary<string, Dictionary<string, string>> _jar = new(StringComparer.OrdinalIgnoreCase);

        public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

        /// <summary>From now on, asks the app for pages in <paramref name="language"/>, as a browser set to it does.</summary>
        public void AskFor(string language) => _app.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        public Task<HttpResponseMessage> PostAsync(string url, Dictionary<string, string> form) =>
            SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) });

        /// <summary>Follows redirects across both hosts; answers where the app finally sent the browser (path and query).</summary>
        public async Task<string> FollowAsync(string url)
        {
            for (var hop = 0; hop < 10; hop++)
            {
                var response = await GetAsync(url);
                if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
                    throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                var next = response.Headers.Location!;
                var absolute = next.IsAbsoluteUri ? next : new Uri(new Uri(url), next);
                if (absolute.Host == "localhost" && !absolute.AbsolutePath.StartsWith("/account/sign-in", StringComparison.Ordinal) && !absolute.AbsolutePath.StartsWith("/signin-", StringComparison.Ordinal)
                    || absolute.Host == "localhost" && absolute.Query.Contains("sso=", StringComparison.Ordinal))
                    return absolute.PathAndQuery;
                url = absolute.AbsoluteUri;
            }
            throw new InvalidOperationException("Too many redirects.");
        }

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            var host = request.RequestUri!.Host;
            if (_jar.TryGetValue(host, out var cookies) && cookies.Count > 0)
                request.Headers.Add(HeaderNames.Cookie, string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
            var response = await (host == "localhost" ? _app : _provider).SendAsync(request);
            if (response.Headers.TryGetValues(HeaderNames.SetCookie, out var setCookies))
            {
                var jar = _jar.TryGetValue(host, out var existing) ? existing : _jar[host] = new();
                foreach (var cookie in SetCookieHeaderValue.ParseList(setCookies.ToList()))
                {
                    if (cookie.Expires is { } expires && expires <= DateTimeOffset.UtcNow || cookie.Value.Length == 0) jar.Remove(cookie.Name.ToString());
                    else jar[cookie.Name.ToString()] = cookie.Value.ToString();
                }
            }
            return response;
        }
    }
}
