using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>An import preview holds the names of people who are not leaders yet: it expires, and an erasure reaches an import's rows.</summary>
public sealed partial class ImportPreviewTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);
    private LeaderJourneyAppFactory _app = null!;
    private PageClient _staff = null!;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString, _clock);
        await _app.EnsureAffiliateAsync("IP");
        var username = $"ip.staff.{Guid.NewGuid():N}"[..24];
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, Roles.AffiliateAdmin, "IP", null, null);
        _staff = new PageClient(_app);
        await _staff.SignInAsync(username);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();

    private Task<string> Preview(string csv) => Preview(System.Text.Encoding.UTF8.GetBytes(csv));

    private async Task<string> Preview(byte[] file) => Regex.Match(await Uploaded(file), @"/staff/import/([0-9a-f-]{36})").Groups[1].Value;

    /// <summary>The page a file's preview answers with (a refusal of the whole file stays on the upload page).</summary>
    private async Task<string> Uploaded(byte[] file)
    {
        var html = await _staff.GetAsync("/staff/import");
        var form = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(AntiForgery().Match(html).Groups[1].Value)), "__RequestVerificationToken" },
            { new ByteArrayContent(file), "file", "leaders.csv" },
        };
        return WebUtility.HtmlDecode(await _staff.PageAfterAsync(await _staff.Http.PostAsync("/staff/import?handler=preview", form)));
    }

    [Fact]
    public async Task An_empty_file_is_said_empty_and_a_spreadsheets_own_headings_are_said_with_what_line_1_holds()
    {
        (await Uploaded([])).Should().Contain("The file is empty.").And.NotContain("Choose a CSV file.", "a file was chosen");
        (await Uploaded(System.Text.Encoding.UTF8.GetBytes(" \n,,\n  \n"))).Should().Contain("The file is empty.", "lines of blanks alone are no rows");
        (await Uploaded(System.Text.Encoding.UTF8.GetBytes("display_name,email\n"))).Should().Contain("The file has its header but no row under it: add a line for each leader.")
            .And.NotContain("0 of 0 rows");
        (await Uploaded(System.Text.Encoding.UTF8.GetBytes("Nombre;Correo\nAna Nunez;ana@example.org\n"))).Should()
            .Contain("Line 1 must be the header: display_name,email,local,mentor,training_title,theme_code,level,completed_on (the first two required); this file's line 1 begins 'Nombre;Correo'. The template has the header.");
    }

    [Fact]
    public async Task A_file_saved_with_semicolons_reads_as_one_with_commas_and_a_blank_cell_is_said_missing_in_words()
    {
        // As a spreadsheet set to Spanish saves "CSV": semicolons between columns, commas inside a cell; a line of separators alone is no row.
        var job = await Preview("display_name;email;local;mentor;training_title;theme_code;level;completed_on\n" +
            "\"Núñez, Ana\";ana.n@example.org;Local 3;;;;;\n" +
            ";;;;;;;\n" +
            "Bo Blank;;;;Phone banking;;;2026-01-10\n" +
            "Cy Level;cy@example.org;;;Phone banking;ADV.1;two;2026-01-10\n" +
            ";nameless@example.org\n");
        var preview = await _staff.GetAsync($"/staff/import/{job}");
        preview.Should().Contain("1 of 4 rows can be imported").And.Contain("Núñez, Ana")
            .And.Contain("Row 4, email: the e-mail address is missing.")
            .And.Contain("Row 4, theme_code: the training&#x27;s theme code is missing (such as ADV.1).")
            .And.Contain("Row 4, level: the training&#x27;s level is missing (1 to 3).")
            .And.Contain("Row 5, level: &#x27;two&#x27; is not a level: give a whole number from 1 to 3.")
            .And.Contain("Row 6, display_name: the leader&#x27;s name is missing.")
            .And.NotContain("Give email").And.NotContain("&#x27;&#x27; is not a theme");

        // The rows left out come back with the file's own separator, to mend in the same spreadsheet.
        var leftOut = (await (await _staff.Http.GetAsync($"/staff/import/{job}?handler=leftOut")).Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        leftOut.Should().StartWith("display_name;email;local;mentor;training_title;theme_code;level;completed_on;error").And.Contain("Cy Level;cy@example.org;");

        // Saved by a spreadsheet as Windows-1252 (not UTF-8): the accents read as written, not as replacement marks.
        var latin = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        var accented = await Preview(latin.GetBytes("display_name;email\nMaría Ibáñez;maria.ib@example.org\n"));
        (await _staff.GetAsync($"/staff/import/{accented}")).Should().Contain("María Ibáñez").And.NotContain("\uFFFD");

        // A file to start from: the header and one row, which previews as good.
        (await _staff.GetAsync("/staff/import")).Should().Contain("<a href=\"/staff/import?handler=template\">Download a template (CSV)</a>");
        var template = await _staff.Http.GetAsync("/staff/import?handler=template");
        template.Content.Headers.ContentDisposition!.FileName.Should().Be("leaders-template.csv");
        var fromTemplate = await Preview(await template.Content.ReadAsStringAsync());
        (await _staff.GetAsync($"/staff/import/{fromTemplate}")).Should().Contain("The row can be imported.").And.Contain("Ana Example");
        // Asked for in Spanish, in the separator a Spanish spreadsheet splits at; it previews as good too.
        using var inSpanish = new HttpRequestMessage(HttpMethod.Get, "/staff/import?handler=template");
        inSpanish.Headers.AcceptLanguage.ParseAdd("es");
        var spanishTemplate = (await (await _staff.Http.SendAsync(inSpanish)).Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        spanishTemplate.Should().StartWith("display_name;email;local;");
        (await _staff.GetAsync($"/staff/import/{await Preview(spanishTemplate)}")).Should().Contain("The row can be imported.");
    }

    [Fact]
    public async Task A_preview_not_started_is_gone_an_hour_later_with_the_names_it_held()
    {
        var job = await Preview("display_name,email\nPenelope Preview,penelope@example.org\n");
        (await _staff.GetAsync($"/staff/import/{job}")).Should().Contain("Penelope Preview");

        _clock.Advance(TimeSpan.FromMinutes(59));
        (await _staff.GetAsync($"/staff/import/{job}")).Should().Contain("Penelope Preview", "an hour to look it over");
        _clock.Advance(TimeSpan.FromMinutes(2));
        (await _staff.Http.GetAsync($"/staff/import/{job}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_row_naming_a_mentor_whose_sign_in_is_disabled_is_refused_in_the_preview_not_half_imported()
    {
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var mentor = await directory.CreateUserAsync("ip.resting.mentor", ApiUsers.Password, Roles.Mentor, "IP", null, null);
        await directory.ChangeUserAsync(CurrentUser.Operator, mentor, null, true);
        var html = await _staff.GetAsync("/staff/import");
        var form = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(AntiForgery().Match(html).Groups[1].Value)), "__RequestVerificationToken" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("display_name,email,mentor\nRita Resting,rita@example.org,ip.resting.mentor\n")), "file", "leaders.csv" },
        };
        var preview = await _staff.PageAfterAsync(await _staff.Http.PostAsync("/staff/import?handler=preview", form));
        var job = Regex.Match(preview, @"/staff/import/([0-9a-f-]{36})").Groups[1].Value;
        (job.Length == 0 ? preview : await _staff.GetAsync($"/staff/import/{job}"))
            .Should().Contain("Row 2, mentor: &#x27;ip.resting.mentor&#x27; cannot sign in (their sign-in is disabled)");
    }

    [Fact]
    public async Task A_row_naming_a_leader_enrolled_already_is_refused_and_a_mentor_may_be_named_as_people_know_them()
    {
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        await directory.CreateUserAsync("ip.named.mentor", ApiUsers.Password, Roles.Mentor, "IP", null, null, name: "Gussie Krajcik");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "IP");
        (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "IP", displayName = "Ivy Imported", email = "ivy@example.org", local = "Local 4" }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        await _app.CaughtUpAsync();

        var job = await Preview("display_name,email,mentor\n ivy  IMPORTED ,ivy.again@example.org,\nNew Person,new.person@example.org,gussie krajcik\nnew person,other@example.org,\n"
            + "I. Imported, IVY@Example.org ,\nIvy Imported,ivy@example.org,\n");
        var preview = WebUtility.HtmlDecode(await _staff.GetAsync($"/staff/import/{job}"));
        preview.Should().Contain("Row 2, display_name: Ivy Imported (Local 4) is enrolled already; if this is someone else, enrol them on the leaders page.")
            .And.Contain("Row 4, display_name: new person is also on row 3")
            .And.Contain("Row 5, email: Ivy Imported (Local 4) is enrolled already with this address; if this is someone else, enrol them on the leaders page.",
                "the same address under another spelling of the name, its case aside")
            .And.NotContain("Row 6, email: Ivy Imported", "a row of the same name and address is refused once, for the name")
            .And.Contain("1 of 5 rows can be imported", "the list imported again is not enrolled a second time, nor a name listed twice")
            .And.NotContain("Row 3, mentor", "a mentor's own name, as the leaders page takes it");
    }

    [Fact]
    public async Task A_list_previewed_in_two_tabs_and_imported_in_both_enrols_each_person_once_and_an_address_repeated_in_the_file_is_said()
    {
        const string csv = "display_name,email\nTwin Tabitha,tabitha@example.org\nTwin Tobias,tobias@example.org\nTwin Toby,TOBIAS@example.org\nTwin Tom,tobias@example.org\n";
        var first = await Preview(csv);
        var second = await Preview(csv);
        WebUtility.HtmlDecode(await _staff.GetAsync($"/staff/import/{first}"))
            .Should().Contain("Row 4, email: Twin Tobias on row 3 has this address too; if this is someone else, enrol them on the leaders page.")
            .And.Contain("Row 5, email: Twin Tobias on row 3 has this address too").And.NotContain("appears twice in this file", "one sentence says it, naming the row before")
            .And.Contain("2 of 4 rows can be imported");
        // Both previews were made before either import: the rows one import enrolled are refused in the other as they land.
        (await _staff.PostAsync($"/staff/import/{first}", $"/staff/import/{first}?handler=start", new())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await _staff.PostAsync($"/staff/import/{second}", $"/staff/import/{second}?handler=start", new())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var results = new List<string>();
        foreach (var job in new[] { first, second })
        {
            string result;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (!(result = WebUtility.HtmlDecode(await _staff.GetAsync($"/staff/import/{job}"))).Contains("id=\"done\""))
            {
                watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
                await Task.Delay(50);
            }
            results.Add(result);
        }
        // The two run side by side: whichever lands a row first enrols that person, and the other refuses it as it lands.
        var both = string.Concat(results);
        System.Text.RegularExpressions.Regex.Matches(both, "Row 2, email: Twin Tabitha is enrolled already with this address; if this is someone else, enrol them on the leaders page.").Count.Should().Be(1);
        System.Text.RegularExpressions.Regex.Matches(both, "Row 3, email: Twin Tobias is enrolled already with this address").Count.Should().Be(1);
        results.Should().AllSatisfy(r => r.Should().Contain("2 of 2 rows done"));
        // Each import's end says how many it enrolled, and how many rows it did not ("Done: 1 leader imported. 1 row was not: ...").
        var imported = results.Select(r => int.Parse(System.Text.RegularExpressions.Regex.Match(r, @"Done: (\d+) leaders? imported\.").Groups[1].Value)).ToList();
        imported.Sum().Should().Be(2);
        results.Where((r, i) => imported[i] < 2).Should().AllSatisfy(r => r.Should().MatchRegex(@"Done: [01] leaders? imported\. [12] rows? (was|were) not: (its|their) rows? below says? why\."));
        var lists = _app.Services.GetRequiredService<LeaderJourney.Core.Leaders.LeaderLists>();
        (await lists.WithAddressAsync("IP", ["tabitha@example.org", "tobias@example.org"], default))!.Should().HaveCount(2, "one leader for each person");
    }

    [Fact]
    public async Task The_rows_left_out_are_said_with_what_was_typed_and_given_back_as_a_csv_to_mend_and_a_file_with_none_good_offers_no_import()
    {
        var future = _clock.GetUtcNow().AddDays(3).ToString("yyyy-MM-dd");
        var job = await Preview($"display_name,email,training_title,theme_code,level,completed_on\nGood Gwen,gwen@example.org,,,,\nUs Date,us@example.org,Workshop,ADV.1,1,03/15/2026\nEarly Eli,eli@example.org,Workshop,ADV.1,1,{future}\n");
        var preview = WebUtility.HtmlDecode(await _staff.GetAsync($"/staff/import/{job}"));
        preview.Should().Contain("Row 3, completed_on: '03/15/2026' is not a date as yyyy-MM-dd (e.g. 2026-03-15).")
            .And.Contain($"Row 4, completed_on: {future} is in the future: a training is recorded once completed.")
            .And.Contain("Import 1 row<").And.Contain("Download the 2 rows left out (CSV)");

        var leftOut = await _staff.Http.GetAsync($"/staff/import/{job}?handler=leftOut");
        leftOut.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await leftOut.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        lines.Should().HaveCount(3);
        lines[0].Should().Be("display_name,email,training_title,theme_code,level,completed_on,error");
        lines[1].Should().StartWith("Us Date,us@example.org,Workshop,ADV.1,1,03/15/2026,").And.Contain("is not a date");
        lines[2].Should().StartWith($"Early Eli,eli@example.org,Workshop,ADV.1,1,{future},");
        // Mended there and uploaded again as it is, error column and all: read past that column.
        var mended = await Preview(string.Join("\n", lines).Replace("03/15/2026", "2026-03-15"));
        WebUtility.HtmlDecode(await _staff.GetAsync($"/staff/import/{mended}")).Should().Contain("1 of 2 rows can be imported; 1 has errors and will be left out.").And.NotContain("unknown column");

        // Another member of staff gets nothing of it.
        var other = new PageClient(_app);
        var otherName = $"ip.other.{Guid.NewGuid():N}"[..24];
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(otherName, ApiUsers.Password, Roles.AffiliateAdmin, "IP", null, null);
        await other.SignInAsync(otherName);
        (await other.Http.GetAsync($"/staff/import/{job}?handler=leftOut")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // A row with more fields than the header (a comma in a name, unquoted) comes back whole.
        var comma = await Preview("display_name,email\nSmith, Jane,jane@example.org\n");
        (await (await _staff.Http.GetAsync($"/staff/import/{comma}?handler=leftOut")).Content.ReadAsStringAsync()).Should().Contain("Smith, Jane,jane@example.org,");

        var none = await Preview("display_name,email\nNo Mail,\n");
        none.Should().NotBeEmpty("the page links the rows left out");
        var nothing = WebUtility.HtmlDecode(await _staff.GetAsync($"/staff/import/{none}"));
        nothing.Should().Contain("No row can be imported: mend the rows below and upload the file again.").And.NotContain("Import 0 rows");
    }

    [Fact]
    public async Task Erasing_a_leader_an_import_made_blanks_their_row_in_the_imports_result_on_any_host()
    {
        var job = await Preview("display_name,email\nErin Erasable,erin@example.org\nOwen Elsewhere,owen@example.org\nKeeper Kim,kim@example.org\n");
        (await _staff.PostAsync($"/staff/import/{job}", $"/staff/import/{job}?handler=start", new())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        string result;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(result = await _staff.GetAsync($"/staff/import/{job}")).Contains("id=\"done\""))
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
            await Task.Delay(50);
        }
        result.Should().Contain("Erin Erasable").And.Contain("erin@example.org");

        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "IP");
        var erin = await LeaderNamed("Erin Erasable", admin);
        (await admin.PostAsJsonAsync($"/api/leaders/{erin}/erasure", new { reason = "asked to be forgotten" })).StatusCode.Should().Be(HttpStatusCode.OK);

        result = await _staff.GetAsync($"/staff/import/{job}");
        result.Should().NotContain("Erin Erasable").And.NotContain("erin@example.org").And.Contain("Keeper Kim");

        // Erased through another host: the import's host hears of it as the erasure commits.
        await using (var other = new LeaderJourneyAppFactory(database.ConnectionString, _clock))
        {
            var (otherAdmin, _) = await other.SignedInAsync(Roles.AffiliateAdmin, "IP");
            var owen = await LeaderNamed("Owen Elsewhere", otherAdmin);
            (await otherAdmin.PostAsJsonAsync($"/api/leaders/{owen}/erasure", new { reason = "asked to be forgotten" })).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        await Waiting.Until(async () => !(await _staff.GetAsync($"/staff/import/{job}")).Contains("Owen Elsewhere"), "the import's host to blank the row", TimeSpan.FromSeconds(15));
        (await _staff.GetAsync($"/staff/import/{job}")).Should().NotContain("owen@example.org").And.Contain("Keeper Kim");
    }

    /// <summary>The imported leader with that name, found through their records (the streams of affiliate IP).</summary>
    private async Task<Guid> LeaderNamed(string name, HttpClient admin)
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var command = dataSource.CreateCommand("select id from leaderjourney.mt_streams where tenant_id = 'IP' and type = 'leader'");
        var ids = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        foreach (var id in ids)
            if ((await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/leaders/{id}")).GetProperty("displayName").GetString() == name) return id;
        throw new InvalidOperationException($"No leader {name}.");
    }
}
