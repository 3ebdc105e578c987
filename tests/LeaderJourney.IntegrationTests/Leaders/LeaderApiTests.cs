using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Leaders;

public sealed class LeaderApiTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _admin = null!;
    private HttpClient _mentor = null!;
    private Guid _mentorId;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        (_mentor, _mentorId) = await _app.SignedInAsync(Roles.Mentor, "OH");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");

    private async Task<Guid> Enrol(HttpClient? admin = null, string affiliate = "OH")
    {
        var response = await (admin ?? _admin).PostAsJsonAsync("/api/leaders", new { affiliate, displayName = "Rosa Parks", email = "rosa@example.org", local = "Local 12" });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<Guid> EnrolWithMentor()
    {
        var id = await Enrol();
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = _mentorId })).StatusCode.Should().Be(HttpStatusCode.OK);
        return id;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task An_enrolment_takes_its_affiliate_with_surrounding_spaces_and_refuses_a_control_character_with_400()
    {
        // The message is sent for the affiliate the body names; it is the trimmed name the leader belongs to.
        var padded = await _admin.PostAsJsonAsync("/api/leaders", new { affiliate = " OH ", displayName = "Padded Affiliate", email = "padded@example.org" });
        padded.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await Json(padded)).GetProperty("id").GetGuid();
        var read = await _admin.GetAsync($"/api/leaders/{id}");
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Json(read)).GetProperty("affiliate").GetString().Should().Be("OH");

        // Refused before any stream is loaded under that name.
        var nul = await _admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH\u0000", displayName = "Nul Affiliate", email = "nul@example.org" });
        nul.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Concurrent_assignments_on_one_leader_with_a_pool_half_their_number_all_answer_without_a_500()
    {
        // Every command holds the leader's row from its load to its commit; what it needs from elsewhere
        // (the mentor an assignment names) is read before the load, so the row's holder never waits for
        // a second connection while the writers queued behind it hold the rest of the pool.
        await using var small = new LeaderJourneyAppFactory(database.ConnectionString + ";Maximum Pool Size=8;Timeout=5");
        var (admin, _) = await small.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var id = await Enrol(admin);

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = _mentorId })));

        answers.Select(a => (int)a.StatusCode).Should().OnlyContain(status => status == 200 || status == 422);
        answers.Count(a => a.StatusCode == HttpStatusCode.OK).Should().Be(1, "the first assignment lands; the others find the mentor assigned");
    }

    [Fact]
    public async Task A_training_recorded_by_mistake_is_withdrawn_taking_back_the_level_it_stood_on_and_evidence_by_who_added_it()
    {
        var id = await EnrolWithMentor();
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "OH", id);
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Wrong theme workshop", themeCode = "COM.1", level = 1, completedOn = Today }));
        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.1", level = 1 }));
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/evidence", new { themeCode = "COM.1", level = 2, note = "Not mine" }));
        var history = await Ok(_admin.GetAsync($"/api/leaders/{id}/history"));
        Guid IdOf(string type, string field) => history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == type).GetProperty("data").GetProperty(field).GetGuid();
        var training = IdOf("leader.training-completed", "trainingId");
        var evidence = IdOf("leader.evidence-added", "evidenceId");
        (await Ok(_admin.GetAsync($"/api/leaders/{id}/progress"))).ToString().Should().Contain("COM.1");

        // The leader withdraws only what they recorded; the mentor neither.
        (await leader.PostAsJsonAsync($"/api/leaders/{id}/training-withdrawals", new { trainingId = training })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/evidence-withdrawals", new { evidenceId = evidence })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/training-withdrawals", new { trainingId = Guid.NewGuid() })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "no such training on the record");
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/training-withdrawals", new { })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/training-withdrawals", new { trainingId = training, reason = "Recorded against the wrong theme" }));
        var after = await Ok(_admin.GetAsync($"/api/leaders/{id}/history"));
        var types = after.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        types.TakeLast(2).Should().Equal("leader.training-withdrawn", "leader.level-attainment-revoked");
        after.EnumerateArray().Last().GetProperty("data").GetProperty("reason").GetString().Should().Be("Recorded against the wrong theme");
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/training-withdrawals", new { trainingId = training })).StatusCode
            .Should().Be(HttpStatusCode.UnprocessableEntity, "a training is withdrawn once");

        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/evidence-withdrawals", new { evidenceId = evidence }));
        (await Ok(_admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Last().GetProperty("type").GetString().Should().Be("leader.evidence-withdrawn");

        // The level is attained again once a training of the right theme is recorded: the mentor's sign-off still stands.
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Messaging workshop", themeCode = "COM.1", level = 1, completedOn = Today }));
        (await Ok(_admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Last().GetProperty("type").GetString().Should().Be("leader.level-attained");
    }

    [Fact]
    public async Task An_assessment_recorded_by_mistake_is_withdrawn_by_its_mentor_taking_back_the_level_it_stood_on_and_once_only()
    {
        var id = await EnrolWithMentor();
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "OH", id);
        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/assessments", new { themeCode = "COM.1", level = 1, kind = "mentor", note = "One tap too many" }));
        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.1", level = 1 }));
        var history = await Ok(_admin.GetAsync($"/api/leaders/{id}/history"));
        history.EnumerateArray().Last().GetProperty("type").GetString().Should().Be("leader.level-attained", "the mentor's assessment was the level's learning");
        var assessment = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "leader.assessment-recorded").GetProperty("data").GetProperty("assessmentId").GetGuid();

        (await leader.PostAsJsonAsync($"/api/leaders/{id}/assessment-withdrawals", new { assessmentId = assessment })).StatusCode
            .Should().Be(HttpStatusCode.UnprocessableEntity, "only who recorded it, or staff");
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/assessment-withdrawals", new { assessmentId = Guid.NewGuid() })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/assessment-withdrawals", new { assessmentId = assessment }));
        var types = (await Ok(_admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        types.TakeLast(2).Should().Equal("leader.assessment-withdrawn", "leader.level-attainment-revoked");
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/assessment-withdrawals", new { assessmentId = assessment })).StatusCode
            .Should().Be(HttpStatusCode.UnprocessableEntity, "an assessment is withdrawn once");
        (await Ok(_admin.GetAsync($"/api/leaders/{id}/progress"))).GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "COM.1")
            .GetProperty("level").GetInt32().Should().Be(0, "the level it stood on is taken back");
    }

    [Fact]
    public async Task The_whole_happy_path_enrol_mentor_training_request_sign_off_attained()
    {
        var created = await _admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Rosa Parks", email = "rosa@example.org" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var enrolled = await Json(created);
        var id = enrolled.GetProperty("id").GetGuid();
        created.Headers.Location!.ToString().Should().Be($"/api/leaders/{id}");
        enrolled.GetProperty("version").GetInt64().Should().Be(1);

        (await Json(await _admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = _mentorId }))).GetProperty("version").GetInt64().Should().Be(2);
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "OH", id);
        (await leader.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Advocacy 101", themeCode = "ADV.1", level = 1, hours = 3.5, completedOn = Today }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 })).StatusCode.Should().Be(HttpStatusCode.OK);

        var signOff = await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1, note = "Well done" });

        signOff.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await Json(signOff);
        answer.GetProperty("attained").GetBoolean().Should().BeTrue();
        answer.GetProperty("version").GetInt64().Should().Be(6, "enrolled, mentor, training, request, sign-off, attained");

        var progress = await leader.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/progress");
        var adv1 = progress.GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "ADV.1");
        adv1.GetProperty("level").GetInt32().Should().Be(1);
        adv1.GetProperty("attainedAt").ValueKind.Should().Be(JsonValueKind.String);
        progress.GetProperty("themes").GetArrayLength().Should().Be(33);
        progress.GetProperty("domains").EnumerateArray().Single(d => d.GetProperty("code").GetString() == "ADV").GetProperty("level").GetInt32()
            .Should().Be(0, "a domain's level is its lowest theme's");

        var provenance = await leader.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/attainments/ADV.1/1");
        var clauses = provenance.GetProperty("clauses").EnumerateArray().ToDictionary(c => c.GetProperty("rule").GetString()!, c => c.GetProperty("events"));
        clauses["learning"].EnumerateArray().Single().GetProperty("type").GetString().Should().Be("leader.training-completed");
        clauses["sign-off"].EnumerateArray().Single().GetProperty("type").GetString().Should().Be("leader.signed-off");
        clauses["sign-off"].EnumerateArray().Single().GetProperty("actor").GetString().Should().Be(_mentorId.ToString());

        var history = await leader.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/history");
        history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).Should().Equal(
            "leader.enrolled", "leader.mentor-assigned", "leader.training-completed", "leader.sign-off-requested", "leader.signed-off", "leader.level-attained");

        var record = await _admin.GetAsync($"/api/leaders/{id}");
        record.Headers.ETag!.Tag.Should().Be("\"6\"");
        (await Json(record)).GetProperty("mentors").EnumerateArray().Single().GetGuid().Should().Be(_mentorId);
    }

    [Fact]
    public async Task Staff_pause_withdraw_and_reactivate_a_leader_and_end_a_mentors_assignment()
    {
        var id = await EnrolWithMentor();
        async Task<string> Status() => (await Json(await _admin.GetAsync($"/api/leaders/{id}"))).GetProperty("status").GetString()!;
        var training = new { title = "Workshop", themeCode = "ADV.1", level = 1, completedOn = Today };

        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "paused", reason = "Parental leave" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Status()).Should().Be("paused");
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", training)).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "a paused journey takes no learning");
        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "paused" })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "already paused");
        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "active" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", training)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "withdrawn", reason = "Moved away" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Status()).Should().Be("withdrawn");
        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "active" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Status()).Should().Be("active");
        var history = (await Json(await _admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        history.Should().ContainInOrder("leader.paused", "leader.reactivated", "leader.withdrawn", "leader.reactivated");

        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "asleep" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _mentor.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "paused" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _mentor.DeleteAsync($"/api/leaders/{id}/mentors/{_mentorId}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        (await _admin.DeleteAsync($"/api/leaders/{id}/mentors/{_mentorId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Json(await _admin.GetAsync($"/api/leaders/{id}"))).GetProperty("mentors").EnumerateArray().Should().BeEmpty();
        (await _admin.DeleteAsync($"/api/leaders/{id}/mentors/{_mentorId}")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "no longer assigned");
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/trainings", training)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "a mentor no longer assigned no longer records for the leader");
    }

    [Fact]
    public async Task A_sign_off_before_the_learning_attains_the_level_when_the_training_lands()
    {
        var id = await EnrolWithMentor();
        var signOff = await Json(await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.2", level = 1 }));
        signOff.GetProperty("attained").GetBoolean().Should().BeFalse();

        await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Messaging", themeCode = "COM.2", level = 1, completedOn = Today });

        var progress = await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/progress");
        progress.GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "COM.2").GetProperty("level").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task A_mentor_revokes_their_own_sign_off_and_the_level_with_it_and_an_admin_revokes_a_named_mentors()
    {
        var id = await EnrolWithMentor();
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Messaging", themeCode = "COM.2", level = 1, completedOn = Today }));
        (await Json(await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.2", level = 1 }))).GetProperty("attained").GetBoolean().Should().BeTrue();
        int Level(JsonElement progress) => progress.GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "COM.2").GetProperty("level").GetInt32();

        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "COM.2", level = 1, reason = "" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "COM.2", level = 1, reason = "Signed the wrong theme" }));
        Level(await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/progress")).Should().Be(0, "a revoked sign-off revokes the level it attained");
        var history = await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/history");
        history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).TakeLast(2).Should().Equal("leader.sign-off-revoked", "leader.level-attainment-revoked");
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "COM.2", level = 1, reason = "Again" }))
            .StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "there is no standing sign-off left to revoke");

        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.2", level = 1 }));
        Level(await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/progress")).Should().Be(1);
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "COM.2", level = 1, reason = "Mentor left" }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest, "an admin names the mentor whose sign-off goes");
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "COM.2", level = 1, mentorUserId = _mentorId, reason = "Mentor left" }));
        Level(await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/progress")).Should().Be(0);

        var (otherMentor, otherMentorId) = await _app.SignedInAsync(Roles.Mentor, "OH");
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = otherMentorId }));
        await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.2", level = 1 }));
        (await otherMentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "COM.2", level = 1, mentorUserId = _mentorId, reason = "Not mine" }))
            .StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "a mentor revokes only their own sign-off");
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "OH", leaderId: id);
        (await leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "COM.2", level = 1, mentorUserId = _mentorId, reason = "Mine" }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_sign_off_with_the_mentors_assessment_and_its_undo_are_each_one_command_recorded_whole()
    {
        var id = await EnrolWithMentor(); // v1 enrolled, v2 mentor assigned
        async Task<List<string?>> Types() => (await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/history")).EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();

        // The assessment is the level's learning when the sign-off is decided: the one command attains the level.
        async Task<HttpResponseMessage> SignWithAssessment()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/sign-offs")
            {
                Content = JsonContent.Create(new { themeCode = "COM.2", level = 1, note = "Ready", assessment = new { note = "Ran the phone bank" } }),
            };
            request.Headers.Add("Idempotency-Key", "assess-and-sign-" + id);
            return await _mentor.SendAsync(request);
        }
        var signed = await Ok(SignWithAssessment());
        signed.GetProperty("attained").GetBoolean().Should().BeTrue();
        signed.GetProperty("version").GetInt64().Should().Be(5);
        (await Types()).Skip(2).Should().Equal("leader.assessment-recorded", "leader.signed-off", "leader.level-attained");
        (await Ok(SignWithAssessment())).GetProperty("version").GetInt64().Should().Be(5, "a repeat answers the first answer");
        (await Types()).Should().HaveCount(5, "and appends nothing");
        var attainment = await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/attainments/COM.2/1");
        attainment.GetProperty("clauses").EnumerateArray().Single(c => c.GetProperty("rule").GetString() == "learning")
            .GetProperty("events").EnumerateArray().Single().GetProperty("version").GetInt64().Should().Be(3, "the assessment recorded with the sign-off is the level's learning");

        // The undo: the sign-off withdrawn, the level with it, and the request back in the mentor's queue, at the version it was given at.
        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/sign-off-revocations") { Content = JsonContent.Create(new { themeCode = "COM.2", level = 1, reason = "Undo", askAgain = true }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"4\"");
        (await _mentor.SendAsync(stale)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Types()).Should().HaveCount(5, "a refused undo records nothing");
        var undo = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/sign-off-revocations") { Content = JsonContent.Create(new { themeCode = "COM.2", level = 1, reason = "Undo", askAgain = true }) };
        undo.Headers.TryAddWithoutValidation("If-Match", "\"5\"");
        (await Ok(_mentor.SendAsync(undo))).GetProperty("version").GetInt64().Should().Be(8);
        (await Types()).Skip(5).Should().Equal("leader.sign-off-revoked", "leader.level-attainment-revoked", "leader.sign-off-requested");

        // A mentor not assigned to the leader records neither the assessment nor the sign-off.
        var (stranger, _) = await _app.SignedInAsync(Roles.Mentor, "OH");
        (await stranger.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.2", level = 1, assessment = new { } })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await stranger.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.2", level = 1, assessment = new { note = new string('x', 5000) } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Types()).Should().HaveCount(8);
    }

    [Fact]
    public async Task Staff_correct_a_leaders_name_email_and_local_sealed_and_refused_once_erased()
    {
        var id = await Enrol();
        await Ok(_admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "Ella J. Baker", email = "ella.baker@example.org", local = "Local 12" }));
        var leader = await Ok(_admin.GetAsync($"/api/leaders/{id}"));
        leader.GetProperty("displayName").GetString().Should().Be("Ella J. Baker");
        var history = await Ok(_admin.GetAsync($"/api/leaders/{id}/history"));
        history.EnumerateArray().Last().GetProperty("type").GetString().Should().Be("leader.profile-changed");

        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "Ella J. Baker", email = "not an address" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = " ", email = "ella.baker@example.org" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _mentor.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "X", email = "x@example.org" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        // The stored event holds the new name sealed, never in plain text.
        await using (var dataSource = LeaderJourney.Storage.Database.CreateDataSource(database.ConnectionString))
        {
            await using var count = dataSource.CreateCommand("select count(*) from leaderjourney.mt_events where stream_id = $1 and type = 'leader.profile-changed' and data::text not like '%Ella J. Baker%'");
            count.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = id });
            ((long)(await count.ExecuteScalarAsync())!).Should().Be(1);
        }

        // An address stored before the check grew stricter (an underscore in its domain) is kept when the name is corrected,
        // and refused only when it is typed anew.
        await using (var session = _app.Services.GetRequiredService<Marten.IDocumentStore>().LightweightSession("OH"))
        {
            session.Events.Append(id, new LeaderJourney.Domain.Leaders.LeaderProfileChanged(id, "Ella J. Baker", "ella@old_host.example.org", null, Guid.NewGuid(), DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await Ok(_admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "Ella Jo Baker", email = " ella@old_host.example.org " }));
        (await Ok(_admin.GetAsync($"/api/leaders/{id}"))).GetProperty("displayName").GetString().Should().Be("Ella Jo Baker");
        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "Ella Jo Baker", email = "ella@new_host.example.org" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // Her address is found under its keyed hash as it is now, never as it was; after the erasure, not at all.
        var lists = _app.Services.GetRequiredService<LeaderJourney.Core.Leaders.LeaderLists>();
        (await lists.WithAddressAsync("OH", ["Ella@Old_Host.example.org"], default))!.Select(a => a.Leader.Id).Should().Equal(id);
        (await lists.WithAddressAsync("OH", ["ella.baker@example.org"], default))!.Select(a => a.Leader.Id).Should().NotContain(id);
        (await lists.WithAddressAsync("NV", ["ella@old_host.example.org"], default)).Should().BeEmpty("another affiliate's leaders are not looked at");
        // While an upgrade builds the version that keeps the hashes beside an older active one, the look says it could not be made (null), not "none".
        await using (var dataSource = LeaderJourney.Storage.Database.CreateDataSource(database.ConnectionString))
        {
            async Task ActiveVersion(int version)
            {
                await using var set = dataSource.CreateCommand($"update leaderjourney.projection_generations set version = {version} where name = 'leader-progress' and status = 'active'");
                await set.ExecuteNonQueryAsync();
            }
            await ActiveVersion(1);
            try
            {
                (await lists.WithAddressAsync("OH", ["ella@old_host.example.org"], default)).Should().BeNull();
                // A name is still compared then, folded in the query instead of read from the row.
                (await lists.NamedAsync("OH", ["ELLA  jo-baker"], default)).Select(l => l.Id).Should().Contain(id);
            }
            finally { await ActiveVersion(new LeaderJourney.Core.Projections.LeaderProgressProjection().Version); }
        }

        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "Asked to be forgotten" }));
        (await lists.WithAddressAsync("OH", ["ella@old_host.example.org"], default)).Should().BeEmpty("an erasure clears the address's hash with the name");
        (await _admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "Ella Baker", email = "ella@example.org" }))
            .StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "an erased record takes no personal data again");
    }

    [Fact]
    public async Task Progress_as_of_a_moment_before_the_attainment_shows_the_earlier_level()
    {
        var id = await EnrolWithMentor();
        await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Advocacy 101", themeCode = "ADV.2", level = 1, completedOn = Today });
        var before = DateTimeOffset.UtcNow;
        await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.2", level = 1 });

        var then = await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/progress?asOf={Uri.EscapeDataString(before.ToString("O"))}");
        var now = await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/progress");

        Level(then, "ADV.2").Should().Be(0);
        Level(now, "ADV.2").Should().Be(1);
        (await _admin.GetAsync($"/api/leaders/{id}/progress?asOf=yesterday")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        static int Level(JsonElement progress, string code) =>
            progress.GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == code).GetProperty("level").GetInt32();
    }

    [Fact]
    public async Task Refusals_answer_with_their_status_codes()
    {
        var id = await EnrolWithMentor();
        var (otherMentor, _) = await _app.SignedInAsync(Roles.Mentor, "OH");
        var (board, _) = await _app.SignedInAsync(Roles.Board, "OH");
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "OH", id);
        var (otherAdmin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "MI");

        // Not assigned to this leader: a rule of the journey, not of the role.
        (await otherMentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await leader.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await board.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "x", themeCode = "ADV.1", level = 1, completedOn = Today })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _mentor.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "X", email = "x@example.org" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _app.CreateClient().GetAsync($"/api/leaders/{id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        // Another affiliate's leader, another leader's record and an unknown leader all look the same.
        (await otherAdmin.GetAsync($"/api/leaders/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await otherAdmin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "x", themeCode = "ADV.1", level = 1, completedOn = Today })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _admin.GetAsync($"/api/leaders/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var someoneElse = await Enrol();
        (await leader.GetAsync($"/api/leaders/{someoneElse}/progress")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var unknownTheme = await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "x", themeCode = "ZZZ.9", level = 1, completedOn = Today });
        unknownTheme.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json(unknownTheme)).GetProperty("errors").GetProperty("themeCode")[0].GetString().Should().Contain("ADV.1").And.Contain("SFH.5");
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "x", themeCode = "ADV.1", level = 4, completedOn = Today })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "x", themeCode = "ADV.1", level = 1, completedOn = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd") }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "ADV.1", level = 1, reason = "" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "ADV.1", level = 1, reason = "Not yet" }))
            .StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "there is no pending request to decline");
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = Guid.NewGuid() })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_mentor_records_only_for_the_leaders_assigned_to_them()
    {
        var id = await EnrolWithMentor();
        var (otherMentor, _) = await _app.SignedInAsync(Roles.Mentor, "OH");
        (await otherMentor.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "x", themeCode = "ADV.1", level = 1, completedOn = Today }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await otherMentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _mentor.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "x", themeCode = "ADV.1", level = 1, completedOn = Today }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task If_Match_with_a_stale_version_is_409_with_the_current_version()
    {
        var id = await EnrolWithMentor();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/trainings")
        {
            Content = JsonContent.Create(new { title = "x", themeCode = "ADV.1", level = 1, completedOn = Today }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");

        var response = await _admin.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Json(response)).GetProperty("currentVersion").GetInt64().Should().Be(2);

        var fresh = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/trainings") { Content = JsonContent.Create(new { title = "x", themeCode = "ADV.1", level = 1, completedOn = Today }) };
        fresh.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        (await _admin.SendAsync(fresh)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Fifty_concurrent_trainings_on_one_leader_are_fifty_events_none_lost()
    {
        var id = await EnrolWithMentor();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = $"Session {i}", themeCode = "GOV.1", level = 1, completedOn = Today })));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var history = await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/history");
        var titles = history.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "leader.training-completed")
            .Select(e => e.GetProperty("data").GetProperty("title").GetString()).ToList();
        titles.Should().HaveCount(50).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_refused_command_leaves_none_of_the_text_it_carried_in_the_log_and_is_not_logged_as_an_error()
    {
        var logs = new CapturedLogs();
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString, logs: logs);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var (mentor, _) = await app.SignedInAsync(Roles.Mentor, "OH");
        var id = await Enrol(admin);

        // Refused in the handlers: not assigned to this mentor; an unknown theme; a malformed e-mail
        // address and a taken user name, whose refusals repeat what was sent.
        (await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "ADV.1", level = 1, reason = "Secret-reason-Q7" }))
            .StatusCode.Should().BeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.UnprocessableEntity);
        var refused = await admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Secret-title-Q7", themeCode = "NOPE.9", level = 1, completedOn = Today });
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", "one handler answers every refusal as problem details");
        refused.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        var badEmail = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Secret-name-Q7", email = "Secret-email-Q7" });
        badEmail.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badEmail.Content.ReadAsStringAsync()).Should().Contain("Secret-email-Q7", "the caller is told what was wrong with what they sent");
        var user = new { username = "Secret-user-Q7", password = "a long enough password", role = "mentor", affiliate = "OH" };
        (await admin.PostAsJsonAsync("/api/users", user)).StatusCode.Should().Be(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/api/users", user)).StatusCode.Should().Be(HttpStatusCode.Conflict);

        logs.Lines.Should().NotContain(l => l.Contains("Secret-"), "what a caller sent may be personal; it never reaches a log");
        logs.Lines.Should().NotContain(l => l.StartsWith("Error") || l.StartsWith("Critical"), "a refusal is an answer, not an error");
    }

    [Fact]
    public async Task Twenty_repeats_of_one_Idempotency_Key_append_one_event_and_answer_alike()
    {
        var id = await EnrolWithMentor();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/trainings")
            {
                Content = JsonContent.Create(new { title = "Once only", themeCode = "GOV.2", level = 1, completedOn = Today }),
            };
            request.Headers.Add("Idempotency-Key", "training-once-" + id);
            return _admin.SendAsync(request);
        }));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var versions = await Task.WhenAll(responses.Select(async r => (await Json(r)).GetProperty("version").GetInt64()));
        versions.Distinct().Should().ContainSingle();
        var history = await _admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/history");
        history.EnumerateArray().Count(e => e.GetProperty("type").GetString() == "leader.training-completed").Should().Be(1);

        var other = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/trainings")
        {
            Content = JsonContent.Create(new { title = "Something else", themeCode = "GOV.2", level = 1, completedOn = Today }),
        };
        other.Headers.Add("Idempotency-Key", "training-once-" + id);
        (await _admin.SendAsync(other)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a key names one request");
    }

    public static TheoryData<string, string> MalformedBodies()
    {
        var huge = new string('x', 100_000);
        var bodies = new[]
        {
            "", "not json", "[]", "null", "42", "{", "{\"level\": \"three\"}", "{\"level\": 1.5}", "{\"level\": 99999999999999}",
            "{\"themeCode\": 12, \"level\": 1}", "{\"themeCode\": \"ADV.1\", \"level\": 1, \"completedOn\": \"31/12/2024\"}",
            "{\"themeCode\": \"ADV.1\", \"level\": 1, \"completedOn\": \"2024-02-30\"}", "{\"themeCode\": \"ADV.1\", \"level\": 1, \"kind\": \"boss\"}",
            $"{{\"title\": \"{huge}\", \"themeCode\": \"ADV.1\", \"level\": 1, \"completedOn\": \"2024-01-01\"}}",
            $"{{\"themeCode\": \"{huge}\", \"level\": 1}}", "{\"mentorUserId\": \"not-a-guid\"}", "{\"mentorUserId\": 7}",
            "{\"displayName\": null, \"email\": \"x\"}", "{\"themeCode\": \"ADV.1\", \"level\": -1, \"reason\": \"\"}",
            "{\"themeCode\": \"ADV.1\", \"level\": 1, \"hours\": -3, \"title\": \"t\", \"completedOn\": \"2024-01-01\"}",
            "{\"link\": \"javascript:alert(1)\", \"themeCode\": \"ADV.1\", \"level\": 1}",
            "{\"title\": \"a\\u0000b\", \"themeCode\": \"ADV.1\", \"level\": 1, \"completedOn\": \"2024-01-01\", \"note\": \"x\\u0000\", \"reason\": \"\\u0000\"}",
            "{\"affiliate\": \"OH\", \"displayName\": \"Nul\\u0000Name\", \"email\": \"x@example.org\"}",
        };
        var paths = new[] { "", "/{id}/mentors", "/{id}/trainings", "/{id}/assessments", "/{id}/evidence", "/{id}/sign-off-requests", "/{id}/sign-offs", "/{id}/sign-off-declines", "/{id}/sign-off-revocations" };
        var data = new TheoryData<string, string>();
        foreach (var path in paths)
            foreach (var body in bodies)
                data.Add(path, body);
        return data;
    }

    [Fact]
    public async Task No_malformed_body_on_any_write_endpoint_returns_500()
    {
        var id = await EnrolWithMentor();
        var failures = new List<string>();
        foreach (var row in MalformedBodies())
        {
            var (path, body) = ((string)row[0], (string)row[1]);
            foreach (var (client, leaderId) in new[] { (_admin, id.ToString()), (_mentor, id.ToString()), (_admin, "not-a-guid") })
            {
                var url = "/api/leaders" + path.Replace("{id}", leaderId);
                var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
                if ((int)response.StatusCode >= 500)
                    failures.Add($"{(int)response.StatusCode} for POST {url} with {body[..Math.Min(body.Length, 60)]}");
                else if ((int)response.StatusCode is >= 400 and < 500)
                    response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", $"POST {url} with {body[..Math.Min(body.Length, 40)]} answers a problem");
            }
        }
        failures.Should().BeEmpty();
    }
}
