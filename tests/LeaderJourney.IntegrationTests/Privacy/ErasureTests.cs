using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Projections;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.IntegrationTests.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Privacy;

/// <summary>
/// Erasure end to end: a leader with personal data in every place it can go (profile, notes, reasons,
/// demographics, a nomination note and a readiness justification, an issued report, a stored
/// idempotent answer, a sign-in) is erased; then a pg_dump of the whole database holds none of it,
/// counts and levels are unchanged, and a rebuild gives the same read models.
/// </summary>
public sealed class ErasureTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    // Distinctive values, so that finding one in the dump can only mean it leaked.
    private const string Name = "Quenby Valdisarro";
    private const string Email = "quenby.valdisarro@example.org";
    private const string AssessmentNote = "Chaired the Harrowgate bargaining session";
    private const string EvidenceNote = "Minutes of the Pellucid Lake meeting";
    private const string SignOffNote = "Ran the Oakhaven phone bank";
    private const string DeclineReason = "Needs the Brindlewood practicum first";
    private const string NominationNote = "Proposed by the Saltmarsh local";
    private const string Justification = "Led the Ferncastle budget review";
    private const string Gender = "Vexillan self-described";
    private const string Race = "Tessarine heritage";

    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _admin = null!;
    private HttpClient _mentor = null!;
    private Guid _mentorId;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "ER");
        (_mentor, _mentorId) = await _app.SignedInAsync(Roles.Mentor, "ER");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<Guid> Enrol(string name, string email, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/leaders") { Content = JsonContent.Create(new { affiliate = "ER", displayName = name, email }) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var id = (await Ok(_admin.SendAsync(request), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = _mentorId }));
        return id;
    }

    private async Task Attain(Guid id, HttpClient leader, string theme, string? note = null)
    {
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Workshop", themeCode = theme, level = 1, completedOn = "2026-01-10" }));
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = theme, level = 1 }));
        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = theme, level = 1, note }));
    }

    [Fact]
    public async Task After_an_erasure_a_dump_of_the_database_holds_none_of_the_leaders_personal_data_while_counts_levels_and_rebuilds_stay_right()
    {
        var id = await Enrol(Name, Email, idempotencyKey: "enrol-quenby");
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "ER", id);
        await Attain(id, leader, "ADV.1", SignOffNote);
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/assessments", new { themeCode = "COM.1", level = 1, kind = "self", note = AssessmentNote }));
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/evidence", new { themeCode = "COM.1", level = 1, note = EvidenceNote }));
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "COM.1", level = 1 }));
        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "COM.1", level = 1, reason = DeclineReason }));
        await Ok(leader.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { raceEthnicity = new[] { Race }, gender = Gender, jobCategory = "teacher", consent = true }));
        var position = (await Ok(_admin.PostAsJsonAsync("/api/positions", new { affiliate = "ER", title = "President", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{position}/nominations", new { leaderId = id, note = NominationNote }));
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{position}/readiness-assessments", new { leaderId = id, readiness = "ready-now", justification = Justification }));
        // Others, so that the counts mean something.
        foreach (var i in Enumerable.Range(1, 3))
        {
            var other = await Enrol($"Other Leader {i}", $"other{i}@example.org");
            var (otherClient, _) = await _app.SignedInAsync(Roles.Leader, "ER", other);
            await Attain(other, otherClient, "ADV.1");
        }
        await Ok(_admin.PostAsync("/api/reports/succession/issues?affiliate=ER", null), HttpStatusCode.Created);
        await _app.CaughtUpAsync();
        (await Dump()).Should().Contain(Name, "the check must be able to find the name before the erasure");

        // A rebuild before the erasure leaves a retired generation behind: it must not keep the name.
        await _app.Services.GetRequiredService<ProjectionRuntime>().RebuildAsync(LeaderProgressProjection.ProjectionName);
        var progressBefore = await Ok(_admin.GetAsync($"/api/leaders/{id}/progress"));
        var pipelineBefore = await Ok(_admin.GetAsync("/api/reports/pipeline?affiliate=ER"));
        var successionBefore = await Ok(_admin.GetAsync("/api/reports/succession?affiliate=ER"));

        var erased = await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "Subject's written request of 2026-11-20" }));
        erased.GetProperty("alreadyErased").GetBoolean().Should().BeFalse();
        await _app.CaughtUpAsync();

        var dump = await Dump();
        foreach (var value in new[] { Name, Email, AssessmentNote, EvidenceNote, SignOffNote, DeclineReason, NominationNote, Justification, Gender, Race, "enrol-quenby" })
            dump.Should().NotContain(value);
        dump.Should().Contain("Subject's written request of 2026-11-20", "the erasure itself is recorded, with its reason");
        dump.Should().Contain("wolverine_incoming_envelopes").And.Contain("wolverine_dead_letters", "Wolverine's message tables are part of what is searched");

        var record = await Ok(_admin.GetAsync($"/api/leaders/{id}"));
        record.GetProperty("displayName").GetString().Should().Be("Erased leader");
        record.GetProperty("email").ValueKind.Should().Be(JsonValueKind.Null);
        record.GetProperty("erased").GetBoolean().Should().BeTrue();
        (await Ok(_admin.GetAsync($"/api/leaders/{id}/progress"))).GetRawText().Should().Be(progressBefore.GetRawText(), "levels stay");
        var pipelineAfter = await Ok(_admin.GetAsync("/api/reports/pipeline?affiliate=ER"));
        pipelineAfter.GetProperty("stages").GetRawText().Should().Be(pipelineBefore.GetProperty("stages").GetRawText(), "counts stay");
        pipelineAfter.GetProperty("domains").GetRawText().Should().Be(pipelineBefore.GetProperty("domains").GetRawText());
        var successionAfter = await Ok(_admin.GetAsync("/api/reports/succession?affiliate=ER"));
        successionAfter.GetProperty("coverage").GetRawText().Should().Be(successionBefore.GetProperty("coverage").GetRawText());
        var candidate = successionAfter.GetProperty("positions")[0].GetProperty("candidates")[0];
        candidate.GetProperty("displayName").GetString().Should().Be("Erased leader");
        candidate.GetProperty("readiness").GetString().Should().Be("ready-now");
        var history = await Ok(_admin.GetAsync($"/api/leaders/{id}/history"));
        history.EnumerateArray().Last().GetProperty("type").GetString().Should().Be("leader.erased");
        history.GetRawText().Should().NotContain(Name).And.NotContain(SignOffNote);

        // Nothing more is written about an erased leader, and the erasure is not repeated.
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "GOV.1", level = 1 })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await leader.GetAsync($"/api/leaders/{id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "their sign-in went with their data");
        (await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "again" }))).GetProperty("alreadyErased").GetBoolean().Should().BeTrue();

        // A rebuild reads the enrolment as unreadable and the erasure event as before: the same read models.
        var runtime = _app.Services.GetRequiredService<ProjectionRuntime>();
        var models = new (string Projection, string[] Tables)[]
        {
            (LeaderProgressProjection.ProjectionName, ["leaders", "status_history", "attainments", "pending", "history"]),
            (MentorQueueProjection.ProjectionName, ["leaders", "mentors", "requests"]),
            (AffiliatePipelineProjection.ProjectionName, ["leaders", "attainments", "domains"]),
            (EquityProjection.ProjectionName, ["values"]),
        };
        var before = new Dictionary<string, IReadOnlyDictionary<string, string[]>>();
        foreach (var (projection, tables) in models) before[projection] = await DumpTables(runtime, projection, tables);
        foreach (var (projection, _) in models) await runtime.RebuildAsync(projection);
        foreach (var (projection, tables) in models)
            (await DumpTables(runtime, projection, tables)).Should().BeEquivalentTo(before[projection], o => o.WithStrictOrdering(), $"{projection} after a rebuild");
        (await Dump()).Should().NotContain(Name, "nor after the rebuild");
    }

    [Fact]
    public async Task An_erasure_on_one_host_reaches_what_another_host_shows_as_it_commits()
    {
        const string note = "Chaired the Ashgrove caucus";
        var id = await Enrol("Wynn Ashgrove", "wynn.ashgrove@example.org");
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "ER", id);
        await Attain(id, leader, "ADV.1", note);
        await using var second = new LeaderJourneyAppFactory(database.ConnectionString);
        var (secondAdmin, _) = await second.SignedInAsync(Roles.AffiliateAdmin, "ER");
        // The second host opens the note with the leader's key, and keeps the key for a minute.
        (await Ok(secondAdmin.GetAsync($"/api/leaders/{id}/history"))).GetRawText().Should().Contain(note);

        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "Subject's request by phone" }));

        await Waiting.Until(async () => !(await Ok(secondAdmin.GetAsync($"/api/leaders/{id}/history"))).GetRawText().Contains(note),
            "the second host to stop showing the note", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Only_admins_erase_inside_their_affiliate_with_a_reason_that_names_neither_the_leader_nor_their_email()
    {
        var id = await Enrol("Ivo Castellane", "ivo.castellane@example.org");
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "asked" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var (otherAdmin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "OTHER");
        (await otherAdmin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "asked" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = " " })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var naming = await _admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "Ivo Castellane asked by phone" });
        naming.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await naming.Content.ReadAsStringAsync()).Should().Contain("leave the leader's name and email out");
        (await Ok(_admin.GetAsync($"/api/leaders/{id}"))).GetProperty("erased").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Concurrent_erasures_erase_once_a_stale_if_match_is_409_and_a_position_sent_as_a_leader_is_not_found()
    {
        var id = await Enrol("Orla Brennock", "orla.brennock@example.org");
        var store = _app.Services.GetRequiredService<LeaderJourney.Storage.Store>();
        var version = (await store.FetchStreamInfoAsync(id))!.Version;

        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/erasure") { Content = JsonContent.Create(new { reason = "asked in writing" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{version - 1}\"");
        (await _admin.SendAsync(stale)).StatusCode.Should().Be(HttpStatusCode.Conflict);

        // Each waits for the stream's row; the ones after the first find the leader erased.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "asked in writing" }))));
        answers.Count(a => !a.GetProperty("alreadyErased").GetBoolean()).Should().Be(1);
        (await store.ReadStreamAsync(id)).Count(e => e.Data is LeaderJourney.Domain.Leaders.LeaderErased).Should().Be(1);
        (await store.FetchStreamInfoAsync(id))!.Version.Should().Be(version + 1);

        // In an affiliate of its own: the other tests here read ER's positions.
        var (positionAdmin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "EP");
        var position = (await Ok(positionAdmin.PostAsJsonAsync("/api/positions", new { affiliate = "EP", title = "Chair", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }),
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        (await positionAdmin.PostAsJsonAsync($"/api/leaders/{position}/erasure", new { reason = "asked" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await positionAdmin.PostAsJsonAsync($"/api/leaders/{Guid.NewGuid()}/erasure", new { reason = "asked" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<IReadOnlyDictionary<string, string[]>> DumpTables(ProjectionRuntime runtime, string projection, string[] tables)
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        return await ReadModelDump.DumpAsync(runtime, dataSource, projection, tables);
    }

    /// <summary>
    /// pg_dump of the whole test database, as plain SQL text, followed by every bytea value in it
    /// decoded (a text search of the dump alone would miss a value stored as bytes, such as a message
    /// body or Marten's binary event data).
    /// </summary>
    private async Task<string> Dump()
    {
        var dump = await PlainDump();
        var decoded = System.Text.RegularExpressions.Regex.Matches(dump, @"\\x((?:[0-9a-f]{2})+)")
            .Select(m => System.Text.Encoding.UTF8.GetString(Convert.FromHexString(m.Groups[1].Value))).ToList();
        decoded.Should().NotBeEmpty("the other leaders' wrapped keys are bytea: the decoding must find them");
        return dump + "\n" + string.Join("\n", decoded);
    }

    private async Task<string> PlainDump()
    {
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var start = new ProcessStartInfo("pg_dump", ["--no-owner", "-h", connection.Host!, "-p", connection.Port.ToString(), "-U", connection.Username!, connection.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = connection.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, await errors);
        return await output;
    }
}
