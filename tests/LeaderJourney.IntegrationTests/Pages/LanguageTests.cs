using System.Net;
using System.Net.Http.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>Pages speak English or Spanish: the user's choice, else the browser's language; the framework's own texts stay as imported.</summary>
public sealed class LanguageTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_browser_asking_for_Spanish_gets_Spanish_pages_and_a_choice_of_language_outlasts_the_browsers()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "LS");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("ls.mentor", ApiUsers.Password, Roles.Mentor, "LS", null, null);
        var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "LS", displayName = "Dolores Huerta", email = "dolores@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizar 101", themeCode = "ADV.1", level = 1, completedOn = "2025-03-14" }));
        await directory.CreateUserAsync("ls.leader", ApiUsers.Password, Roles.Leader, "LS", id, null);

        var page = new PageClient(_app);
        page.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es-MX,es;q=0.9,en;q=0.5");
        var signIn = await page.GetAsync("/account/sign-in");
        signIn.Should().Contain("<html lang=\"es\">").And.Contain("<h1>Iniciar sesión</h1>").And.Contain("Nombre de usuario");
        await page.SignInAsync("ls.leader");

        var journey = await page.GetAsync("/journey");
        journey.Should().Contain("<h1>Mi recorrido</h1>").And.Contain("Cronología").And.Contain("Completó la formación «Organizar 101» para")
            .And.Contain("14 mar 2025", "dates in Spanish too");
        journey.Should().Contain("Utilizes best practices in advocacy and political efforts", "the framework's own texts are shown as the affiliate imported them");
        // The listed answers a leader picks from are in their language; what is stored and counted stays the list's own.
        (await page.GetAsync("/journey/demographics")).Should().Contain("value=\"woman\"").And.Contain(">mujer</label>")
            .And.Contain(">Hispano o latino</label>").And.Contain(">docente</label>").And.NotContain(">teacher</label>");
        var theme = await page.GetAsync("/journey/theme/ADV.1");
        theme.Should().Contain("Añadir una formación").And.Contain("Tu mentor: ls.mentor.").And.NotContain("Add a training");
        theme.Should().Contain("Nivel 1: Fundamental", "the framework's three level names are said in the page's language");
        // The browser sends a number field as "1.5" whatever the page's language: 1.5 hours, not 15.
        (await (await page.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=training",
            new() { ["title"] = "Taller", ["completedOn"] = "2025-04-02", ["hours"] = "1.5" })).Content.ReadAsStringAsync()).Should().Contain("Formación añadida.")
            .And.Contain("Formación «Taller», 1,5 horas", "what is logged is said in Spanish too");
        var history = await Ok(admin.GetAsync($"/api/leaders/{id}/history"));
        history.EnumerateArray().Last(e => e.GetProperty("type").GetString() == "leader.training-completed").GetProperty("data").GetProperty("hours").GetDecimal().Should().Be(1.5m);

        await directory.CreateUserAsync("ls.staff", ApiUsers.Password, Roles.AffiliateAdmin, "LS", null, null);
        var staff = new PageClient(_app);
        staff.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        await staff.SignInAsync("ls.staff");
        (await staff.GetAsync("/staff/leaders")).Should().Contain("Buscar líderes").And.Contain("Se muestra el único líder encontrado.");
        (await staff.GetAsync($"/staff/leaders/{id}")).Should().Contain("Pausar el recorrido").And.Contain("No se puede deshacer.")
            .And.MatchRegex(@"<dd>\d{1,2} de [a-záéíóú]+ de \d{4}</dd>", "a long date the Spanish way");
        (await staff.GetAsync("/board/succession")).Should().Contain("Informe de sucesión: LS").And.Contain("Preparado ya");
        (await staff.GetAsync("/board/pipeline")).Should().Contain("Cantera: LS").And.Contain("Etapas");
        (await staff.GetAsync("/staff/positions")).Should().Contain("Definir un cargo").And.Contain("<details class=\"define\" open=\"open\">", "with no position yet, the form to define one is open");
        (await staff.GetAsync("/staff/import")).Should().Contain("Importar líderes desde CSV");
        (await staff.GetAsync("/admin/users")).Should().Contain("Añadir un usuario").And.Contain("Personal (administración de la afiliada)");

        // The user's choice wins over the browser's language, and stays.
        var chosen = await page.PostAsync("/journey", "/account/language", new() { ["language"] = "en", ["returnUrl"] = "/journey" });
        chosen.StatusCode.Should().Be(HttpStatusCode.Redirect);
        chosen.Headers.Location!.OriginalString.Should().Be("/journey");
        (await page.GetAsync("/journey")).Should().Contain("<html lang=\"en\">").And.Contain("<h1>My journey</h1>");
        // The choice follows the user to another browser, whose own language neither shows nor replaces it.
        var elsewhere = new PageClient(_app);
        elsewhere.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        await elsewhere.SignInAsync("ls.leader");
        (await elsewhere.GetAsync("/journey")).Should().Contain("<html lang=\"en\">");
        (await directory.ChosenLanguageAsync((await directory.FindByUsernameAsync("ls.leader"))!.Value)).Should().Be("en");
        // A browser where someone else chose Spanish (a shared computer): the leader's own choice still wins, and stays theirs.
        var shared = new PageClient(_app);
        (await shared.PostAsync("/account/sign-in", "/account/language", new() { ["language"] = "es" })).StatusCode.Should().Be(HttpStatusCode.Redirect);
        await shared.SignInAsync("ls.leader");
        (await shared.GetAsync("/journey")).Should().Contain("<html lang=\"en\">");
        (await directory.ChosenLanguageAsync((await directory.FindByUsernameAsync("ls.leader"))!.Value)).Should().Be("en");
        // Signed out, a browser in Spanish reads it in Spanish.
        (await staff.GetAsync("/account/sign-out")).Should().Contain("<h1>Has cerrado la sesión</h1>").And.Contain("Volver a iniciar sesión");
        (await page.PostAsync("/journey", "/account/language", new() { ["language"] = "xx" })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "only the languages offered");
        (await page.PostAsync("/journey", "/account/language", new() { ["language"] = "es", ["returnUrl"] = "https://evil.example.org/" })).Headers.Location!.OriginalString
            .Should().Be("/", "a return address elsewhere is not followed");
    }
}
