using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>Makes affiliates and users in the app's database and signs them in through the real token endpoint.</summary>
public static class ApiUsers
{
    public const string Password = "correct horse battery";

    public static async Task EnsureAffiliateAsync(this LeaderJourneyAppFactory app, string code)
    {
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        if (!await directory.AffiliateExistsAsync(code)) await directory.CreateAffiliateAsync(code, $"Affiliate {code}");
    }

    /// <summary>A new user of that role (and affiliate), signed in: the client sends its bearer token.</summary>
    public static async Task<(HttpClient Client, Guid UserId)> SignedInAsync(this LeaderJourneyAppFactory app, string role, string? affiliate = null, Guid? leaderId = null)
    {
        if (affiliate is not null) await app.EnsureAffiliateAsync(affiliate);
        var username = $"{role}-{Guid.NewGuid():N}"[..30];
        var id = await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, Password, role, affiliate, leaderId, creator: null);
        return (await app.SignInAsync(username), id);
    }

    /// <summary>A client with a fresh token for an existing user (tokens expire when a test moves its clock far).</summary>
    public static async Task<HttpClient> SignInAsync(this LeaderJourneyAppFactory app, string username, string password = Password)
    {
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
