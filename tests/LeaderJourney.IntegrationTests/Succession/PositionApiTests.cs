using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Succession;

public sealed class PositionApiTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PA");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private LeaderJourney.Storage.Store Store => _app.Services.GetRequiredService<LeaderJourney.Storage.Store>();

    private async Task<Guid> Position(HttpClient? admin = null) =>
        (await Ok((admin ?? _admin).PostAsJsonAsync("/api/positions", new { affiliate = "PA", title = "Treasurer", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }),
            HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static HttpRequestMessage Nomination(Guid position, Guid leader, string? ifMatch = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/positions/{position}/nominations") { Content = JsonContent.Create(new { leaderId = leader, note = "Strong organiser" }) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>A leader enrolled by <paramref name="admin"/> (this class's own, in PA, unless given) in their affiliate.</summary>
    private async Task<Guid> Leader(string name, HttpClient? admin = null, string affiliate = "PA") =>
        (await Ok((admin ?? _admin).PostAsJsonAsync("/api/leaders", new { affiliate, displayName = name, email = $"leader.{Guid.NewGuid():N}@example.org" /* any name, a formula too, with an address mail can go to */ }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

    [Fact]
    public async Task A_name_or_title_a_spreadsheet_would_run_as_a_formula_is_text_in_the_csv()
    {
        var incumbent = await Leader("=HYPERLINK(\"http://example.org\")");
        (await _admin.PostAsJsonAsync("/api/positions", new
        {
            affiliate = "PA", title = "@SUM(1+1)", incumbentLeaderId = incumbent, termEndsOn = "2030-01-01", requirements = new[] { new { themeCode = "ADV.1", level = 1 } },
        })).StatusCode.Should().Be(HttpStatusCode.Created);
        await _app.CaughtUpAsync();

        var csv = await _admin.GetStringAsync("/api/reports/succession?affiliate=PA&format=csv");

        csv.Should().Contain(",'@SUM(1+1),").And.Contain("\"'=HYPERLINK(\"\"http://example.org\"\")\"");
        csv.Split('\n').SelectMany(line => line.Split(',')).Should().NotContain(cell => cell.StartsWith('=') || cell.StartsWith('@') || cell.StartsWith("\"="),
            "no cell starts a formula");
    }

    [Fact]
    public async Task Another_kind_of_stream_sent_as_a_position_answers_like_a_missing_position()
    {
        var leader = await Leader("Dolores");
        var missing = Guid.NewGuid();
        foreach (var id in new[] { leader, missing })
        {
            (await _admin.PostAsJsonAsync($"/api/positions/{id}/nominations", new { leaderId = leader })).StatusCode.Should().Be(HttpStatusCode.NotFound, $"{id} is no position");
            (await _admin.PutAsJsonAsync($"/api/positions/{id}/term-end", new { termEndsOn = "2027-01-01" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await _admin.PostAsJsonAsync($"/api/positions/{id}/vacancy", new { leaderId = leader, on = "2026-01-01" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        // And the other way round: a position sent as a leader.
        var position = (await Ok(_admin.PostAsJsonAsync("/api/positions", new { affiliate = "PA", title = "Secretary", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }),
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        (await _admin.GetAsync($"/api/leaders/{position}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _admin.PostAsJsonAsync($"/api/leaders/{position}/trainings", new { title = "x", themeCode = "ADV.1", level = 1, completedOn = "2026-01-01" }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_position_is_seated_nominated_withdrawn_vacated_and_appointed_and_bad_input_is_400_or_422()
    {
        var (a, b, c) = (await Leader("Ana"), await Leader("Ben"), await Leader("Cai"));
        var id = (await Ok(_admin.PostAsJsonAsync("/api/positions", new { affiliate = "PA", title = "Vice president", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/incumbent", new { leaderId = a, since = "2025-01-01", termEndsOn = "2027-01-01" }));
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/nominations", new { leaderId = b }));
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/nominations", new { leaderId = c }));
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/nomination-withdrawals", new { leaderId = c, reason = "Moved away" }));
        await Ok(_admin.PutAsJsonAsync($"/api/positions/{id}/term-end", new { termEndsOn = "2026-12-31" }));
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/vacancy", new { leaderId = a, on = "2026-06-30" }));
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/appointments", new { leaderId = b, on = "2026-07-01", termEndsOn = "2028-06-30" }));

        var list = await Ok(_admin.GetAsync("/api/positions?affiliate=PA"));
        var position = list.EnumerateArray().Single();
        position.GetProperty("incumbentLeaderId").GetGuid().Should().Be(b);
        position.GetProperty("termEndsOn").GetString().Should().Be("2028-06-30");
        position.GetProperty("candidates").GetArrayLength().Should().Be(0, "appointing closes the slate");

        (await _admin.PostAsJsonAsync($"/api/positions/{id}/nominations", new { leaderId = b })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "the incumbent cannot be nominated");
        (await _admin.PostAsJsonAsync($"/api/positions/{id}/nominations", new { leaderId = Guid.NewGuid() })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PostAsJsonAsync($"/api/positions/{Guid.NewGuid()}/nominations", new { leaderId = c })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _admin.PostAsJsonAsync("/api/positions", new { affiliate = "PA", title = "X", requirements = new[] { new { themeCode = "NOPE.1", level = 1 } } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PostAsJsonAsync("/api/positions", new { affiliate = "PA", title = "X", requirements = new[] { new { domainCode = "ADV", level = 4 } } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PostAsJsonAsync($"/api/positions/{id}/readiness-assessments", new { leaderId = c, readiness = "soon", justification = "x" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PutAsJsonAsync($"/api/positions/{id}/term-end", new { termEndsOn = "next year" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var (otherAdmin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PB");
        (await otherAdmin.PostAsJsonAsync($"/api/positions/{id}/nominations", new { leaderId = c })).StatusCode.Should().Be(HttpStatusCode.NotFound, "another affiliate's position is not confirmed");

        // Asked to, an appointment keeps the others nominated: the bench for the next filling.
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/nominations", new { leaderId = a }));
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/nominations", new { leaderId = c }));
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{id}/appointments", new { leaderId = c, on = "2026-08-01", keepOthers = true }));
        var kept = (await Ok(_admin.GetAsync("/api/positions?affiliate=PA"))).EnumerateArray().Single();
        kept.GetProperty("incumbentLeaderId").GetGuid().Should().Be(c);
        kept.GetProperty("candidates").EnumerateArray().Select(x => x.GetGuid()).Should().Equal(a);
    }

    [Fact]
    public async Task Staff_change_a_positions_requirements_the_same_ones_again_record_nothing_and_bad_ones_are_refused()
    {
        var id = await Position();
        object[] wanted = [new { domainCode = "ADV", level = 2 }, new { themeCode = "GOV.1", level = 1 }];
        (await Ok(_admin.PutAsJsonAsync($"/api/positions/{id}/requirements", new { requirements = wanted }))).GetProperty("version").GetInt64().Should().Be(2);
        var position = (await Ok(_admin.GetAsync("/api/positions?affiliate=PA"))).EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == id);
        position.GetProperty("requirements").EnumerateArray().Select(r => $"{r.GetProperty("domainCode").GetString()}{r.GetProperty("themeCode").GetString()}:{r.GetProperty("level").GetInt32()}")
            .Should().Equal("ADV:2", "GOV.1:1");
        (await Ok(_admin.PutAsJsonAsync($"/api/positions/{id}/requirements", new { requirements = wanted }))).GetProperty("version").GetInt64().Should().Be(2, "the same requirements again record nothing");

        (await _admin.PutAsJsonAsync($"/api/positions/{id}/requirements", new { })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "all of them are sent, [] for none");
        (await _admin.PutAsJsonAsync($"/api/positions/{id}/requirements", new { requirements = new[] { new { themeCode = "NOPE.1", level = 1 } } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/positions/{id}/requirements") { Content = JsonContent.Create(new { requirements = Array.Empty<object>() }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        (await _admin.SendAsync(stale)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        var (otherAdmin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PB");
        (await otherAdmin.PutAsJsonAsync($"/api/positions/{id}/requirements", new { requirements = Array.Empty<object>() })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await Ok(_admin.PutAsJsonAsync($"/api/positions/{id}/requirements", new { requirements = Array.Empty<object>() }))).GetProperty("version").GetInt64().Should().Be(3);
        (await Store.ReadStreamAsync(id)).Skip(1).Select(e => e.TypeName).Should().Equal("position.requirements-changed", "position.requirements-changed");
    }

    [Fact]
    public async Task A_vacant_position_is_retired_once_and_leaves_the_list_and_reports_from_that_day_but_not_those_of_earlier_days()
    {
        // Reports are as of whole days: the position is defined a day before it is retired.
        var clock = new TestClock(DateTimeOffset.UtcNow.AddDays(-1));
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString, clock);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PR");
        Task<Guid> Enrol(string name) => Leader(name, admin, "PR");
        var (ana, ben) = (await Enrol("RetireeAna"), await Enrol("RetireeBen"));
        var id = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "PR", title = "Recording Secretary", incumbentLeaderId = ana, requirements = Array.Empty<object>() }),
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.SendAsync(Nomination(id, ben)));
        var dayBefore = clock.GetUtcNow().ToString("yyyy-MM-dd");
        clock.Advance(TimeSpan.FromDays(1));
        (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PR");

        var held = await admin.PostAsync($"/api/positions/{id}/retirement", null);
        held.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await held.Content.ReadAsStringAsync()).Should().Contain("record the vacancy first");
        await Ok(admin.PostAsJsonAsync($"/api/positions/{id}/vacancy", new { leaderId = ana, on = clock.GetUtcNow().ToString("yyyy-MM-dd") }));
        var (otherAdmin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PB");
        (await otherAdmin.PostAsync($"/api/positions/{id}/retirement", null)).StatusCode.Should().Be(HttpStatusCode.NotFound, "another affiliate's position is as missing");
        var (board, _) = await app.SignedInAsync(Roles.Board, "PR");
        (await board.PostAsync($"/api/positions/{id}/retirement", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        (await Ok(admin.PostAsync($"/api/positions/{id}/retirement", null))).GetProperty("version").GetInt64().Should().Be(5);
        (await Store.ReadStreamAsync(id)).Last().TypeName.Should().Be("position.retired");
        // The retirement ended Ben's nomination: his copy of his data says so; Ana, who only held the seat before, is not told of it.
        async Task<IEnumerable<string>> PositionRecordsOf(Guid leader) =>
            (await Ok(admin.GetAsync($"/api/leaders/{leader}/personal-data"))).GetProperty("positions").EnumerateArray().Select(e => e.GetProperty("type").GetString()!);
        (await PositionRecordsOf(ben)).Should().Equal("position.candidate-nominated", "position.retired");
        (await PositionRecordsOf(ana)).Should().Equal("position.incumbent-seated", "position.incumbent-vacated");

        (await Ok(admin.GetAsync("/api/positions?affiliate=PR"))).EnumerateArray().Should().NotContain(p => p.GetProperty("id").GetGuid() == id);
        (await Ok(board.GetAsync("/api/reports/succession?affiliate=PR"))).GetProperty("positions").EnumerateArray()
            .Should().NotContain(p => p.GetProperty("id").GetGuid() == id, "today's report leaves it out");
        var earlier = await Ok(board.GetAsync($"/api/reports/succession?affiliate=PR&asOf={dayBefore}"));
        earlier.GetProperty("positions").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == id)
            .GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("leaderId").GetGuid()).Should().Equal([ben], "a report as of the day before is as it was then");
        var review = await Ok(board.GetAsync("/api/reports/talent-review?affiliate=PR"));
        review.GetProperty("grid").EnumerateArray().Should().NotContain(r => r.GetProperty("positionId").GetGuid() == id);
        review.GetProperty("decisions").EnumerateArray().Should().Contain(d => d.GetProperty("positionId").GetGuid() == id && d.GetProperty("decision").GetString() == "retired",
            "the board's review of the month names the retirement among its decisions");

        var again = await admin.PostAsync($"/api/positions/{id}/retirement", null);
        again.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await again.Content.ReadAsStringAsync()).Should().Contain("it takes no more changes");
        (await admin.SendAsync(Nomination(id, ana))).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "nothing more is recorded on it");
        (await Store.ReadStreamAsync(id)).Should().HaveCount(5);
    }

    [Fact]
    public async Task The_board_reads_since_when_a_seat_is_vacant_and_which_other_key_seats_its_holder_holds()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PV");
        Task<Guid> Enrol(string name) => Leader(name, admin, "PV");
        async Task<Guid> Define(string title, Guid holder) =>
            (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "PV", title, incumbentLeaderId = holder, requirements = Array.Empty<object>() }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var (florida, vic, ada) = (await Enrol("FloridaTurner"), await Enrol("VicVacated"), await Enrol("AdaAhead"));
        await Define("Treasurer", florida);
        await Define("Secretary", florida);
        var vicePresident = await Define("Vice President", vic);
        var archivist = await Define("Archivist", ada);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        await Ok(admin.PostAsJsonAsync($"/api/positions/{vicePresident}/vacancy", new { leaderId = vic, on = today }));
        // Recorded ahead: the report does not say the seat has stood empty since a day still to come.
        var ahead = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd");
        await Ok(admin.PostAsJsonAsync($"/api/positions/{archivist}/vacancy", new { leaderId = ada, on = ahead }));
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("pv.board", ApiUsers.Password, Roles.Board, "PV", null, null);

        var board = new LeaderJourney.IntegrationTests.Pages.PageClient(_app);
        await board.SignInAsync("pv.board");
        var api = await _app.SignInAsync("pv.board");
        var report = await Ok(api.GetAsync("/api/reports/succession?affiliate=PV"));
        var positions = report.GetProperty("positions").EnumerateArray().ToDictionary(p => p.GetProperty("title").GetString()!);
        positions["Vice President"].GetProperty("vacantSince").GetString().Should().Be(today);
        positions["Treasurer"].GetProperty("vacantSince").ValueKind.Should().Be(JsonValueKind.Null, "a seat held has no vacancy");
        (await board.GetAsync("/board/succession")).Should().Contain($"The seat has been vacant since {today}.").And.Contain($"The seat falls vacant on {ahead}.")
            .And.Contain("Held by FloridaTurner, who also holds Secretary.").And.Contain("Held by FloridaTurner, who also holds Treasurer.");

        // Seated again, the seat says who holds it, and no vacancy.
        await Ok(admin.PostAsJsonAsync($"/api/positions/{vicePresident}/incumbent", new { leaderId = vic, since = today }));
        (await Ok(api.GetAsync("/api/reports/succession?affiliate=PV"))).GetProperty("positions").EnumerateArray()
            .Single(p => p.GetProperty("title").GetString() == "Vice President").GetProperty("vacantSince").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task If_Match_on_a_position_is_the_version_it_was_read_at_and_a_stale_one_is_409_with_the_current_version()
    {
        var (id, ana, ben) = (await Position(), await Leader("Ana"), await Leader("Ben"));

        (await Ok(_admin.SendAsync(Nomination(id, ana, ifMatch: "\"1\"")))).GetProperty("version").GetInt64().Should().Be(2);

        var stale = await _admin.SendAsync(Nomination(id, ben, ifMatch: "\"1\""));
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentVersion").GetInt64().Should().Be(2);
        (await Store.ReadStreamAsync(id)).Should().HaveCount(2, "the refused nomination appended nothing");
    }

    [Fact]
    public async Task Twenty_repeats_of_one_Idempotency_Key_on_a_position_append_once_and_answer_alike()
    {
        var (id, ana) = (await Position(), await Leader("Ana"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _admin.SendAsync(Nomination(id, ana, key: "nominate-once-" + id))));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var versions = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64()));
        versions.Should().OnlyContain(v => v == 2);
        var events = await Store.ReadStreamAsync(id);
        events.Should().HaveCount(2);
        events[1].CorrelationId.Should().NotBeNullOrEmpty().And.NotContain("nominate-once", "the key is kept only as a keyed hash");
        (await _admin.SendAsync(Nomination(id, await Leader("Ben"), key: "nominate-once-" + id))).StatusCode
            .Should().Be(HttpStatusCode.BadRequest, "a key names one request");
    }

    [Fact]
    public async Task Twenty_concurrent_nominations_to_one_position_all_land_in_order()
    {
        var id = await Position();
        var leaders = new List<Guid>();
        for (var i = 0; i < 20; i++) leaders.Add(await Leader($"Candidate{i}"));

        var responses = await Task.WhenAll(leaders.Select(l => _admin.SendAsync(Nomination(id, l))));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var versions = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64()));
        versions.Should().BeEquivalentTo(Enumerable.Range(2, 20).Select(v => (long)v), "each command decided on the position as the one before left it");
        var events = await Store.ReadStreamAsync(id);
        events.Select(e => e.Version).Should().Equal(Enumerable.Range(1, 21).Select(v => (long)v));
        events.Skip(1).Select(e => ((LeaderJourney.Domain.Succession.CandidateNominated)e.Data).LeaderId).Should().BeEquivalentTo(leaders);
    }

    [Fact]
    public async Task A_national_admin_writes_to_an_affiliates_position_and_the_event_names_who_wrote_it()
    {
        var (id, ana) = (await Position(), await Leader("Ana"));
        var (national, nationalId) = await _app.SignedInAsync(Roles.NationalAdmin);

        await Ok(national.SendAsync(Nomination(id, ana)));

        var events = await Store.ReadStreamAsync(id);
        events.Should().HaveCount(2);
        events[1].TenantId.Should().Be("PA", "the event is in the position's own affiliate");
        events[1].UserName.Should().Be(nationalId.ToString());
        (await Store.FetchStreamInfoAsync(id))!.Type.Should().Be("position");
    }

    [Fact]
    public async Task A_position_is_defined_in_the_affiliate_named_trimmed_and_a_bad_affiliate_or_a_stale_If_Match_is_refused()
    {
        var id = (await Ok(_admin.PostAsJsonAsync("/api/positions", new { affiliate = " PA\t", title = "Secretary", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }),
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        (await Store.FetchStreamInfoAsync(id))!.TenantId.Should().Be("PA");

        (await _admin.PostAsJsonAsync("/api/positions", new { affiliate = "P\u0000A", title = "Secretary", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var stale = new HttpRequestMessage(HttpMethod.Post, "/api/positions")
        {
            Content = JsonContent.Create(new { affiliate = "PA", title = "Secretary", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"3\"");
        (await _admin.SendAsync(stale)).StatusCode.Should().Be(HttpStatusCode.Conflict, "a new position is at version 0");
    }
}
