using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Privacy;

/// <summary>Consent withdrawal shreds demographics; reads of sensitive data leave a trail; a leader can take all their data with them.</summary>
public sealed class ConsentAuditAndAccessTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _admin = null!;
    private Guid _adminId;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_admin, _adminId) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PV");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<Guid> Enrol(string name, string affiliate = "PV") =>
        (await Ok(_admin.PostAsJsonAsync("/api/leaders", new { affiliate, displayName = name, email = $"{name.Replace(' ', '.').ToLowerInvariant()}@example.org" }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

    private static Dictionary<string, int?[]> Equity(JsonElement pipeline) => pipeline.GetProperty("equity").EnumerateArray()
        .ToDictionary(e => $"{e.GetProperty("category").GetString()}:{e.GetProperty("value").GetString()}",
            e => e.GetProperty("stages").EnumerateArray().Select(n => n.ValueKind == JsonValueKind.Null ? (int?)null : n.GetInt32()).ToArray());

    [Fact]
    public async Task Equity_counts_before_and_after_a_consent_withdrawal_differ_by_exactly_that_leader_whose_demographics_are_shredded()
    {
        await _app.EnsureAffiliateAsync("CW");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "CW");
        var leaders = new List<Guid>();
        foreach (var i in Enumerable.Range(1, 12))
        {
            var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "CW", displayName = $"Consenting {i}", email = $"c{i}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
            leaders.Add(id);
            await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/demographics",
                new { raceEthnicity = new[] { i <= 6 ? "Black" : "White" }, gender = i % 2 == 0 ? "woman" : "man", jobCategory = "teacher", consent = true }));
        }
        await _app.CaughtUpAsync();
        var before = Equity(await Ok(admin.GetAsync("/api/reports/pipeline?affiliate=CW")));
        before["jobCategory:teacher"].Should().Equal(12, 0, 0, 0);
        before["raceEthnicity:Black"].Should().Equal(6, 0, 0, 0);

        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "CW", leaders[0]); // Black, man
        await Ok(leader.DeleteAsync($"/api/leaders/{leaders[0]}/demographics"));
        await _app.CaughtUpAsync();

        var after = Equity(await Ok(admin.GetAsync("/api/reports/pipeline?affiliate=CW")));
        after["jobCategory:teacher"].Should().Equal(11, 0, 0, 0);
        after["raceEthnicity:Black"].Should().Equal(5, 0, 0, 0);
        after["gender:man"].Should().Equal(5, 0, 0, 0);
        after["raceEthnicity:White"].Should().Equal(before["raceEthnicity:White"]);
        after["gender:woman"].Should().Equal(before["gender:woman"]);

        // The key is gone, so the leader's own view shows nothing of what was given; giving it again works, under a new key.
        (await Ok(leader.GetAsync($"/api/leaders/{leaders[0]}/demographics"))).GetProperty("consent").GetBoolean().Should().BeFalse();
        (await KeyGenerations(DemographicsState.StreamIdFor(leaders[0]))).Should().Equal([(1, false)]);
        await Ok(leader.PutAsJsonAsync($"/api/leaders/{leaders[0]}/demographics", new { raceEthnicity = new[] { "Black" }, consent = true }));
        (await Ok(leader.GetAsync($"/api/leaders/{leaders[0]}/demographics"))).GetProperty("raceEthnicity")[0].GetString().Should().Be("Black");
        (await KeyGenerations(DemographicsState.StreamIdFor(leaders[0]))).Should().Equal([(1, false), (2, true)]);
    }

    [Fact]
    public async Task A_self_description_is_counted_only_as_self_described_and_never_becomes_a_row_of_its_own_in_a_report_or_export()
    {
        await _app.EnsureAffiliateAsync("SD");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "SD");
        Guid unique = default;
        foreach (var i in Enumerable.Range(1, 7))
        {
            var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "SD", displayName = $"Described {i}", email = $"sd{i}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
            // One leader describes themself in words only they use; the others pick listed values (in their usual spellings).
            var race = i == 1 ? "=Zorblatt heritage" : i % 2 == 0 ? "Black or African American" : "white";
            await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { raceEthnicity = new[] { race }, gender = i == 1 ? "Zorblatt gender" : "woman", consent = true }));
            if (i == 1) unique = id;
        }
        await _app.CaughtUpAsync();

        var pipeline = await Ok(admin.GetAsync("/api/reports/pipeline?affiliate=SD"));
        var rows = Equity(pipeline);
        rows.Keys.Should().BeEquivalentTo(["raceEthnicity:Black", "raceEthnicity:White", "raceEthnicity:self-described", "gender:woman", "gender:self-described"]);
        var csv = await (await admin.GetAsync("/api/reports/pipeline?affiliate=SD&format=csv")).Content.ReadAsStringAsync();
        csv.Should().NotContain("Zorblatt").And.Contain("self-described");

        // Not even the read model holds the words; the leader still sees their own.
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        {
            var tables = new List<string>();
            await using (var list = dataSource.CreateCommand("select tablename from pg_tables where schemaname = 'leaderjourney' and tablename like '%equity%values%'"))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            tables.Should().NotBeEmpty();
            foreach (var table in tables)
            {
                await using var command = dataSource.CreateCommand($"select count(*) from leaderjourney.{table} where value like '%Zorblatt%'");
                ((long)(await command.ExecuteScalarAsync())!).Should().Be(0, $"{table} holds no one's own words");
            }
        }
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "SD", unique);
        (await Ok(leader.GetAsync($"/api/leaders/{unique}/demographics"))).GetProperty("raceEthnicity")[0].GetString().Should().Be("=Zorblatt heritage");
        var lists = await Ok(admin.GetAsync("/api/leaders/demographic-lists"));
        lists.GetProperty("gender").EnumerateArray().Select(v => v.GetString()).Should().Contain("non-binary");
    }

    [Fact]
    public async Task The_boards_equity_breakdown_ends_at_the_last_whole_month_so_reloading_it_shows_no_one_moving_this_month()
    {
        await _app.EnsureAffiliateAsync("BW");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "BW");
        foreach (var i in Enumerable.Range(1, 6))
        {
            var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "BW", displayName = $"Today {i}", email = $"t{i}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { raceEthnicity = new[] { "White" }, gender = "woman", jobCategory = "teacher", consent = true }));
        }
        await _app.CaughtUpAsync();
        var (board, _) = await _app.SignedInAsync(Roles.Board, "BW");

        var staffView = await Ok(admin.GetAsync("/api/reports/pipeline?affiliate=BW"));
        var boardView = await Ok(board.GetAsync("/api/reports/pipeline?affiliate=BW"));

        Equity(staffView)["jobCategory:teacher"].Should().Equal(6, 0, 0, 0);
        Equity(boardView).Should().BeEmpty("everything was given today, after the last whole month");
        boardView.GetProperty("equityAsOf").GetDateTimeOffset().Should().Be(new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-10));
        boardView.GetProperty("leaders").GetInt32().Should().Be(6, "the rest of the report is of the present");
        (await board.GetStringAsync("/api/reports/pipeline?affiliate=BW&format=csv")).Should().NotContain("teacher");
    }

    [Fact]
    public async Task Reports_as_of_two_moments_of_one_day_are_the_same_report_so_they_cannot_be_differenced()
    {
        await _app.EnsureAffiliateAsync("DF");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "DF");
        var leaders = new List<Guid>();
        foreach (var i in Enumerable.Range(1, 8))
        {
            var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "DF", displayName = $"Differenced {i}", email = $"d{i}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
            leaders.Add(id);
            await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { raceEthnicity = new[] { "Black" }, gender = "woman", jobCategory = "teacher", consent = true }));
        }
        var (mentor, mentorId) = await _app.SignedInAsync(Roles.Mentor, "DF");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaders[0]}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaders[0]}/trainings", new { title = "Workshop", themeCode = "ADV.1", level = 1, completedOn = "2026-01-10" }));
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "DF", leaders[0]);
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{leaders[0]}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await _app.CaughtUpAsync();
        var before = DateTimeOffset.UtcNow;
        await Task.Delay(20); // the two moments must differ
        // One leader attains a level: the stage their equity rows count them in moves.
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{leaders[0]}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        await _app.CaughtUpAsync();
        var after = DateTimeOffset.UtcNow;

        var first = await Ok(admin.GetAsync($"/api/reports/pipeline?affiliate=DF&asOf={Uri.EscapeDataString(before.ToString("O"))}"));
        var second = await Ok(admin.GetAsync($"/api/reports/pipeline?affiliate=DF&asOf={Uri.EscapeDataString(after.ToString("O"))}"));

        Equity(first).Should().BeEquivalentTo(Equity(second), "both moments resolve to the end of their day");
        first.GetProperty("asOf").GetDateTimeOffset().Should().Be(new DateTimeOffset(before.UtcDateTime.Date.AddDays(1).AddTicks(-10), TimeSpan.Zero));
        var succession = await Ok(admin.GetAsync($"/api/reports/succession?affiliate=DF&asOf={Uri.EscapeDataString(before.ToString("O"))}"));
        succession.GetProperty("asOf").GetDateTimeOffset().TimeOfDay.Should().Be(new TimeSpan(23, 59, 59) + TimeSpan.FromTicks(9_999_990));
    }

    [Fact]
    public async Task Idempotency_keys_and_request_bodies_are_kept_as_keyed_hashes_and_a_consent_withdrawal_drops_those_of_demographics()
    {
        var id = await Enrol("Hashed Hana");
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "PV", id);
        const string key = "demographics-hana-1";
        var body = new { raceEthnicity = new[] { "Asian" }, gender = "woman", jobCategory = "teacher", consent = true };
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/leaders/{id}/demographics") { Content = JsonContent.Create(body) };
        put.Headers.Add("Idempotency-Key", key);
        await Ok(leader.SendAsync(put));
        var demographics = DemographicsState.StreamIdFor(id);

        // Someone with a copy of the table and the short list of likely answers cannot test them:
        // neither the key nor the body is stored as its plain SHA-256.
        var stored = await StoredIdempotency(demographics);
        stored.Should().ContainSingle();
        var plainFingerprint = Sha256($"PUT /api/leaders/{id}/demographics {JsonSerializer.Serialize(body, JsonSerializerOptions.Web)}");
        stored[0].Key.Should().NotBe(Sha256(key)).And.HaveLength(64);
        stored[0].Request.Should().NotBe(plainFingerprint).And.HaveLength(64);

        await Ok(leader.DeleteAsync($"/api/leaders/{id}/demographics"));
        (await StoredIdempotency(demographics)).Should().BeEmpty("what was kept of the demographics writes goes with the consent");
    }

    private static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private async Task<List<(string Key, string Request)>> StoredIdempotency(Guid streamId)
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var command = dataSource.CreateCommand("select key, request from leaderjourney.idempotency_keys where stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    [Fact]
    public async Task Withdrawing_consent_on_the_leaders_own_page_shreds_the_demographics_key_too()
    {
        var id = await Enrol("Page Withdrawer");
        var username = $"leader-{Guid.NewGuid():N}"[..20];
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, Roles.Leader, "PV", id, null);
        var page = new Pages.PageClient(_app);
        await page.SignInAsync(username);
        await page.PostAsync("/journey/demographics", "/journey/demographics?handler=record", new() { ["race"] = "Asian", ["gender"] = "woman", ["consent"] = "true" });
        (await KeyGenerations(DemographicsState.StreamIdFor(id))).Should().Equal([(1, true)]);

        var withdrawn = await page.PostAsync("/journey/demographics", "/journey/demographics?handler=withdraw", new());
        (await withdrawn.Content.ReadAsStringAsync()).Should().Contain("Your consent is withdrawn");
        (await KeyGenerations(DemographicsState.StreamIdFor(id))).Should().Equal([(1, false)]);
    }

    /// <summary>Each generation of the subject's key, and whether it still has key material.</summary>
    private async Task<IReadOnlyList<(int, bool)>> KeyGenerations(Guid subject)
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var command = dataSource.CreateCommand("select generation, wrapped_key is not null from leaderjourney.subject_keys where subject_id = $1 order by generation");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = subject });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, bool)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetInt32(0), reader.GetBoolean(1)));
        return rows;
    }

    [Fact]
    public async Task Reads_of_a_leaders_record_and_of_equity_breakdowns_are_audited_for_national_admins_only()
    {
        var id = await Enrol("Audited Person");
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "PV", id);
        var (board, boardId) = await _app.SignedInAsync(Roles.Board, "PV");
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);

        await Ok(_admin.GetAsync($"/api/leaders/{id}"));
        await Ok(_admin.GetAsync($"/api/leaders/{id}/history"));
        await Ok(leader.GetAsync($"/api/leaders/{id}")); // the leader's own read discloses nothing: not recorded
        await Ok(board.GetAsync("/api/reports/pipeline?affiliate=PV"));

        var trail = await Ok(national.GetAsync($"/api/audit/sensitive-reads?leaderId={id}"));
        trail.EnumerateArray().Select(r => (r.GetProperty("userId").GetGuid(), r.GetProperty("what").GetString())).Should()
            .Equal((_adminId, "leader-record"), (_adminId, "leader-record"));
        var equity = await Ok(national.GetAsync($"/api/audit/sensitive-reads?userId={boardId}"));
        equity.EnumerateArray().Should().ContainSingle().Which.GetProperty("what").GetString().Should().Be("equity-breakdown");
        equity[0].GetProperty("affiliate").GetString().Should().Be("PV");

        (await _admin.GetAsync("/api/audit/sensitive-reads")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await board.GetAsync("/api/audit/sensitive-reads")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await national.GetAsync("/api/audit/sensitive-reads?limit=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await national.GetAsync("/api/audit/sensitive-reads?from=yesterday")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_leader_exports_everything_held_about_them_and_nobody_else_can_but_their_admins()
    {
        var id = await Enrol("Export Person");
        var (_, mentorId) = await _app.SignedInAsync(Roles.Mentor, "PV");
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "PV", id);
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/assessments", new { themeCode = "ADV.1", level = 1, kind = "self", note = "My own words" }));
        await Ok(leader.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { raceEthnicity = new[] { "Asian" }, gender = "woman", consent = true }));
        var position = (await Ok(_admin.PostAsJsonAsync("/api/positions", new { affiliate = "PV", title = "Treasurer", requirements = Array.Empty<object>() }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{position}/nominations", new { leaderId = id, note = "Strong with numbers" }));
        await _app.CaughtUpAsync();

        var response = await leader.GetAsync($"/api/leaders/{id}/personal-data");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.FileName.Should().Contain(id.ToString());
        var export = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        export.GetProperty("leader").GetProperty("displayName").GetString().Should().Be("Export Person");
        export.GetProperty("leader").GetProperty("email").GetString().Should().Be("export.person@example.org");
        export.GetProperty("journey").EnumerateArray().Select(e => e.GetProperty("type").GetString()).Should().Contain(["leader.enrolled", "leader.assessment-recorded"]);
        export.GetProperty("journey").GetRawText().Should().Contain("My own words");
        // The journey names its mentor by user id; the export says who that is.
        var mentors = export.GetProperty("mentors").EnumerateObject().ToList();
        mentors.Should().ContainSingle().Which.Name.Should().Be(mentorId.ToString());
        mentors[0].Value.GetString().Should().NotBeNullOrEmpty();
        export.GetProperty("demographics").GetProperty("gender").GetString().Should().Be("woman");
        export.GetProperty("positions").GetRawText().Should().Contain("Strong with numbers");
        var account = export.GetProperty("accounts").EnumerateArray().Should().ContainSingle().Subject;
        account.GetProperty("role").GetString().Should().Be("leader");
        account.GetProperty("language").ValueKind.Should().Be(JsonValueKind.Null, "signed in through the API only, never shown a page");

        var (otherLeader, _) = await _app.SignedInAsync(Roles.Leader, "PV", await Enrol("Someone Else"));
        (await otherLeader.GetAsync($"/api/leaders/{id}/personal-data")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var (board, _) = await _app.SignedInAsync(Roles.Board, "PV");
        (await board.GetAsync($"/api/leaders/{id}/personal-data")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var byAdmin = await Ok(_admin.GetAsync($"/api/leaders/{id}/personal-data"));
        byAdmin.GetRawText().Should().NotContain("woman", "demographics go to the leader alone, even in an admin's export");
        byAdmin.GetProperty("demographics").TryGetProperty("omitted", out _).Should().BeTrue();
        byAdmin.GetProperty("readsOfThisRecord").EnumerateArray().Should().ContainSingle("the leader's own export leaves no trail; the admin's does, and shows in it")
            .Which.GetProperty("what").GetString().Should().Be("subject-access-export");
    }
}
