using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.IntegrationTests.Infrastructure;
using Deque.AxeCore.Playwright;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Browser;

/// <summary>The three journeys of the web app issue, in Chromium against the real host.</summary>
public sealed class BrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private async Task<(HttpClient Admin, Guid LeaderId, Guid MentorId)> Affiliate(string code)
    {
        await app.CliAsync("affiliates", "create", "--code", code, "--name", $"Affiliate {code}");
        await app.CliAsync("users", "create", "--username", $"{code}.staff", "--password", ApiUsers.Password, "--role", "affiliate-admin", "--affiliate", code);
        var created = await app.CliAsync("users", "create", "--username", $"{code}.mentor", "--password", ApiUsers.Password, "--role", "mentor", "--affiliate", code);
        var mentorId = Guid.Parse(System.Text.RegularExpressions.Regex.Match(created, "id ([0-9a-f-]{36})").Groups[1].Value);
        await app.CliAsync("users", "create", "--username", $"{code}.board", "--password", ApiUsers.Password, "--role", "board", "--affiliate", code);
        var admin = await app.ApiAsync($"{code}.staff");
        var leaderId = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = code, displayName = "Maya Angelou", email = $"maya.{code}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await app.CliAsync("users", "create", "--username", $"{code}.leader", "--password", ApiUsers.Password, "--role", "leader", "--affiliate", code, "--leader-id", leaderId.ToString());
        return (admin, leaderId, mentorId);
    }

    /// <summary>axe-core finds no serious or critical accessibility violation on the page.</summary>
    private static async Task Accessible(IPage page)
    {
        var result = await page.RunAxe();
        result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})")
            .Should().BeEmpty($"{page.Url} should be usable by everyone");
    }

    /// <summary>The page is server-rendered and the queue is an async read model: reload until the text is there.</summary>
    private static async Task ReloadUntilVisible(IPage page, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await page.GetByText(text).First.IsVisibleAsync())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"'{text}' never appeared on {page.Url}.");
            await page.ReloadAsync();
        }
    }

    /// <summary>Staff's menu folds behind "Menu" on a phone: opened as a person would, by its button.</summary>
    private static async Task OpenTheMenu(IPage page)
    {
        var button = page.Locator("label.menu-button");
        if (await button.IsVisibleAsync()) await button.ClickAsync();
    }

    /// <summary>No element sticks out of the viewport sideways (the page does not scroll horizontally).</summary>

    private static async Task FitsItsWidth(IPage page) =>
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))
            .Should().BeLessThanOrEqualTo(0, $"{page.Url} should not scroll sideways at {page.ViewportSize?.Width} px");

    /// <summary>On a phone every control a thumb aims at (buttons, fields, menu and pager links) is at least 44 px tall.</summary>
    private static async Task TapTargetsAreLargeEnough(IPage page) =>
        (await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('button, select, input:not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea, nav a, .pager a, a.button')]
                .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
                .map(e => e.outerHTML.slice(0, 80))
            """)).Should().BeEmpty($"{page.Url} should have tap targets of 44 px at least");

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", $"{name}-{page.ViewportSize?.Width}.png"), FullPage = true });
    }

    [Fact]
    public async Task Staff_manage_users_and_find_leaders_on_pages_that_fit_a_laptop_and_a_phone_and_a_refusal_or_a_wrong_address_is_a_page_in_words()
    {
        await Affiliate("BU");
        foreach (var width in new[] { 1280, 390 })
        {
            var staff = await app.SignedInPageAsync("BU.staff");
            await staff.SetViewportSizeAsync(width, 900);
            // Each role's home, with its menu, fitting the width.
            foreach (var (user, heading, page) in new[] { ("BU.staff", "Your leaders at a glance", staff), ("BU.mentor", "Your mentoring", (IPage?)null), ("BU.board", "Succession at a glance", null) })
            {
                var home = page ?? await app.SignedInPageAsync(user);
                await home.SetViewportSizeAsync(width, 900);
                await home.GotoAsync("/");
                await Assertions.Expect(home.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
                // Three lines at most on a phone (name and sign-out, then the menu wrapped on two); staff's folds.
                (await home.Locator("header").BoundingBoxAsync())!.Height.Should().BeLessThan(150);
                // Staff's twelve links fold behind "Menu" on a phone (six of them scrolled out of sight before); it opens them all.
                if (width == 390 && user == "BU.staff")
                    await Assertions.Expect(home.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeHiddenAsync();
                await OpenTheMenu(home);
                await Assertions.Expect(home.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
                // Every link in sight, none cut at the screen's edge (a menu scrolled sideways hid "Password").
                await Assertions.Expect(home.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Password" })).ToBeInViewportAsync(new() { Ratio = 1 });
                await FitsItsWidth(home);
                await Accessible(home);
                await Screenshot(home, "home-" + user.Split('.')[1]);
            }
            await staff.GotoAsync("/admin/users");
            await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Users", Level = 1 })).ToBeVisibleAsync();
            await FitsItsWidth(staff);
            await Accessible(staff);
            await Screenshot(staff, "admin-users");
            await staff.GotoAsync("/staff/mentors");
            await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Mentors", Level = 1 })).ToBeVisibleAsync();
            await FitsItsWidth(staff);
            await Accessible(staff);
            await Screenshot(staff, "staff-mentors");
            await staff.GotoAsync("/staff/leaders");
            await Assertions.Expect(staff.Locator("#count")).ToHaveTextAsync("Showing the one leader found.");
            await FitsItsWidth(staff);
            await Accessible(staff);
            await Screenshot(staff, "staff-leaders");
            await staff.GetByRole(AriaRole.Link, new() { Name = "Maya Angelou" }).ClickAsync();
            await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Maya Angelou", Level = 1 })).ToBeVisibleAsync();
            await staff.GetByRole(AriaRole.Button, new() { Name = width == 1280 ? "Pause the journey" : "Make active again" }).ClickAsync();
            await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync(width == 1280 ? "The journey is paused." : "The journey is active again.");
            await FitsItsWidth(staff);
            await Accessible(staff);
            await Screenshot(staff, "staff-leader");

            var leader = await app.SignedInPageAsync("BU.leader");
            await leader.SetViewportSizeAsync(width, 900);
            await leader.GotoAsync("/journey/demographics");
            await Assertions.Expect(leader.GetByLabel("I prefer to self-describe:").First).ToBeVisibleAsync();
            await FitsItsWidth(leader);
            await Accessible(leader);
            await Screenshot(leader, "demographics");

            var mentor = await app.SignedInPageAsync("BU.mentor");
            await mentor.SetViewportSizeAsync(width, 900);
            var refused = await mentor.GotoAsync("/admin/users");
            refused!.Status.Should().Be(403);
            await Assertions.Expect(mentor.GetByRole(AriaRole.Heading, new() { Name = "This page is not for your role" })).ToBeVisibleAsync();
            await Assertions.Expect(mentor.GetByRole(AriaRole.Link, new() { Name = "My queue" })).ToBeVisibleAsync();
            await Accessible(mentor);
            await Screenshot(mentor, "forbidden");
            (await mentor.GotoAsync("/no/such/page"))!.Status.Should().Be(404);
            await Assertions.Expect(mentor.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task Every_roles_main_pages_answer_with_the_menu_fit_a_laptop_and_a_320_px_phone_and_pass_axe_core()
    {
        var (admin, leaderId, mentorId) = await Affiliate("BS");
        await app.CliAsync("users", "create", "--username", "BS.national", "--password", ApiUsers.Password, "--role", "national-admin");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/trainings", new { title = "A training with a rather long title to wrap on a phone", themeCode = "COM.1", level = 1, completedOn = "2025-05-01" }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/sign-off-requests", new { themeCode = "COM.1", level = 1 }));
        // A second request with evidence only: the queue warns that a sign-off will not attain it, and its long link must wrap on a phone.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/evidence", new { themeCode = "ADV.1", level = 1,
            link = "https://example.org/organizing/2025/a-rather-long-address-of-the-phone-bank-report-for-the-levy-vote", note = "The phone bank's report" }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        // A sign-off given before any learning: the leader's theme page says what the level still lacks.
        await Ok((await app.ApiAsync("BS.mentor")).PostAsJsonAsync($"/api/leaders/{leaderId}/sign-offs", new { themeCode = "GOV.1", level = 1 }));
        var position = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "BS", title = "Vice President for Member Engagement", termEndsOn = "2099-01-31",
            requirements = new[] { new { themeCode = "COM.1", level = 2 }, new { themeCode = "ADV.1", level = 1 } } }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/positions/{position}/nominations", new { leaderId }));
        // A level attained, which the leader is told of; and a term ending, which staff are (the reminder's own path is tested in ReactionTests).
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/trainings", new { title = "Power mapping", themeCode = "ADV.2", level = 1, completedOn = "2025-05-02" }));
        await Ok((await app.ApiAsync("BS.mentor")).PostAsJsonAsync($"/api/leaders/{leaderId}/sign-offs", new { themeCode = "ADV.2", level = 1 }));
        await using (var db = Npgsql.NpgsqlDataSource.Create(app.ConnectionString))
        await using (var termEnding = db.CreateCommand("""
            insert into leaderjourney.notifications (key, affiliate, position_id, kind, on_date, created_at) values ($1, 'BS', $2, 'term-ending', '2099-01-31', now())
            """))
        {
            termEnding.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = $"sweep:{position}" });
            termEnding.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = position });
            await termEnding.ExecuteNonQueryAsync();
        }

        var pages = new (string User, string[] Paths)[]
        {
            ("BS.leader", ["/journey", "/journey/theme/COM.1", "/journey/theme/GOV.1", "/journey/demographics", "/notifications", "/account/password", "/account/mail"]),
            ("BS.mentor", ["/", "/mentor/queue", "/mentor/mentees", $"/mentor/mentees/{leaderId}", "/account/mail"]),
            ("BS.staff", ["/", "/notifications", "/staff/leaders", $"/staff/leaders/{leaderId}", "/staff/positions", $"/staff/positions?suggestFor={position}", "/staff/requests", "/staff/import", "/admin/users", "/board/succession", "/board/pipeline"]),
            ("BS.board", ["/", "/board/succession", "/board/pipeline"]),
            ("BS.national", ["/admin/users", "/admin/audit"]),
        };
        foreach (var width in new[] { 1280, 320 })
            foreach (var (user, paths) in pages)
            {
                var page = await app.SignedInPageAsync(user);
                await page.SetViewportSizeAsync(width, 800);
                foreach (var path in paths)
                {
                    var answer = await page.GotoAsync(path);
                    answer!.Status.Should().Be(200, $"{user} opens {path}");
                    // The queue is a read model kept by the host's daemon: the request shows once it has caught up.
                    if (path == "/mentor/queue") await ReloadUntilVisible(page, "Maya Angelou");
                    // So is the leader's notice of the level attained (the subscription's handlers write it).
                    if (path == "/notifications" && user == "BS.leader") await ReloadUntilVisible(page, "You attained");
                    // Forms folded away (the positions' seat, term and candidates; the mentee's assessment) are checked unfolded.
                    await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
                    await OpenTheMenu(page);
                    await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
                    await FitsItsWidth(page);
                    await Accessible(page);
                    if (width == 320) await TapTargetsAreLargeEnough(page);
                    await Screenshot(page, "sweep" + path.Replace('/', '-').Replace(leaderId.ToString(), "leader").Replace(position.ToString(), "position").Replace('?', '-').TrimEnd('-') + "-" + user.Split('.')[1]);
                }
            }
    }

    [Fact]
    public async Task A_name_of_175_letters_without_a_space_breaks_on_the_record_and_in_the_list_instead_of_widening_the_page()
    {
        var (admin, _, _) = await Affiliate("BW");
        var name = string.Concat(Enumerable.Repeat("Wolfeschlegelsteinhausenbergerdorff", 5));
        var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "BW", displayName = name, email = "long.name.bw@example.org", local = "Local" + new string('x', 90) }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var staff = await app.SignedInPageAsync("BW.staff");
        foreach (var width in new[] { 1280, 390 })
        {
            await staff.SetViewportSizeAsync(width, 900);
            foreach (var path in new[] { $"/staff/leaders/{id}", "/staff/leaders?q=Wolfe" })
            {
                (await staff.GotoAsync(path))!.Status.Should().Be(200);
                await Assertions.Expect(staff.GetByText(name).First).ToBeVisibleAsync();
                await FitsItsWidth(staff);
            }
        }
    }

    [Fact]
    public async Task The_API_reference_is_read_in_a_browser_light_or_dark_on_a_laptop_and_a_phone_and_passes_axe_core()
    {
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var page = await (await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl, ColorScheme = scheme })).NewPageAsync();
            foreach (var width in new[] { 1280, 390 })
            {
                await page.SetViewportSizeAsync(width, 800);
                (await page.GotoAsync("/api-docs"))!.Status.Should().Be(200);
                // Scalar draws the reference from the OpenAPI document after the page loads.
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "LeaderJourney API", Level = 1 })).ToBeVisibleAsync();
                (await page.EvaluateAsync<string>("() => document.documentElement.lang")).Should().Be("en");
                await Accessible(page);
                // Scalar draws each operation (its method's coloured label too) as it is scrolled to: to the end, until the page stops growing.
                for (var (height, last) = (0, -1); height != last;)
                {
                    last = height;
                    await page.Mouse.WheelAsync(0, 20_000);
                    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                    height = await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
                }
                await Accessible(page);
                await Screenshot(page, $"api-docs-{scheme.ToString().ToLowerInvariant()}");
            }
        }
    }

    [Fact]
    public async Task A_mail_s_stop_link_asks_first_and_stops_the_mails_with_one_tap_on_a_phone()
    {
        var (_, leaderId, _) = await Affiliate("BM");
        // The link as a mail carries it, made in this process on the host's key ring (the database's), as another host would.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestMasterKey.Settings(app.ConnectionString)).Build();
        await using var services = new ServiceCollection().AddLogging().AddLeaderJourneyCore(configuration).BuildServiceProvider();
        var link = services.GetRequiredService<MailStopLinks>().LinkFor(new Uri(app.BaseUrl), MailRecipient.Leader(leaderId));

        var page = await (await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl })).NewPageAsync();
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, 800);
            (await page.GotoAsync(link.ToString()))!.Status.Should().Be(200);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Stop e-mails", Level = 1 })).ToBeVisibleAsync();
            await FitsItsWidth(page);
            await Accessible(page);
            await Screenshot(page, "mail-stop");
        }
        await TapTargetsAreLargeEnough(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop e-mails" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done: LeaderJourney will not e-mail you any more.");
        await FitsItsWidth(page);
        await Accessible(page);
        await Screenshot(page, "mail-stop-done");
        await using var db = Npgsql.NpgsqlDataSource.Create(app.ConnectionString);
        await using var stopped = db.CreateCommand($"select count(*) from leaderjourney.mail_off_leaders where leader_id = '{leaderId}'");
        Convert.ToInt64(await stopped.ExecuteScalarAsync()).Should().Be(1);
    }

    [Fact]
    public async Task A_mentor_who_chooses_Spanish_signs_off_in_Spanish_on_a_phone()
    {
        var (admin, leaderId, mentorId) = await Affiliate("BE");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/trainings", new { title = "Historia y persuasión", themeCode = "COM.1", level = 1, completedOn = "2025-05-01" }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/sign-off-requests", new { themeCode = "COM.1", level = 1 }));

        var page = await app.SignedInPageAsync("BE.mentor");
        await page.SetViewportSizeAsync(390, 800);
        await page.GetByLabel("Language").SelectOptionAsync("es");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tu mentoría", Level = 1 })).ToBeVisibleAsync();
        (await page.Locator("html").GetAttributeAsync("lang")).Should().Be("es");
        await FitsItsWidth(page);
        await Accessible(page);
        await Screenshot(page, "es-mentor-home");

        await page.GetByRole(AriaRole.Link, new() { Name = "Abrir mi cola" }).ClickAsync();
        await ReloadUntilVisible(page, "Maya Angelou");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validar" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Validado Effectively uses current media (print, broadcast, online, social media) to communicate, Nivel 1, para Maya Angelou: el nivel está alcanzado.");
        await FitsItsWidth(page);
        await Accessible(page);
        await Screenshot(page, "es-mentor-queue");
    }

    [Fact]
    public async Task Staff_who_choose_Spanish_read_the_lists_positions_and_reports_in_Spanish_on_a_phone()
    {
        // Spanish sentences run longer than English ones: the pages must still fit a phone.
        var (admin, leaderId, _) = await Affiliate("BT");
        var position = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "BT", title = "Vice President for Member Engagement", termEndsOn = "2099-01-31",
            requirements = new[] { new { themeCode = "COM.1", level = 2 }, new { themeCode = "ADV.1", level = 1 } } }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/positions/{position}/nominations", new { leaderId }));

        var page = await app.SignedInPageAsync("BT.staff");
        await page.SetViewportSizeAsync(360, 800);
        await page.GetByLabel("Language").SelectOptionAsync("es");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        foreach (var (path, spanish) in new[]
                 {
                     ("/staff/leaders", "Buscar líderes"),
                     ("/staff/positions", "Nivel 2 en <span lang=\"en\">Effectively uses current media"),
                     ("/board/succession", "Ningún candidato está preparado ya; el puesto está vacante."),
                     ("/board/pipeline", "Cantera: BT"),
                     ($"/staff/leaders/{leaderId}", "Pausar el recorrido"),
                 })
        {
            (await page.GotoAsync(path))!.Status.Should().Be(200, path);
            (await page.Locator("html").GetAttributeAsync("lang")).Should().Be("es");
            (await page.ContentAsync()).Should().Contain(spanish, path);
            await FitsItsWidth(page);
            await Accessible(page);
            await TapTargetsAreLargeEnough(page);
            await Screenshot(page, "es" + path.Replace('/', '-').Replace(leaderId.ToString(), "leader"));
        }
        // A refusal on a page is said in Spanish too.
        await page.GotoAsync("/staff/positions");
        await page.GetByLabel("Nominar a un líder").FillAsync("Nadie Conocido");
        await page.GetByRole(AriaRole.Button, new() { Name = "Nominar", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Ningún líder en camino (activo o en pausa) tiene un nombre que contenga 'Nadie Conocido'.");
        await FitsItsWidth(page);
    }

    [Fact]
    public async Task A_mentor_signs_off_a_pending_request_and_the_leaders_grid_shows_the_new_level()
    {
        var (admin, leaderId, mentorId) = await Affiliate("BA");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/mentors", new { mentorUserId = mentorId }));
        var leaderApi = await app.ApiAsync("BA.leader");
        await Ok(leaderApi.PostAsJsonAsync($"/api/leaders/{leaderId}/trainings", new { title = "Story and persuasion", themeCode = "COM.1", level = 1, completedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") }));
        await Ok(leaderApi.PostAsJsonAsync($"/api/leaders/{leaderId}/sign-off-requests", new { themeCode = "COM.1", level = 1 }));

        var page = await app.SignedInPageAsync("BA.mentor");
        await page.GotoAsync("/mentor/queue");
        await ReloadUntilVisible(page, "Maya Angelou: Effectively uses current media (print, broadcast, online, social media) to communicate, Level 1");
        await Assertions.Expect(page.GetByText("Story and persuasion", new() { Exact = false }).First).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign off" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed off Effectively uses current media (print, broadcast, online, social media) to communicate, Level 1 for Maya Angelou: the level is attained.");
        await Accessible(page);
        // The answer is the queue's own address: on to the mentee and Back, or a reload, loads it again (it asked
        // "Confirm Form Resubmission", or failed with ERR_CACHE_MISS), in its five minutes with the answer still said.
        new Uri(page.Url).AbsolutePath.Should().Be("/mentor/queue");
        await page.GotoAsync($"/mentor/mentees/{leaderId}");
        var back = await page.GoBackAsync();
        back!.Status.Should().Be(200);
        new Uri(page.Url).AbsolutePath.Should().Be("/mentor/queue");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("the level is attained.");
        (await page.ReloadAsync())!.Status.Should().Be(200);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("the level is attained.");

        var leader = await app.SignedInPageAsync("BA.leader");
        await leader.GotoAsync("/journey");
        await Assertions.Expect(leader.Locator("tr[data-theme='COM.1'] [data-level='1']")).ToHaveTextAsync("Attained");
        await Assertions.Expect(leader.Locator("tr[data-theme='COM.1'] [data-level='2']")).ToHaveTextAsync("Next");
        await Accessible(leader);
        await leader.GotoAsync("/journey/theme/COM.1");
        await Accessible(leader);
    }

    [Fact]
    public async Task Staff_import_a_csv_with_one_bad_row_see_that_rows_error_and_the_other_rows_are_imported()
    {
        await Affiliate("BI");
        var file = Path.Combine(Path.GetTempPath(), $"leaders-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "display_name,email,local\nAudre Lorde,audre@example.org,Local 3\nNo Email,,Local 4\nJames Baldwin,james@example.org,Local 5\n");
        try
        {
            var page = await app.SignedInPageAsync("BI.staff");
            await page.GotoAsync("/staff/import");
            await page.GetByLabel("CSV file").SetInputFilesAsync(file);
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
            await Assertions.Expect(page.Locator("#summary")).ToContainTextAsync("2 of 3 rows can be imported");
            await Assertions.Expect(page.Locator("tr[data-row='3']")).ToContainTextAsync("Row 3, email:");
            await page.GetByRole(AriaRole.Button, new() { Name = "Import 2 rows" }).ClickAsync();
            await Assertions.Expect(page.Locator("#done")).ToHaveTextAsync("Done: 2 leaders imported.", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("tr[data-row='3']")).ToContainTextAsync("Row 3, email:");
            await Assertions.Expect(page.Locator("tr[data-row='2']")).ToContainTextAsync("ok");
            await Accessible(page);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_board_opens_the_succession_report_picks_an_earlier_date_and_sees_the_earlier_figures()
    {
        var (admin, leaderId, _) = await Affiliate("BB");
        await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "BB", title = "President", requirements = Array.Empty<object>() }), HttpStatusCode.Created);
        var positions = await Ok(admin.GetAsync("/api/positions?affiliate=BB"));
        await Ok(admin.PostAsJsonAsync($"/api/positions/{positions[0].GetProperty("id").GetGuid()}/nominations", new { leaderId }));

        var page = await app.SignedInPageAsync("BB.board");
        await page.GotoAsync("/board/succession");
        // The pages are styled (and axe judges contrast on the styled page): the header has its background.
        (await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('header')).backgroundColor")).Should().Be("rgb(238, 243, 249)");
        await Assertions.Expect(page.Locator("#coverage")).ToContainTextAsync("1 of 1 key positions");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "President" })).ToBeVisibleAsync();
        await Accessible(page);
        // On paper: no sign-out, menu or language form, and the candidates' table says whose it is on every page it runs to.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByLabel("Language")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "President: candidates" })).ToBeVisibleAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "President: candidates" })).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        await page.GetByLabel("As of").FillAsync(yesterday);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.Locator("#as-of")).ToContainTextAsync($"As of {yesterday}");
        await Assertions.Expect(page.Locator("#coverage")).ToContainTextAsync("0 of 0 key positions");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "President" })).ToHaveCountAsync(0);

        // The talent review for the meeting, as of the date the page shows, in both documents.
        await Assertions.Expect(page.GetByLabel("Decisions since")).ToHaveValueAsync(DateOnly.ParseExact(yesterday, "yyyy-MM-dd").AddDays(-30).ToString("yyyy-MM-dd"));
        foreach (var (button, extension, start) in new[] { ("Download PDF", "pdf", "%PDF-"), ("Download Excel", "xlsx", "PK") })
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync());
            download.SuggestedFilename.Should().Be($"talent-review-BB-{yesterday}.{extension}");
            var saved = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.{extension}");
            try
            {
                await download.SaveAsAsync(saved);
                System.Text.Encoding.ASCII.GetString((await File.ReadAllBytesAsync(saved))[..start.Length]).Should().Be(start);
            }
            finally
            {
                File.Delete(saved);
            }
        }

        // A date picked and a download pressed before "Show": the file is of the date in the box.
        var earlier = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd");
        await page.GetByLabel("As of").FillAsync(earlier);
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        csv.SuggestedFilename.Should().Be($"succession-BB-{earlier}.csv");
        var review = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download Excel" }).ClickAsync());
        review.SuggestedFilename.Should().Be($"talent-review-BB-{earlier}.xlsx");
    }
}
