using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>
/// What Core says in English (refusals, import rows' errors, risk reasons, gaps, the printable reports)
/// reaches a Spanish reader in Spanish, on the pages and in the API's problems; English stays the API's
/// default.
/// </summary>
public sealed partial class SpanishSentencesTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static T InSpanish<T>(Func<T> say)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo("es");
        try { return say(); }
        finally { CultureInfo.CurrentUICulture = before; }
    }

    [Fact]
    public void A_sentence_with_values_is_said_in_Spanish_with_its_values_and_the_refusal_inside_an_import_row_too()
    {
        var sentences = _app.Services.GetRequiredService<ISentences>();

        InSpanish(() => sentences.Say("The file is empty.")).Should().Be("El archivo está vacío.");
        InSpanish(() => sentences.Say("Level 2 of ADV.1 is already attained; there is nothing to sign off."))
            .Should().Be("El Nivel 2 de ADV.1 ya está alcanzado; no hay nada que validar.");
        InSpanish(() => sentences.Say("Row 3, email: 'ana@' is not an e-mail address."))
            .Should().Be("Fila 3, email: 'ana@' no es una dirección de correo electrónico.", "the row's pattern, then the refusal inside it");
        InSpanish(() => sentences.Say("The display name must not be empty.")).Should().Be("El nombre no puede estar vacío.");
        // A field's own sentence wins over the general one, which would leave the API's field name in English.
        InSpanish(() => sentences.Say("Give reason (1 to 4000 characters).")).Should().Be("Indica un motivo (de 1 a 4000 caracteres).");
        InSpanish(() => sentences.Say("Give title (1 to 200 characters).")).Should().Be("Indica un título (de 1 a 200 caracteres).");
        // A page says a field in its form's words, also where they open the sentence.
        InSpanish(() => sentences.Say("Give the e-mail address (1 to 254 characters).")).Should().Be("Indica la dirección de correo (de 1 a 254 caracteres).");
        InSpanish(() => sentences.Say("The name has at most 200 characters (201 given).")).Should().Be("El nombre tiene como máximo 200 caracteres (se dieron 201).");
        InSpanish(() => sentences.Say("Give the justification (1 to 4000 characters).")).Should().Be("Indica la justificación (de 1 a 4000 caracteres).");
        sentences.Say("The file is empty.").Should().Be("The file is empty.", "English is said as it was written");
        InSpanish(() => sentences.Say("Ten of them went home.")).Should().Be("Ten of them went home.",
            "a sentence without a translation stays as it is; \"{0} of {1}\" does not take it apart");
        InSpanish(() => sentences.Say("Level 3 asks for more than this.")).Should().Be("Level 3 asks for more than this.",
            "\"Level {0}\" says the value inside a sentence, never the start of one");
        InSpanish(() => sentences.Say("No leader on their way (active or paused) has a name containing ''.")).Should().Be("Ningún líder en camino (activo o en pausa) tiene un nombre que contenga ''.", "an empty value is a value");
        var typed = string.Concat(Enumerable.Repeat(" has 1 characters; keep it to ", 200));
        InSpanish(() => sentences.Say($"Row 2, mentor: '{typed}' is not a mentor of OH.")).Should().Contain(typed,
            "a long sentence carries something typed: it is not taken apart (a pattern with several values could take seconds on it)");
    }

    [Fact]
    public void Every_translation_keeps_the_values_of_its_English_sentence()
    {
        var texts = _app.Services.GetRequiredService<IStringLocalizer<Texts>>();
        var translations = InSpanish(() => texts.GetAllStrings(includeParentCultures: false).ToList());
        translations.Should().HaveCountGreaterThan(500);
        foreach (var t in translations)
            Placeholders(t.Value).Should().BeEquivalentTo(Placeholders(t.Name), $"the translation of \"{t.Name}\" must show the same values");
    }

    private static IEnumerable<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct();

    [GeneratedRegex(@"\{(\d+)")]
    private static partial Regex Placeholder();

    [Fact]
    public async Task The_APIs_problems_are_Spanish_for_a_client_that_asks_for_Spanish_and_English_otherwise()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "SQ");
        var english = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "SQ", displayName = "Lucy Parsons", email = "not-an-address" });
        english.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await english.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be("'not-an-address' is not an e-mail address.");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leaders") { Content = JsonContent.Create(new { affiliate = "SQ", displayName = "Lucy Parsons", email = "not-an-address" }) };
        request.Headers.AcceptLanguage.ParseAdd("es");
        var spanish = await admin.SendAsync(request);
        spanish.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await spanish.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("'not-an-address' no es una dirección de correo electrónico.");
        problem.GetProperty("errors").GetProperty("email")[0].GetString().Should().Be("'not-an-address' no es una dirección de correo electrónico.");
    }

    [Fact]
    public async Task A_Spanish_reader_gets_refusals_risk_reasons_gaps_requirements_and_the_printable_report_in_Spanish()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "SP");
        var leaderId = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "SP", displayName = "Ella Baker", email = "ella.sp@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var vacant = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "SP", title = "Recording Secretary", requirements = Array.Empty<object>() }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/positions/{vacant}/nominations", new { leaderId }));
        var demanding = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "SP", title = "Chief Organizer", requirements = new[] { new { themeCode = "ADV.1", level = 2 } } }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/positions/{demanding}/nominations", new { leaderId }));
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("sp.staff", ApiUsers.Password, Roles.AffiliateAdmin, "SP", null, null);
        await _app.CaughtUpAsync();
        var staff = new PageClient(_app);
        staff.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        await staff.SignInAsync("sp.staff");

        var succession = await staff.GetAsync("/board/succession");
        succession.Should().Contain("Un candidato está preparado ya; el puesto está vacante.")
            .And.Contain("necesita el Nivel 2 en <span lang=\"en\">Utilizes best practices in advocacy and political efforts</span>, aún no tiene ningún nivel en él",
                "the framework's English words inside a Spanish sentence are marked as English, for a screen reader")
            .And.Contain("<span lang=\"en\">Advocacy</span>: necesita")
            .And.NotContain("is ready now").And.NotContain("needs Level");

        // The timeline of the leader's record marks the theme's title inside its Spanish entry too.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/trainings", new { title = "Taller de incidencia", themeCode = "ADV.1", level = 1, completedOn = "2026-01-10" }));
        var record = await staff.GetAsync($"/staff/leaders/{leaderId}");
        var timeline = record[record.IndexOf("<h2 id=\"timeline\">", StringComparison.Ordinal)..];
        timeline.Should().Contain("«Taller de incidencia»").And.Contain("<span lang=\"en\">Utilizes best practices in advocacy and political efforts</span>");

        // So does a form's answer (said by the shared outcome): the theme a training was recorded at.
        var recorded = await (await staff.PostAsync($"/staff/leaders/{leaderId}", $"/staff/leaders/{leaderId}?handler=training",
            new() { ["themeCode"] = "ADV.1", ["level"] = "2", ["title"] = "Taller avanzado", ["completedOn"] = "2026-01-12" })).Content.ReadAsStringAsync();
        recorded.Should().MatchRegex("<p class=\"notice\" role=\"status\">[^<]*«Taller avanzado»[^<]*<span lang=\"en\">Utilizes best practices in advocacy and political efforts</span>");

        var positions = await staff.GetAsync("/staff/positions");
        positions.Should().Contain("Nivel 2 en <span lang=\"en\">Utilizes best practices in advocacy and political efforts</span>", "a position's requirements mark the framework's words too").And.Contain("Candidatos").And.NotContain("ADV.1 level 2");

        var refused = await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol", new() { ["displayName"] = "Lucy Parsons", ["email"] = "not-an-address" });
        (await refused.Content.ReadAsStringAsync()).Should().Contain("&#x27;not-an-address&#x27; no es una dirección de correo electrónico.")
            .And.NotContain("is not an e-mail address");

        var csv = await (await staff.Http.GetAsync("/board/succession?handler=csv")).Content.ReadAsStringAsync();
        csv.Should().StartWith("Afiliada,A fecha de,Id del cargo,Cargo,Titular,").And.Contain(",Alto,").And.Contain("Preparado ya")
            .And.Contain("necesita el Nivel 2 en").And.NotContain("ready-now").And.NotContain("ADV.1 0/2");
        (await (await staff.Http.GetAsync("/board/pipeline?handler=csv")).Content.ReadAsStringAsync()).Should().Contain(",Nivel 0,Nivel 1,Nivel 2,Nivel 3", "its level columns too");
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/api/reports/succession?affiliate=SP&format=csv");
        csvRequest.Headers.AcceptLanguage.ParseAdd("es");
        var data = await (await admin.SendAsync(csvRequest)).Content.ReadAsStringAsync();
        data.Should().StartWith("affiliate,as_of,position_id,").And.Contain("ready-now").And.Contain("ADV.1 0/2", "the API's CSV is data, codes and all, whatever the language");

        using var printablePipeline = new HttpRequestMessage(HttpMethod.Get, "/api/reports/pipeline?affiliate=SP&format=html");
        printablePipeline.Headers.AcceptLanguage.ParseAdd("es");
        (await (await admin.SendAsync(printablePipeline)).Content.ReadAsStringAsync()).Should().Contain(">Nivel 0</th>", "the printable pipeline's level columns");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/succession?affiliate=SP&format=html");
        request.Headers.AcceptLanguage.ParseAdd("es");
        var printable = await (await admin.SendAsync(request)).Content.ReadAsStringAsync();
        printable.Should().Contain("<html lang=\"es\">").And.Contain("Informe de sucesión: SP").And.Contain("Preparado ya")
            .And.Contain("Un candidato está preparado ya; el puesto está vacante.").And.NotContain("Candidate</th>");
    }
}
