using System.Net;
using System.Text.Json;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Http;

public sealed class ApiDocsTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _anonymous = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        _anonymous = _app.CreateClient(new() { AllowAutoRedirect = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_OpenAPI_document_lists_every_API_endpoint_with_its_errors_and_write_headers()
    {
        var response = await _anonymous.GetAsync("/openapi/v1.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        // Every endpoint the host maps under /api, read from the host's own routing: one added later is checked too.
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: e.RoutePattern.RawText!.TrimEnd('/'), Method: m)))
            .ToList();
        endpoints.Should().HaveCountGreaterThan(30);
        var untypedReads = new List<string>();
        foreach (var (path, method) in endpoints)
        {
            paths.TryGetProperty(path, out var operations).Should().BeTrue($"{method} {path} is in the document");
            operations.TryGetProperty(method.ToLowerInvariant(), out var operation).Should().BeTrue($"{method} {path} is in the document");
            var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            responses.Should().Contain(["403", "503"], $"{method} {path} names its answers");
            // 202: taken, to be done in the background, with nothing to answer (a password link by mail).
            responses.Should().Contain(r => r == "200" || r == "201" || r == "202" || r == "204", $"{method} {path} names its success");
            if (method == "GET" && ReadSchemaOf(operation) is null) untypedReads.Add(path);
            if (method is "POST" or "PUT" or "PATCH" or "DELETE")
            {
                responses.Should().Contain(["400", "409", "422"], $"{method} {path} names the errors of a write");
                if (!responses.Contains("204") && !responses.Contains("202"))
                    operation.GetProperty("responses").EnumerateObject().Where(r => r.Name is "200" or "201").Any(r => r.Value.TryGetProperty("content", out var _))
                        .Should().BeTrue($"{method} {path} names the type of what it answers");
                var names = operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList() : [];
                if (ApiDocs.WithoutVersionedWrites.Any(p => path.TrimStart('/').StartsWith(p, StringComparison.Ordinal)))
                    names.Should().NotContain(["If-Match", "Idempotency-Key"], $"{method} {path} writes to no stream: it promises neither");
                else
                    names.Should().Contain(["If-Match", "Idempotency-Key"], $"{method} {path} takes the write headers");
            }
        }
        untypedReads.Should().BeEmpty("every read names the type of what it answers");
        paths.GetProperty("/api/leaders/{id}/trainings").GetProperty("post").GetProperty("requestBody").ToString()
            .Should().Contain("RecordTrainingRequest", "a write names its request type");
    }

    /// <summary>The JSON schema of a read's 200 answer when it names one; null when the document gives it no type.</summary>
    private static string? ReadSchemaOf(JsonElement operation)
    {
        if (!operation.GetProperty("responses").TryGetProperty("200", out var ok) || !ok.TryGetProperty("content", out var content)) return null;
        if (!content.TryGetProperty("application/json", out var json) || !json.TryGetProperty("schema", out var schema)) return null;
        return schema.TryGetProperty("$ref", out _) || schema.TryGetProperty("type", out _) ? schema.ToString() : null;
    }

    [Fact]
    public async Task The_API_reference_is_browsable_and_loads_the_document_from_this_host()
    {
        var response = await _anonymous.GetAsync("/api-docs/");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("openapi/v1.json");
        html.Should().NotContain("cdn.", "the reference's script is served by this host");
        (await _anonymous.GetAsync("/api-docs/scalar.js")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
