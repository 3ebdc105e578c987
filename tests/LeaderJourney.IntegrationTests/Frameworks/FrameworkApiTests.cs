using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.IntegrationTests.Infrastructure;

namespace LeaderJourney.IntegrationTests.Frameworks;

public sealed class FrameworkApiTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_http, _) = await _app.SignedInAsync(Roles.NationalAdmin);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_fresh_install_offers_the_NEA_framework_and_the_BPS_competencies()
    {
        var list = await _http.GetFromJsonAsync<JsonElement>("/api/frameworks");

        // Other tests of this class import more frameworks into the same database; the built-ins are there regardless.
        var byName = list.EnumerateArray().Where(f => f.GetProperty("name").GetString() is "NEA Leadership Competency Framework" or "BPS Unified Leader Competencies")
            .ToDictionary(f => f.GetProperty("name").GetString()!);
        byName["NEA Leadership Competency Framework"].GetProperty("domainCount").GetInt32().Should().Be(7);
        byName["NEA Leadership Competency Framework"].GetProperty("themeCount").GetInt32().Should().Be(33);
        byName["NEA Leadership Competency Framework"].GetProperty("edition").GetString().Should().Be("2020");
        byName["BPS Unified Leader Competencies"].GetProperty("domainCount").GetInt32().Should().Be(4);
        byName["BPS Unified Leader Competencies"].GetProperty("themeCount").GetInt32().Should().Be(16);

        var id = byName["NEA Leadership Competency Framework"].GetProperty("id").GetGuid();
        var nea = await _http.GetFromJsonAsync<JsonElement>($"/api/frameworks/{id}");
        nea.GetProperty("id").GetGuid().Should().Be(id);
        nea.GetProperty("edition").GetString().Should().Be("2020");
        nea.GetProperty("levelScale").EnumerateArray().Select(l => l.GetProperty("name").GetString())
            .Should().Equal("Foundational", "Mobilizing and Power Building", "Agenda Driving");
        nea.GetProperty("domains").EnumerateArray().Select(d => d.GetProperty("code").GetString())
            .Should().Equal("ADV", "COM", "GOV", "LOP", "ORG", "SEI", "SFH");
        var adv1 = nea.GetProperty("domains")[0].GetProperty("themes")[0];
        adv1.GetProperty("code").GetString().Should().Be("ADV.1");
        adv1.GetProperty("levels").GetArrayLength().Should().Be(3);
    }

    [Fact]
    public async Task Importing_a_document_publishes_it_and_a_second_edition_reports_the_changes()
    {
        var document = BuiltInFrameworks.Read("004_88153d15df47a5a0.txt");
        var created = await _http.PostAsync("/api/frameworks/import?name=Organizing%20only&edition=2019", new StringContent(document, Encoding.UTF8, "text/plain"));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var first = await created.Content.ReadFromJsonAsync<JsonElement>();
        created.Headers.Location!.ToString().Should().Be($"/api/frameworks/{first.GetProperty("id").GetGuid()}");
        first.GetProperty("themeCount").GetInt32().Should().Be(6);

        var reworded = document.Replace("Training Considerations", "Learning Considerations");
        var revised = await _http.PostAsync("/api/frameworks/import?name=Organizing%20only&edition=2020", new StringContent(reworded, Encoding.UTF8, "text/plain"));
        revised.StatusCode.Should().Be(HttpStatusCode.Created);
        var second = await revised.Content.ReadFromJsonAsync<JsonElement>();
        second.GetProperty("previousEdition").GetString().Should().Be("2019");
        var mapped = second.GetProperty("changes").GetProperty("mapped").EnumerateArray().ToArray();
        mapped.Should().HaveCount(6);
        mapped.Should().OnlyContain(m => m.GetProperty("from").GetString() == m.GetProperty("to").GetString());

        var repeat = await _http.PostAsync("/api/frameworks/import?name=Organizing%20only&edition=2020", new StringContent(reworded, Encoding.UTF8, "text/plain"));
        repeat.StatusCode.Should().Be(HttpStatusCode.OK);
        (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("published").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task A_bad_document_is_a_400_problem_naming_the_line()
    {
        var response = await _http.PostAsync("/api/frameworks/import?name=Bad", new StringContent("just a heading\n\nand a paragraph\n", Encoding.UTF8, "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("The framework document could not be read.");
        problem.GetProperty("detail").GetString().Should().StartWith("the request body, line 1");
        problem.GetProperty("line").GetInt32().Should().Be(1);
    }

    [Theory]
    [InlineData("", "body")]
    public async Task An_empty_body_is_a_400_naming_the_field(string body, string field)
    {
        var response = await _http.PostAsync("/api/frameworks/import", new StringContent(body, Encoding.UTF8, "text/plain"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task Reading_needs_sign_in_and_importing_needs_a_national_admin()
    {
        var (affiliateAdmin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        (await affiliateAdmin.PostAsync("/api/frameworks/import?name=X", new StringContent(BuiltInFrameworks.Read("002_5a2db35c24dd2d62.txt"))))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden, "the catalog is shared by every affiliate");
        (await _app.CreateClient().GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var (mentor, _) = await _app.SignedInAsync(Roles.Mentor, "OH");
        (await mentor.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.OK);
        var response = await mentor.PostAsync("/api/frameworks/import?name=X", new StringContent(BuiltInFrameworks.Read("002_5a2db35c24dd2d62.txt")));
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_name_or_edition_with_a_NUL_is_400_naming_the_field_and_publishes_nothing()
    {
        var document = BuiltInFrameworks.Read("002_5a2db35c24dd2d62.txt");

        var badName = await _http.PostAsync("/api/frameworks/import?name=Nul%00Framework&edition=1", new StringContent(document));
        var badEdition = await _http.PostAsync("/api/frameworks/import?name=Nul%20edition%20framework&edition=1%00", new StringContent(document));

        badName.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _).Should().BeTrue();
        badEdition.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badEdition.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("edition", out _).Should().BeTrue();
        var names = (await _http.GetFromJsonAsync<JsonElement>("/api/frameworks")).EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        names.Should().NotContain(n => n!.StartsWith("Nul"));
    }

    [Fact]
    public async Task A_malformed_id_is_400_and_an_unknown_one_404()
    {
        (await _http.GetAsync("/api/frameworks/not-a-guid")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _http.GetAsync($"/api/frameworks/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
