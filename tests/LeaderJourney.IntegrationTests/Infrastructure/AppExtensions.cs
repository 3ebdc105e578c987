using System.Net;
using System.Text.Json;
using LeaderJourney.Storage.Projections;
using Microsoft.Extensions.DependencyInjection;
using LeaderJourney.Storage;

namespace LeaderJourney.IntegrationTests.Infrastructure;

public static class AppExtensions
{
    /// <summary>Waits (on the condition, not a timer) until every read model has applied everything appended so far.</summary>
    public static async Task CaughtUpAsync(this LeaderJourneyAppFactory app)
    {
        var runtime = app.Services.GetRequiredService<ProjectionRuntime>();
        var head = await app.Services.GetRequiredService<Store>().ReadLastSequenceAsync();
        foreach (var registration in runtime.Registrations) await runtime.WaitForAsync(registration.Projection.Name, head, TimeSpan.FromSeconds(30));
    }

    /// <summary>The response's JSON, after checking its status (the body is in the failure message).</summary>
    public static async Task<JsonElement> Ok(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, body);
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }
}
