using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>
/// Every API endpoint and page, for every role, on the caller's own affiliate and on another's, with the
/// answer it must give (docs/security.md has the same table in words). The rows are checked against the
/// host's endpoint list: an endpoint added without a row fails here. A foreign id must answer exactly
/// as a missing one (status and title).
/// </summary>
public sealed class AuthorizationMatrixTests(TestDatabase database, ITestOutputHelper output) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>What a cell expects: the role is let through (2xx, or a refusal of what was sent: 400, 409, 422), or refused.</summary>
    private enum Answer { Ok, Unauthorized = 401, Forbidden = 403, NotFound = 404 }

    private sealed record Fixture(Guid Leader, Guid ErasableLeader, Guid Position, Guid Report, Guid ManagedUser, Guid Framework);

    /// <summary>One endpoint: how to call it (with the own affiliate's ids), and what each role gets, written "own/other".</summary>
    private sealed record Row(string Method, string Route, Func<Fixture, string> Path, Func<object?>? Body, string Expected, bool IdInPath = false);

    private static readonly string[] Roles_ = ["anonymous", Roles.NationalAdmin, Roles.AffiliateAdmin, Roles.Mentor, Roles.Leader, Roles.Board];

    private static object Training() => new { title = "Matrix workshop", themeCode = "ADV.1", level = 1, completedOn = "2026-01-10" };

    /// <summary>
    /// The matrix. Columns: anonymous, national admin, affiliate admin, mentor, leader, board; "own/other"
    /// where the caller's affiliate matters (a national admin and an anonymous caller have none).
    /// ok = let through; 401, 403, 404 = refused so.
    /// </summary>
    private static readonly Row[] Matrix =
    [
        new("GET", "/health", _ => "/health", null, "ok ok ok/ok ok/ok ok/ok ok/ok"),
        new("POST", "/api/auth/token", _ => "/api/auth/token", () => new { username = $"nobody.{Guid.NewGuid():N}"[..24], password = "not a password" }, "401 401 401/401 401/401 401/401 401/401"),
        new("POST", "/api/auth/password", _ => "/api/auth/password", () => new { currentPassword = "not the password", newPassword = "whatever it may be" }, "401 ok ok/ok ok/ok ok/ok ok/ok"),
        new("GET", "/api/account/mail", _ => "/api/account/mail", null, "401 ok ok/ok ok/ok ok/ok ok/ok"),
        new("PUT", "/api/account/mail", _ => "/api/account/mail", () => new { mail = true }, "401 ok ok/ok ok/ok ok/ok ok/ok"),
        new("GET", "/api/users", _ => "/api/users?affiliate=MA", null, "401 ok ok/ok 403/403 403/403 403/403"),
        new("POST", "/api/users", _ => "/api/users", () => new { username = $"made.{Guid.NewGuid():N}"[..20], password = "long enough password", role = "board", affiliate = "MA" }, "401 ok ok/403 403/403 403/403 403/403"),
        new("PATCH", "/api/users/{id}", f => $"/api/users/{f.ManagedUser}", () => new { disabled = false }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("POST", "/api/users/{id}/password-link", f => $"/api/users/{f.ManagedUser}/password-link", null, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        // Without a sign-in for anyone: the link's token is the proof, and one that is not valid is refused alike.
        new("POST", "/api/auth/password-reset", _ => "/api/auth/password-reset", () => new { token = "not-a-token", newPassword = "whatever it may be" }, "404 404 404/404 404/404 404/404 404/404"),
        // Anyone may ask; without a mail server (as here) it is refused in words (422), whoever asks (PasswordMailTests mails one).
        new("POST", "/api/auth/password-mail", _ => "/api/auth/password-mail", () => new { username = "someone" }, "ok ok ok/ok ok/ok ok/ok ok/ok"),
        new("GET", "/api/account/address", _ => "/api/account/address", null, "401 ok ok/ok ok/ok ok/ok ok/ok"),
        new("POST", "/api/account/address/confirmation", _ => "/api/account/address/confirmation", null, "401 ok ok/ok ok/ok ok/ok ok/ok"),
        new("POST", "/api/account/address/confirm", _ => "/api/account/address/confirm", () => new { token = "not-a-token" }, "401 404 404/404 404/404 404/404 404/404"),
        new("POST", "/api/affiliates", _ => "/api/affiliates", () => new { code = $"Z{Random.Shared.Next(10000, 99999)}", name = "Matrix made" }, "401 ok 403/403 403/403 403/403 403/403"),
        new("PATCH", "/api/affiliates/{code}", _ => "/api/affiliates/MA", () => new { name = "Affiliate MA" }, "401 ok 403/403 403/403 403/403 403/403"),
        // MA has sign-ins: a national admin is let through and refused in words (422).
        new("DELETE", "/api/affiliates/{code}", _ => "/api/affiliates/MA", null, "401 ok 403/403 403/403 403/403 403/403"),
        new("GET", "/api/frameworks", _ => "/api/frameworks", null, "401 ok ok/ok ok/ok ok/ok ok/ok"),
        new("GET", "/api/frameworks/{id}", f => $"/api/frameworks/{f.Framework}", null, "401 ok ok/ok ok/ok ok/ok ok/ok"),
        new("POST", "/api/frameworks/import", _ => "/api/frameworks/import?name=Matrix&edition=1", () => "not a framework document", "401 ok 403/403 403/403 403/403 403/403"),
        new("POST", "/api/leaders", _ => "/api/leaders", () => new { affiliate = "MA", displayName = "Matrix Enrolled", email = "enrolled@example.org" }, "401 ok ok/403 403/403 403/403 403/403"),
        new("GET", "/api/leaders/{id}", f => $"/api/leaders/{f.Leader}", null, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("GET", "/api/leaders/{id}/progress", f => $"/api/leaders/{f.Leader}/progress", null, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("GET", "/api/leaders/{id}/history", f => $"/api/leaders/{f.Leader}/history", null, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("GET", "/api/leaders/{id}/attainments/{themeCode}/{level}", f => $"/api/leaders/{f.Leader}/attainments/ADV.1/1", null, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("GET", "/api/leaders/{id}/personal-data", f => $"/api/leaders/{f.Leader}/personal-data", null, "401 ok ok/404 403/404 ok/404 403/404", IdInPath: true),
        new("GET", "/api/leaders/{id}/demographics", f => $"/api/leaders/{f.Leader}/demographics", null, "401 403 403/403 403/403 ok/403 403/403", IdInPath: true),
        new("GET", "/api/leaders/demographic-lists", _ => "/api/leaders/demographic-lists?affiliate=MA", null, "401 ok ok/403 ok/403 ok/403 ok/403"),
        new("PUT", "/api/leaders/{id}/demographics", f => $"/api/leaders/{f.Leader}/demographics", () => new { raceEthnicity = new[] { "Asian" }, consent = true }, "401 ok ok/404 403/404 ok/404 403/404", IdInPath: true),
        new("DELETE", "/api/leaders/{id}/demographics", f => $"/api/leaders/{f.Leader}/demographics", null, "401 ok ok/404 403/404 ok/404 403/404", IdInPath: true),
        new("POST", "/api/leaders/{id}/mentors", f => $"/api/leaders/{f.Leader}/mentors", () => new { mentorUserId = Guid.Empty }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("DELETE", "/api/leaders/{id}/mentors/{mentorUserId}", f => $"/api/leaders/{f.Leader}/mentors/{Guid.Empty}", null, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("PUT", "/api/leaders/{id}/mentors/{mentorUserId}", f => $"/api/leaders/{f.Leader}/mentors/{Guid.Empty}", () => new { mentorUserId = Guid.Empty }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("PUT", "/api/leaders/{id}/status", f => $"/api/leaders/{f.Leader}/status", () => new { status = "active" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("PUT", "/api/leaders/{id}/profile", f => $"/api/leaders/{f.Leader}/profile", () => new { displayName = "Matrix Leader", email = "matrix.leader@example.org" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/trainings", f => $"/api/leaders/{f.Leader}/trainings", Training, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/assessments", f => $"/api/leaders/{f.Leader}/assessments", () => new { themeCode = "ADV.1", level = 1, kind = "self" }, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/evidence", f => $"/api/leaders/{f.Leader}/evidence", () => new { themeCode = "ADV.1", level = 1, note = "Matrix evidence" }, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/training-withdrawals", f => $"/api/leaders/{f.Leader}/training-withdrawals", () => new { trainingId = Guid.NewGuid(), reason = "Matrix" }, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/evidence-withdrawals", f => $"/api/leaders/{f.Leader}/evidence-withdrawals", () => new { evidenceId = Guid.NewGuid(), reason = "Matrix" }, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/assessment-withdrawals", f => $"/api/leaders/{f.Leader}/assessment-withdrawals", () => new { assessmentId = Guid.NewGuid(), reason = "Matrix" }, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/sign-off-requests", f => $"/api/leaders/{f.Leader}/sign-off-requests", () => new { themeCode = "ADV.1", level = 1 }, "401 ok ok/404 ok/404 ok/404 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/sign-off-request-withdrawals", f => $"/api/leaders/{f.Leader}/sign-off-request-withdrawals", () => new { themeCode = "GOV.1", level = 1 }, "401 ok ok/404 403/403 ok/404 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/sign-offs", f => $"/api/leaders/{f.Leader}/sign-offs", () => new { themeCode = "ADV.1", level = 1 }, "401 403 403/403 ok/404 403/403 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/sign-off-declines", f => $"/api/leaders/{f.Leader}/sign-off-declines", () => new { themeCode = "COM.1", level = 1, reason = "Not yet" }, "401 403 403/403 ok/404 403/403 403/403", IdInPath: true),
        // A mentor without a decline standing is refused in words (422), as one with one is let through.
        new("POST", "/api/leaders/{id}/sign-off-decline-withdrawals", f => $"/api/leaders/{f.Leader}/sign-off-decline-withdrawals", () => new { themeCode = "COM.1", level = 1 }, "401 403 403/403 ok/404 403/403 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/sign-off-revocations", f => $"/api/leaders/{f.Leader}/sign-off-revocations", () => new { themeCode = "ADV.1", level = 1, mentorUserId = Guid.Empty, reason = "Matrix" }, "401 ok ok/404 ok/404 403/403 403/403", IdInPath: true),
        new("POST", "/api/leaders/{id}/erasure", f => $"/api/leaders/{f.ErasableLeader}/erasure", () => new { reason = "Matrix" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("GET", "/api/mentor-queue", _ => "/api/mentor-queue", null, "401 403 403/403 ok/ok 403/403 403/403"),
        new("GET", "/api/mentors/activity", _ => "/api/mentors/activity?affiliate=MA", null, "401 ok ok/403 403/403 403/403 403/403"),
        new("GET", "/api/notifications", _ => "/api/notifications", null, "401 403 ok/ok ok/ok ok/ok 403/403"),
        new("POST", "/api/notifications/read", _ => "/api/notifications/read", () => new { }, "401 403 ok/ok ok/ok ok/ok 403/403"),
        new("GET", "/api/audit/sensitive-reads", _ => "/api/audit/sensitive-reads", null, "401 ok 403/403 403/403 403/403 403/403"),
        new("POST", "/api/positions", _ => "/api/positions", () => new { affiliate = "MA", title = "Matrix Chair", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }, "401 ok ok/403 403/403 403/403 403/403"),
        new("GET", "/api/positions", _ => "/api/positions?affiliate=MA", null, "401 ok ok/403 403/403 403/403 ok/403"),
        new("POST", "/api/positions/{id}/nominations", f => $"/api/positions/{f.Position}/nominations", () => new { leaderId = Guid.Empty.ToString() }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("POST", "/api/positions/{id}/readiness-assessments", f => $"/api/positions/{f.Position}/readiness-assessments", () => new { leaderId = Guid.Empty.ToString(), readiness = "ready-now", justification = "x" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("POST", "/api/positions/{id}/appointments", f => $"/api/positions/{f.Position}/appointments", () => new { leaderId = Guid.Empty.ToString(), on = "2026-01-01" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("POST", "/api/positions/{id}/nomination-withdrawals", f => $"/api/positions/{f.Position}/nomination-withdrawals", () => new { leaderId = Guid.Empty.ToString(), reason = "x" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("POST", "/api/positions/{id}/incumbent", f => $"/api/positions/{f.Position}/incumbent", () => new { leaderId = Guid.Empty.ToString(), since = "2026-01-01" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("POST", "/api/positions/{id}/vacancy", f => $"/api/positions/{f.Position}/vacancy", () => new { leaderId = Guid.Empty.ToString(), on = "2026-01-01" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("PUT", "/api/positions/{id}/term-end", f => $"/api/positions/{f.Position}/term-end", () => new { termEndsOn = "2027-01-01" }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("PUT", "/api/positions/{id}/requirements", f => $"/api/positions/{f.Position}/requirements", () => new { requirements = new[] { new { domainCode = "ADV", level = 1 } } }, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        // After every other row of the position: the first admin's call retires it, and the next ones are refused in words (422).
        new("POST", "/api/positions/{id}/retirement", f => $"/api/positions/{f.Position}/retirement", null, "401 ok ok/404 403/403 403/403 403/403", IdInPath: true),
        new("GET", "/api/reports/succession", _ => "/api/reports/succession?affiliate=MA", null, "401 ok ok/403 403/403 403/403 ok/403"),
        new("GET", "/api/reports/pipeline", _ => "/api/reports/pipeline?affiliate=MA", null, "401 ok ok/403 403/403 403/403 ok/403"),
        new("GET", "/api/reports/talent-review", _ => "/api/reports/talent-review?affiliate=MA", null, "401 ok ok/403 403/403 403/403 ok/403"),
        new("POST", "/api/reports/{kind}/issues", _ => "/api/reports/succession/issues?affiliate=MA", null, "401 ok ok/403 403/403 403/403 403/403"),
        new("GET", "/api/reports/issues", _ => "/api/reports/issues?affiliate=MA", null, "401 ok ok/403 403/403 403/403 ok/403"),
        new("GET", "/api/reports/issues/{id}", f => $"/api/reports/issues/{f.Report}?affiliate=MA", null, "401 ok ok/403 403/403 403/403 ok/403", IdInPath: true),
        // Sign-out ends the token it is sent with: last, so the others keep theirs.
        new("POST", "/api/auth/sign-out", _ => "/api/auth/sign-out", null, "401 ok ok/ok ok/ok ok/ok ok/ok"),
    ];

    /// <summary>
    /// The pages, opened with a browser's session of each role: ok = the page (200); 302 = sent to
    /// sign-in (not signed in, or a page not for that role). Pages show only the caller's own affiliate.
    /// </summary>
    private static readonly Row[] Pages =
    [
        new("GET", "", _ => "/", null, "302 302 ok/ok ok/ok 302/302 ok/ok"),
        new("GET", "account/sign-in", _ => "/account/sign-in", null, "ok ok ok/ok ok/ok ok/ok ok/ok"),
        new("GET", "account/sign-out", _ => "/account/sign-out", null, "ok ok ok/ok ok/ok ok/ok ok/ok"),
        new("GET", "account/language", _ => "/account/language", null, "ok ok ok/ok ok/ok ok/ok ok/ok"),
        new("GET", "account/password", _ => "/account/password", null, "302 ok ok/ok ok/ok ok/ok ok/ok"),
        new("GET", "account/mail", _ => "/account/mail", null, "302 ok ok/ok ok/ok ok/ok ok/ok"),
        // Without a sign-in for anyone; without a token of the installation's it is refused in words (MailTests follows a real link).
        new("GET", "account/mail/stop", _ => "/account/mail/stop?t=not-a-token", null, "400 400 400/400 400/400 400/400 400/400"),
        new("GET", "account/reset", _ => "/account/reset?t=not-a-token", null, "400 400 400/400 400/400 400/400 400/400"),
        new("GET", "account/forgot", _ => "/account/forgot", null, "ok ok ok/ok ok/ok ok/ok ok/ok"),
        // Signed in only; a token that is not an open link of the caller's is refused in words (PasswordMailTests follows a real one).
        new("GET", "account/confirm", _ => "/account/confirm?t=not-a-token", null, "302 400 400/400 400/400 400/400 400/400"),
        new("GET", "journey", _ => "/journey", null, "302 403 403/403 403/403 ok/ok 403/403"),
        new("GET", "journey/demographics", _ => "/journey/demographics", null, "302 403 403/403 403/403 ok/ok 403/403"),
        new("GET", "journey/record", _ => "/journey/record", null, "302 403 403/403 403/403 ok/ok 403/403"),
        new("GET", "journey/theme/{code}", _ => "/journey/theme/ADV.1", null, "302 404 404/404 404/404 ok/ok 404/404"),
        new("GET", "mentor/queue", _ => "/mentor/queue", null, "302 403 403/403 ok/ok 403/403 403/403"),
        new("GET", "mentor/mentees", _ => "/mentor/mentees", null, "302 403 403/403 ok/ok 403/403 403/403"),
        new("GET", "notifications", _ => "/notifications", null, "302 403 ok/ok ok/ok ok/ok 403/403"),
        new("GET", "mentor/mentees/{id:guid}", f => $"/mentor/mentees/{f.Leader}", null, "302 403 403/403 ok/404 403/403 403/403", IdInPath: true),
        new("GET", "staff/leaders", _ => "/staff/leaders", null, "302 403 ok/ok 403/403 403/403 403/403"),
        new("GET", "staff/leaders/{id:guid}", f => $"/staff/leaders/{f.Leader}", null, "302 403 ok/404 403/403 403/403 403/403", IdInPath: true),
        new("GET", "staff/positions", _ => "/staff/positions", null, "302 403 ok/ok 403/403 403/403 403/403"),
        new("GET", "staff/requests", _ => "/staff/requests", null, "302 403 ok/ok 403/403 403/403 403/403"),
        new("GET", "staff/mentors", _ => "/staff/mentors", null, "302 403 ok/ok 403/403 403/403 403/403"),
        new("GET", "staff/import/{id:guid?}", _ => "/staff/import", null, "302 403 ok/ok 403/403 403/403 403/403"),
        new("GET", "board/succession", _ => "/board/succession", null, "302 403 ok/ok 403/403 403/403 ok/ok"),
        new("GET", "board/pipeline", _ => "/board/pipeline", null, "302 403 ok/ok 403/403 403/403 ok/ok"),
        new("GET", "admin/audit", _ => "/admin/audit", null, "302 ok 403/403 403/403 403/403 403/403"),
        new("GET", "admin/users", _ => "/admin/users", null, "302 ok ok/ok 403/403 403/403 403/403"),
        new("GET", "error/{code:int}", _ => "/error/404", null, "404 404 404/404 404/404 404/404 404/404"),
    ];

    private readonly Dictionary<(string Role, string Affiliate), HttpClient> _browsers = [];

    [Fact]
    public async Task Every_page_has_a_row_and_every_role_gets_the_answer_its_row_says()
    {
        var pages = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.CompiledPageActionDescriptor>() is not null || e.Metadata.OfType<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>().Any())
            .Select(e => e.RoutePattern.RawText!.TrimStart('/')).ToHashSet();
        pages.Should().BeEquivalentTo(Pages.Select(p => p.Route), "every page has its row, and every row a page");

        var wrong = await Mismatches(Pages, Browser, (want, status) => want == "ok" ? status == HttpStatusCode.OK : ((int)status).ToString() == want, "page ");
        output.WriteLine(string.Join(Environment.NewLine, wrong));
        wrong.Should().BeEmpty();
    }

    /// <summary>A browser signed in on the page as the user behind that role's API client.</summary>
    private async Task<HttpClient> Browser(string role, string affiliate)
    {
        if (_browsers.TryGetValue((role, affiliate), out var browser)) return browser;
        var page = new Pages.PageClient(_app);
        if (role != "anonymous") await page.SignInAsync(_usernames[(role, affiliate)]);
        return _browsers[(role, affiliate)] = page.Http;
    }

    private readonly Dictionary<(string Role, string Affiliate), string> _usernames = [];

    private LeaderJourneyAppFactory _app = null!;
    private Fixture _fixture = null!;
    private readonly Dictionary<(string Role, string Affiliate), HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "MA");
        await _app.EnsureAffiliateAsync("MB");
        Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();
        var leader = Id(await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "MA", displayName = "Matrix Leader", email = "matrix@example.org" }), HttpStatusCode.Created));
        var erasable = Id(await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "MA", displayName = "Matrix Erasable", email = "erasable@example.org" }), HttpStatusCode.Created));
        var position = Id(await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "MA", title = "Matrix President", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }), HttpStatusCode.Created));
        var report = Id(await Ok(admin.PostAsync("/api/reports/succession/issues?affiliate=MA", null), HttpStatusCode.Created));
        var managed = await directory.CreateUserAsync($"managed.{Guid.NewGuid():N}"[..20], ApiUsers.Password, Roles.Board, "MA", null, null);
        var framework = (await admin.GetFromJsonAsync<JsonElement>("/api/frameworks"))[0].GetProperty("id").GetGuid();
        _fixture = new Fixture(leader, erasable, position, report, managed, framework);

        _clients[("anonymous", "")] = _app.CreateClient();
        async Task<Guid> Keep(string role, string affiliate, Task<(HttpClient Client, Guid UserId)> signingIn)
        {
            var (client, userId) = await signingIn;
            _clients[(role, affiliate)] = client;
            _usernames[(role, affiliate)] = (await directory.FindByIdAsync(userId))!.Username;
            return userId;
        }
        await Keep(Roles.NationalAdmin, "", _app.SignedInAsync(Roles.NationalAdmin));
        foreach (var affiliate in new[] { "MA", "MB" })
        {
            await Keep(Roles.AffiliateAdmin, affiliate, _app.SignedInAsync(Roles.AffiliateAdmin, affiliate));
            var mentorId = await Keep(Roles.Mentor, affiliate, _app.SignedInAsync(Roles.Mentor, affiliate));
            if (affiliate == "MA") await Ok(admin.PostAsJsonAsync($"/api/leaders/{leader}/mentors", new { mentorUserId = mentorId }));
            var ownLeader = affiliate == "MA" ? leader
                : Id(await Ok(_clients[(Roles.AffiliateAdmin, "MB")].PostAsJsonAsync("/api/leaders", new { affiliate = "MB", displayName = "Other Leader", email = "other@example.org" }), HttpStatusCode.Created));
            await Keep(Roles.Leader, affiliate, _app.SignedInAsync(Roles.Leader, affiliate, ownLeader));
            await Keep(Roles.Board, affiliate, _app.SignedInAsync(Roles.Board, affiliate));
        }
        // The leader attains ADV.1 Level 1, so its provenance can be read.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leader}/trainings", Training()));
        await Ok(_clients[(Roles.Mentor, "MA")].PostAsJsonAsync($"/api/leaders/{leader}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        await _app.CaughtUpAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Every_API_endpoint_has_a_row_in_the_matrix()
    {
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal) || e.RoutePattern.RawText == "/health")
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToHashSet();
        endpoints.Should().BeEquivalentTo(Matrix.Select(r => $"{r.Method} {r.Route}"), "every endpoint has its row, and every row an endpoint");
    }

    [Fact]
    public async Task Every_role_gets_the_answer_its_row_says_on_its_own_and_on_another_affiliate()
    {
        var wrong = await Mismatches(Matrix, (role, affiliate) => Task.FromResult(_clients[(role, affiliate)]),
            (want, status) => want == "ok" ? (int)status is < 300 or 400 or 409 or 422 : ((int)status).ToString() == want, "");
        output.WriteLine(string.Join(Environment.NewLine, wrong));
        wrong.Should().BeEmpty();
    }

    /// <summary>Every cell of the rows, sent as its role (own and other affiliate); the cells whose answer does not fit, in words.</summary>
    private async Task<List<string>> Mismatches(Row[] rows, Func<string, string, Task<HttpClient>> clientOf, Func<string, HttpStatusCode, bool> fits, string kind)
    {
        var wrong = new List<string>();
        foreach (var row in rows)
        {
            var cells = row.Expected.Split(' ');
            for (var r = 0; r < Roles_.Length; r++)
            {
                var role = Roles_[r];
                var affiliates = role is "anonymous" or Roles.NationalAdmin ? new[] { "" } : ["MA", "MB"];
                var expected = cells[r].Split('/');
                for (var a = 0; a < affiliates.Length; a++)
                {
                    var status = await Send(await clientOf(role, affiliates[a]), row, row.Path(_fixture));
                    if (!fits(expected[a], status))
                        wrong.Add($"{kind}{row.Method} {row.Route} as {role}{(affiliates[a] == "" ? "" : " of " + (a == 0 ? "own" : "other"))}: {(int)status}, expected {expected[a]}");
                }
            }
        }
        return wrong;
    }

    [Fact]
    public async Task A_foreign_id_answers_exactly_as_a_missing_one_for_every_role_and_endpoint()
    {
        var wrong = new List<string>();
        foreach (var row in Matrix.Where(r => r.IdInPath))
        {
            foreach (var (role, affiliate) in _clients.Keys.Where(k => k.Item2 == "MB"))
            {
                var client = _clients[(role, affiliate)];
                var foreign = row.Path(_fixture);
                var missing = foreign.Replace(_fixture.Leader.ToString(), Guid.NewGuid().ToString()).Replace(_fixture.ErasableLeader.ToString(), Guid.NewGuid().ToString())
                    .Replace(_fixture.Position.ToString(), Guid.NewGuid().ToString()).Replace(_fixture.Report.ToString(), Guid.NewGuid().ToString())
                    .Replace(_fixture.ManagedUser.ToString(), Guid.NewGuid().ToString());
                var (foreignStatus, foreignTitle) = await SendForTitle(client, row, foreign);
                var (missingStatus, missingTitle) = await SendForTitle(client, row, missing);
                if (foreignStatus != missingStatus || Normalised(foreignTitle) != Normalised(missingTitle))
                    wrong.Add($"{row.Method} {row.Route} as {role} of another affiliate: foreign {(int)foreignStatus} '{foreignTitle}', missing {(int)missingStatus} '{missingTitle}'");
            }
        }
        output.WriteLine(string.Join(Environment.NewLine, wrong));
        wrong.Should().BeEmpty();

        // Titles name the id asked for: compare them without it.
        string? Normalised(string? title) => title is null ? null : System.Text.RegularExpressions.Regex.Replace(title, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>");
    }

    private static HttpRequestMessage Request(Row row, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(row.Method), path);
        if (row.Body?.Invoke() is { } body)
            request.Content = body is string text ? new StringContent(text, Encoding.UTF8, "text/plain") : JsonContent.Create(body, body.GetType());
        return request;
    }

    private static async Task<HttpStatusCode> Send(HttpClient client, Row row, string path) => (await SendForTitle(client, row, path)).Status;

    private static async Task<(HttpStatusCode Status, string? Title)> SendForTitle(HttpClient client, Row row, string path)
    {
        // The sign-out row ends the token: send it with a copy that the rest of the test does not use.
        using var response = await client.SendAsync(Request(row, path));
        var text = await response.Content.ReadAsStringAsync();
        string? title = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json") == true && text.StartsWith('{'))
            title = JsonDocument.Parse(text).RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
        return (response.StatusCode, title);
    }
}
