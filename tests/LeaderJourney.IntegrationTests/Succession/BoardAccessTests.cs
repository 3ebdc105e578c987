using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Succession;

public sealed class BoardAccessTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "SC");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();



    [Fact]
    public async Task The_board_reads_reports_and_nothing_else_and_no_one_but_the_leader_reads_their_demographics()
    {
        var (board, _) = await _app.SignedInAsync(Roles.Board, "SC");
        var created = await Ok(_admin.PostAsJsonAsync("/api/leaders", new { affiliate = "SC", displayName = "Solo", email = "solo@example.org" }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "SC", id);
        await Ok(leader.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { raceEthnicity = new[] { "Asian" }, gender = "woman", consent = true }));
        await _app.CaughtUpAsync();

        (await board.GetAsync("/api/reports/succession?affiliate=SC")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await board.GetAsync("/api/reports/pipeline?affiliate=SC")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await board.GetAsync($"/api/leaders/{id}/demographics")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        // Nor a leader's record (email), history (notes, reasons) or progress (exact times): what reports show is enough.
        foreach (var path in new[] { $"/api/leaders/{id}", $"/api/leaders/{id}/history", $"/api/leaders/{id}/progress", $"/api/leaders/{id}/attainments/ADV.1/1", $"/api/leaders/{id}/personal-data" })
            (await board.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
        (await _admin.GetAsync($"/api/leaders/{id}/demographics")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await leader.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/demographics")).GetProperty("gender").GetString().Should().Be("woman");
        (await board.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { gender = "x", consent = true })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await board.PostAsJsonAsync("/api/positions", new { affiliate = "SC", title = "X", requirements = Array.Empty<object>() })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await board.PostAsJsonAsync("/api/leaders", new { affiliate = "SC", displayName = "X", email = "x@example.org" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await board.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "x", themeCode = "ADV.1", level = 1, completedOn = "2026-01-01" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await leader.GetAsync("/api/reports/succession?affiliate=SC")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await board.GetAsync("/api/reports/succession?affiliate=OTHER")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        // A code in another case is the same affiliate; a national admin's code that names none is missing, not an empty report.
        (await Ok(board.GetAsync("/api/reports/succession?affiliate=sc"))).GetProperty("affiliate").GetString().Should().Be("SC");
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);
        (await Ok(national.GetAsync("/api/reports/pipeline?affiliate=sc"))).GetProperty("leaders").GetInt32().Should().Be(1, "the pipeline of SC, read as SC");
        var missing = await national.GetAsync("/api/reports/succession?affiliate=NO-SUCH");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be("There is no affiliate 'NO-SUCH'.");
        (await board.GetAsync("/api/reports/succession?affiliate=NO-SUCH")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "to the board, another code is refused whether or not it exists");
        // Every read that names an affiliate resolves it the same way (AccessDirectory.AffiliateAskedAsync).
        foreach (var path in new[] { "/api/positions", "/api/mentors/activity", "/api/reports/issues" })
        {
            (await national.GetAsync($"{path}?affiliate=sc")).StatusCode.Should().Be(HttpStatusCode.OK, path);
            (await national.GetAsync($"{path}?affiliate=NO-SUCH")).StatusCode.Should().Be(HttpStatusCode.NotFound, path);
        }
        (await leader.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { gender = "woman", consent = false })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
