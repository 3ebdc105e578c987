using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;

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
}
