using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Access;

public sealed class UserAdministrationTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task An_admin_makes_a_leader_sign_in_only_for_a_leader_of_their_affiliate_without_one_and_a_foreign_leader_answers_like_a_missing_one()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (ohio, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var (michigan, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "MI");
        async Task<Guid> Enrol(HttpClient admin, string affiliate) =>
            (await (await admin.PostAsJsonAsync("/api/leaders", new { affiliate, displayName = "Septima Clark", email = $"{Guid.NewGuid():N}@example.org" }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var own = await Enrol(ohio, "OH");
        var foreign = await Enrol(michigan, "MI");
        Task<HttpResponseMessage> SignInFor(Guid leaderId) =>
            ohio.PostAsJsonAsync("/api/users", new { username = $"l{Guid.NewGuid():N}"[..20], password = "a long enough password", role = "leader", affiliate = "OH", leaderId });

        var toForeign = await SignInFor(foreign);
        var toMissing = await SignInFor(Guid.NewGuid());
        toForeign.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a sign-in bound to another affiliate's leader would read their record");
        toMissing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        // The same answer, but for the id it names.
        static async Task<string> Title(HttpResponseMessage r, Guid id) =>
            (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()!.Replace(id.ToString(), "{id}");
        (await Title(toForeign, foreign)).Should().Be("There is no leader {id} in affiliate OH.");
        (await Title(toMissing, Guid.Empty)).Should().StartWith("There is no leader ").And.EndWith(" in affiliate OH.");

        (await SignInFor(own)).StatusCode.Should().Be(HttpStatusCode.Created);
        (await SignInFor(own)).StatusCode.Should().Be(HttpStatusCode.Conflict, "a leader has one sign-in: a second would be someone else reading their record");
    }

    [Fact]
    public async Task The_database_keeps_one_sign_in_per_leader_even_past_the_check_and_a_database_with_two_stops_its_upgrade_naming_the_leader()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        await app.EnsureAffiliateAsync("OH");
        // No creator: the check before the insert is skipped (as for generated data), so only the index refuses.
        var leader = Guid.NewGuid();
        await directory.CreateUserAsync($"one-{Guid.NewGuid():N}"[..20], ApiUsers.Password, Roles.Leader, "OH", leader, creator: null);
        var second = () => directory.CreateUserAsync($"two-{Guid.NewGuid():N}"[..20], ApiUsers.Password, Roles.Leader, "OH", leader, creator: null);
        (await second.Should().ThrowAsync<DuplicateException>()).WithMessage("This leader already has a sign-in.");

        // A database written before the index, with two sign-ins for one leader, is not upgraded past them.
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        // (Migration 11 changes a table of Marten's, which this bare schema does not have.)
        await SchemaMigrator.MigrateAsync(dataSource, "before_index", CoreSchema.Component, CoreSchema.Migrations.Where(m => m.Version is not (11 or 13)).ToList());
        var twice = Guid.NewGuid();
        await using (var insert = dataSource.CreateCommand($"""
            insert into before_index.affiliates (code, name, created_at) values ('OH', 'Ohio', now());
            insert into before_index.users (id, username, password_hash, role, affiliate, leader_id, created_at)
            values (gen_random_uuid(), 'first', 'x', 'leader', 'OH', '{twice}', now()), (gen_random_uuid(), 'second', 'x', 'leader', 'OH', '{twice}', now());
            """))
            await insert.ExecuteNonQueryAsync();
        var upgrade = () => SchemaMigrator.MigrateAsync(dataSource, "before_index", CoreSchema.Component, CoreSchema.Migrations.Where(m => m.Version != 11).ToList());
        (await upgrade.Should().ThrowAsync<PostgresException>()).Which.MessageText.Should().Contain($"more than one sign-in: {twice}");
        await using (var delete = dataSource.CreateCommand("delete from before_index.users where username = 'second'"))
            await delete.ExecuteNonQueryAsync();
        (await upgrade()).Should().Be(1, "with one sign-in per leader left, the upgrade goes through");
    }
    [Fact]
    public async Task Two_admins_adding_one_affiliate_in_different_cases_at_once_make_one_and_a_database_with_two_stops_its_upgrade_naming_them()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var suffix = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        // Eight at once of one code in different cases (names all distinct), then eight of one name: one
        // is made, and each of the others is refused naming the one that was.
        await using var live = NpgsqlDataSource.Create(database.ConnectionString);
        async Task<(string Code, string Name)> Made(string where)
        {
            await using var read = live.CreateCommand($"select code, name from {EventStoreOptions.DefaultSchema}.affiliates where {where}");
            await using var reader = await read.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();
            var made = (reader.GetString(0), reader.GetString(1));
            (await reader.ReadAsync()).Should().BeFalse("one affiliate is made of eight tries");
            return made;
        }
        async Task<string?[]> Tries(Func<int, (string Code, string Name)> nth)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tries = Enumerable.Range(0, 8).Select(async n =>
            {
                await start.Task;
                try { var (code, name) = nth(n); await directory.CreateAffiliateAsync(code, name); return null; }
                catch (DuplicateException refused) { return refused.Message; }
            }).ToList();
            start.SetResult();
            return await Task.WhenAll(tries);
        }
        var codeRace = await Tries(n => (n % 2 == 0 ? $"c{suffix}".ToLowerInvariant() : $"C{suffix}", $"Code race {suffix} {n}"));
        var byCode = await Made($"lower(code) = lower('C{suffix}')");
        codeRace.Count(m => m is null).Should().Be(1);
        codeRace.OfType<string>().Should().AllBe($"Affiliate '{byCode.Code}' already exists.");
        var nameRace = await Tries(n => ($"N{suffix}{n}", n % 2 == 0 ? $"Name race {suffix}" : $"NAME RACE {suffix}"));
        var byName = await Made($"lower(name) = lower('Name race {suffix}')");
        nameRace.Count(m => m is null).Should().Be(1);
        nameRace.OfType<string>().Should().AllBe($"An affiliate named '{byName.Name}' already exists: {byName.Code}.",
            "a try that lost to one added at the same moment looks again, to name it");

        // A database written before the indexes, with two codes in different cases, is not upgraded past them.
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        await SchemaMigrator.MigrateAsync(dataSource, "before_case", CoreSchema.Component, CoreSchema.Migrations.Where(m => m.Version is not (11 or 13) and < 31).ToList());
        await using (var insert = dataSource.CreateCommand("""
            insert into before_case.affiliates (code, name, created_at) values ('NV', 'Nevada', now() - interval '1 day'), ('nv', 'Nevada State', now()), ('OH', 'Ohio', now());
            """))
            await insert.ExecuteNonQueryAsync();
        var upgrade = () => SchemaMigrator.MigrateAsync(dataSource, "before_case", CoreSchema.Component, CoreSchema.Migrations.Where(m => m.Version is not (11 or 13)).ToList());
        (await upgrade.Should().ThrowAsync<PostgresException>()).Which.MessageText.Should().Contain("one code or name in different cases: NV (Nevada) and nv (Nevada State).");
        await using (var rename = dataSource.CreateCommand("update before_case.affiliates set code = 'NV2' where code = 'nv'"))
            await rename.ExecuteNonQueryAsync();
        (await upgrade()).Should().Be(CoreSchema.Migrations.Count(m => m.Version >= 31), "with each code one affiliate's in any case, the upgrade goes through (31 and those after it)");
    }

    [Fact]
    public async Task Each_change_to_a_sign_in_is_kept_with_who_made_it_and_an_affiliates_admins_read_their_own_on_the_users_page()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        await app.EnsureAffiliateAsync("AC");
        await app.EnsureAffiliateAsync("AD");
        await directory.CreateUserAsync("ac.staff", ApiUsers.Password, Roles.AffiliateAdmin, "AC", null, creator: null);
        var api = await app.SignInAsync("ac.staff");
        var mentor = (await (await api.PostAsJsonAsync("/api/users", new { username = "ac.mentor", password = "a long enough password", role = "mentor", affiliate = "AC" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        async Task Patch(object change) => (await api.PatchAsJsonAsync($"/api/users/{mentor}", change)).StatusCode.Should().Be(HttpStatusCode.OK, change.ToString());
        await Patch(new { role = "board" });
        await Patch(new { role = "board" });
        await Patch(new { email = "mentor.secret@example.org" });
        await Patch(new { email = "mentor.secret@example.org" });
        await Patch(new { name = "Ella Baker" });
        await Patch(new { disabled = true });
        await Patch(new { disabled = false });
        await Patch(new { email = "" });
        await directory.CreateUserAsync("ad.staff", ApiUsers.Password, Roles.AffiliateAdmin, "AD", null, creator: null);

        var pages = new LeaderJourney.IntegrationTests.Pages.PageClient(app);
        await pages.SignInAsync("ac.staff");
        var html = System.Net.WebUtility.HtmlDecode(await pages.GetAsync("/admin/users"));
        var changes = html[html.IndexOf("Latest changes to sign-ins", StringComparison.Ordinal)..];
        var rows = System.Text.RegularExpressions.Regex.Matches(changes, "<tr>([\\s\\S]*?)</tr>").Select(m =>
            string.Join(" | ", System.Text.RegularExpressions.Regex.Matches(m.Groups[1].Value, "<td[^>]*>([\\s\\S]*?)</td>").Skip(1).Select(c => c.Groups[1].Value.Trim()))).Where(row => row.Length > 0).ToList();
        rows.Should().Equal(
            "ac.mentor | E-mail address removed | ac.staff",
            "ac.mentor | Enabled | ac.staff",
            "ac.mentor | Disabled | ac.staff",
            "ac.mentor | Name set | ac.staff",
            "ac.mentor | E-mail address set | ac.staff",
            "ac.mentor | Role changed to Board member | ac.staff",
            "ac.mentor | Added as Mentor | ac.staff",
            "ac.staff | Added as Staff (affiliate admin) | the command line",
            "the affiliate AC | Affiliate added, named “Affiliate AC” | the command line");
        changes.Should().NotContain("ad.staff", "another affiliate's changes are its own admins'");
        // A national admin's list of every user has every sign-in's changes, each with its affiliate.
        await directory.CreateUserAsync("ac.national", ApiUsers.Password, Roles.NationalAdmin, null, null, creator: null);
        var national = new LeaderJourney.IntegrationTests.Pages.PageClient(app);
        await national.SignInAsync("ac.national");
        var all = System.Net.WebUtility.HtmlDecode(await national.GetAsync("/admin/users"));
        all[all.IndexOf("Latest changes to sign-ins", StringComparison.Ordinal)..].Should().Contain("ac.mentor · AC").And.Contain("ad.staff · AD").And.Contain("ac.national · all (national)");

        // Ids, role codes and times: no address or name is kept in the trail.
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var dump = dataSource.CreateCommand("select string_agg(t::text, ' ') from leaderjourney.account_changes t");
        var trail = (string)(await dump.ExecuteScalarAsync())!;
        trail.Should().NotContain("mentor.secret").And.NotContain("Ella").And.NotContain("ac.mentor").And.Contain(mentor.ToString());
    }

    [Fact]
    public async Task An_affiliate_code_sent_to_the_API_in_another_case_names_the_affiliate_as_kept()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "AE");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "ae", displayName = "Fannie Lou", email = "fannie.lou@example.org" });
        enrolled.StatusCode.Should().Be(HttpStatusCode.Created, "the pages take a code in any case, and so does the API");
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await (await admin.GetAsync($"/api/leaders/{id}")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("affiliate").GetString().Should().Be("AE");
        (await admin.PostAsJsonAsync("/api/positions", new { affiliate = "Ae", title = "Treasurer", key = true })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "zz-none", displayName = "Nobody Here", email = "nobody@example.org" })).StatusCode
            .Should().Be(HttpStatusCode.Forbidden, "another code is still another affiliate's");
    }

    [Fact]
    public async Task A_national_admin_removes_an_affiliate_added_by_mistake_and_one_with_a_sign_in_or_records_stays()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (national, _) = await app.SignedInAsync(Roles.NationalAdmin);
        var (staff, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "RA");
        (await national.PostAsJsonAsync("/api/affiliates", new { code = "RB", name = "Leaders but no sign-in" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await national.PostAsJsonAsync("/api/leaders", new { affiliate = "RB", displayName = "Rosa Parks", email = "rosa@example.org" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await national.PostAsJsonAsync("/api/affiliates", new { code = "RX", name = "Mistyped code" })).StatusCode.Should().Be(HttpStatusCode.Created);

        async Task<(HttpStatusCode, string?)> Remove(HttpClient client, string code)
        {
            var answer = await client.DeleteAsync($"/api/affiliates/{code}");
            return (answer.StatusCode, (await answer.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("title", out var title) ? title.GetString() : null);
        }
        (await Remove(national, "RA")).Should().Be((HttpStatusCode.UnprocessableEntity,
            "RA has a sign-in, so it stays: only an affiliate added by mistake, with no sign-in and nothing recorded, is removed."));
        (await Remove(national, "rb")).Should().Be((HttpStatusCode.UnprocessableEntity,
            "RB has leaders, positions or reports recorded, so it stays: only an affiliate added by mistake, with nothing recorded, is removed."));
        (await Remove(staff, "RX")).Item1.Should().Be(HttpStatusCode.Forbidden, "affiliates are the national admins'");
        (await Remove(national, "NONE")).Item1.Should().Be(HttpStatusCode.NotFound);

        // On the page: offered only for an affiliate with no sign-in; removed, answered, and in the trail with its name; its code is free again.
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("ra.national", ApiUsers.Password, Roles.NationalAdmin, null, null, null);
        var pages = new LeaderJourney.IntegrationTests.Pages.PageClient(app);
        await pages.SignInAsync("ra.national");
        (await pages.GetAsync("/admin/users")).Should().Contain("Remove RX").And.Contain("Remove RB").And.NotContain("Remove RA");
        var removed = await (await pages.PostAsync("/admin/users", "/admin/users?handler=removeAffiliate", new() { ["code"] = "RX" })).Content.ReadAsStringAsync();
        removed.Should().Contain("RX (Mistyped code) is removed.").And.NotContain("href=\"/admin/users?affiliate=RX\"")
            .And.Contain("<td data-label=\"Whose sign-in, or which affiliate\">the affiliate RX</td>").And.Contain("Affiliate removed (it was named “Mistyped code”)");
        var refused = await (await pages.PostAsync("/admin/users", "/admin/users?handler=removeAffiliate", new() { ["code"] = "RB" })).Content.ReadAsStringAsync();
        refused.Should().Contain("RB has leaders, positions or reports recorded, so it stays");
        (await national.PostAsJsonAsync("/api/affiliates", new { code = "RX", name = "Right this time" })).StatusCode.Should().Be(HttpStatusCode.Created, "its code is free again");
    }

    [Fact]
    public async Task A_national_admin_renames_an_affiliate_keeping_its_code_and_a_name_another_has_is_refused_naming_it()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (national, _) = await app.SignedInAsync(Roles.NationalAdmin);
        var (staff, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "AG");
        await app.EnsureAffiliateAsync("AH");
        var added = await national.PostAsJsonAsync("/api/affiliates", new { code = "ar", name = "Nevda  Education Asociation" });
        added.StatusCode.Should().Be(HttpStatusCode.Created);
        var kept = await added.Content.ReadFromJsonAsync<JsonElement>();
        (kept.GetProperty("code").GetString(), kept.GetProperty("name").GetString()).Should().Be(("AR", "Nevda Education Asociation"), "answered as kept, not as sent");

        var renamed = await national.PatchAsJsonAsync("/api/affiliates/ar", new { name = "  Nevada  Education   Association " });
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await renamed.Content.ReadFromJsonAsync<JsonElement>();
        (body.GetProperty("code").GetString(), body.GetProperty("name").GetString()).Should().Be(("AR", "Nevada Education Association"));
        var taken = await national.PatchAsJsonAsync("/api/affiliates/AR", new { name = "affiliate   ah" });
        taken.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await taken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be("An affiliate named 'affiliate ah' already exists: AH.");
        (await national.PatchAsJsonAsync("/api/affiliates/AR", new { name = "NEVADA education association" })).StatusCode.Should().Be(HttpStatusCode.OK, "its own name in another case is its own");
        (await national.PatchAsJsonAsync("/api/affiliates/NONE", new { name = "Nobody" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await national.PatchAsJsonAsync("/api/affiliates/AR", new { name = " " })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await staff.PatchAsJsonAsync("/api/affiliates/AG", new { name = "Our own name" })).StatusCode.Should().Be(HttpStatusCode.Forbidden, "affiliates are the national admins'");

        // On the page: renamed from the affiliates' table, the answer naming it; a refusal keeps what was typed, its form open.
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("ag.national", ApiUsers.Password, Roles.NationalAdmin, null, null, null);
        var pages = new LeaderJourney.IntegrationTests.Pages.PageClient(app);
        await pages.SignInAsync("ag.national");
        var answer = await (await pages.PostAsync("/admin/users", "/admin/users?handler=renameAffiliate", new() { ["code"] = "AR", ["name"] = "Nevada State Education Association" })).Content.ReadAsStringAsync();
        answer.Should().Contain("AR is now named Nevada State Education Association.").And.Contain("<td data-label=\"Name\">Nevada State Education Association");
        var refused = await (await pages.PostAsync("/admin/users", "/admin/users?handler=renameAffiliate", new() { ["code"] = "AR", ["name"] = "Affiliate AH" })).Content.ReadAsStringAsync();
        refused.Should().Contain("An affiliate named &#x27;Affiliate AH&#x27; already exists: AH.").And.Contain("value=\"Affiliate AH\"").And.Contain("<details open=\"open\">");

        // Who added and renamed it is in the trail, beside the changes to sign-ins; a refused rename left nothing.
        var trail = await pages.GetAsync("/admin/users?affiliate=AR");
        trail = trail[trail.IndexOf("Latest changes to sign-ins", StringComparison.Ordinal)..];
        trail.Should().Contain("<th scope=\"col\">Whose sign-in, or which affiliate</th>").And.Contain("<td data-label=\"Whose sign-in, or which affiliate\">the affiliate AR</td>")
            .And.Contain("Affiliate added, named “Nevda Education Asociation”").And.Contain("Affiliate renamed “Nevada Education Association”")
            .And.Contain("Affiliate renamed “NEVADA education association”").And.Contain("Affiliate renamed “Nevada State Education Association”</td>\n                    <td data-label=\"By\">ag.national</td>")
            .And.NotContain("Affiliate AH").And.NotContain("Nobody");
        System.Text.RegularExpressions.Regex.Matches(trail, "Affiliate renamed").Count.Should().Be(3);
        // The same name again changes nothing, and records nothing.
        (await national.PatchAsJsonAsync("/api/affiliates/AR", new { name = "Nevada State Education Association" })).StatusCode.Should().Be(HttpStatusCode.OK);
        System.Text.RegularExpressions.Regex.Matches(await pages.GetAsync("/admin/users?affiliate=AR"), "Affiliate renamed").Count.Should().Be(3);
    }
}
