using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Http;

/// <summary>
/// Property-based: every write endpoint of the OpenAPI document, sent random bodies built from its
/// request schema (right names, wrong values, odd text, deep nesting, no JSON at all) and random query
/// strings and ids, by a leader, a mentor and staff, never answers 5xx. Each endpoint is sampled on
/// its own, so a failure names it; CsCheck shrinks a failing request to a small one and prints its seed.
/// </summary>
public sealed class FuzzTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>Samples per endpoint: 30 in every run; set LEADERJOURNEY_FUZZ_SAMPLES for a longer hunt.</summary>
    private static readonly int SamplesPerEndpoint = int.TryParse(Environment.GetEnvironmentVariable("LEADERJOURNEY_FUZZ_SAMPLES"), out var n) ? n : 30;
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient[] _callers = [];
    private Guid _leader, _position;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "FZ");
        _leader = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "FZ", displayName = "Fuzzed Leader", email = "fuzz@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        _position = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "FZ", title = "Fuzzed Chair", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var (mentor, mentorId) = await _app.SignedInAsync(Roles.Mentor, "FZ");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{_leader}/mentors", new { mentorUserId = mentorId }));
        var (leader, _) = await _app.SignedInAsync(Roles.Leader, "FZ", _leader);
        _callers = [admin, mentor, leader];
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record Operation(string Method, string Path, IReadOnlyList<string> BodyProperties, IReadOnlyList<string> QueryParameters, bool TakesText);

    private sealed record Sample(int Caller, string Path, string Query, string? Body, bool Json)
    {
        public override string ToString() => $"caller {Caller}: {Path}{Query} {(Json ? "json" : "text")} {Body}";
    }

    [Fact]
    public async Task No_write_endpoint_answers_5xx_to_any_body_query_string_or_id()
    {
        var operations = await Operations();
        operations.Should().HaveCountGreaterThan(25);
        operations.Should().Contain(o => o.Method == "PUT" && o.Path == "/api/leaders/{id}/demographics" && o.BodyProperties.Contains("raceEthnicity"), "bodies are built from the request schemas");
        foreach (var operation in operations)
        {
            await SampleOf(operation).SampleAsync(async sample =>
            {
                var request = new HttpRequestMessage(new HttpMethod(operation.Method), sample.Path + sample.Query);
                if (sample.Body is not null)
                    request.Content = new StringContent(sample.Body, Encoding.UTF8, sample.Json ? "application/json" : "text/plain");
                using var response = await _callers[sample.Caller].SendAsync(request);
                ((int)response.StatusCode).Should().BeLessThan(500, $"{operation.Method} {sample} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }, iter: SamplesPerEndpoint, threads: 1);
        }
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31T23:59:59Z")]
    public async Task An_as_of_date_at_the_ends_of_the_calendar_is_refused_as_such_not_a_5xx(string asOf)
    {
        // Found by the fuzzing above: the end-of-day rounding of 9999-12-31 overflowed.
        foreach (var report in new[] { "succession", "pipeline" })
        {
            using var response = await _callers[0].GetAsync($"/api/reports/{report}?affiliate=FZ&asOf={Uri.EscapeDataString(asOf)}");
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }
    }

    /// <summary>The writes of the OpenAPI document (and the reads with query strings), with their body properties and query parameters.</summary>
    private async Task<List<Operation>> Operations()
    {
        var document = JsonNode.Parse(await _app.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var schemas = document["components"]?["schemas"];
        var operations = new List<Operation>();
        foreach (var (path, methods) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in methods!.AsObject())
            {
                var verb = method.ToUpperInvariant();
                var query = operation!["parameters"]?.AsArray().Where(p => p!["in"]?.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
                if (verb == "GET" && query.Count == 0) continue;
                // Signing out ends the caller's token: nothing in it to fuzz.
                if (path == "/api/auth/sign-out") continue;
                var content = operation["requestBody"]?["content"];
                var properties = new List<string>();
                if (content?["application/json"]?["schema"] is { } schema)
                {
                    // A body the endpoint takes as nullable is written oneOf [null, the type].
                    foreach (var candidate in schema["oneOf"]?.AsArray() is { } choices ? choices.OfType<JsonNode>() : [schema])
                    {
                        var resolved = candidate["$ref"]?.GetValue<string>() is { } reference ? schemas?[reference.Split('/')[^1]] : candidate;
                        properties.AddRange(resolved?["properties"]?.AsObject().Select(p => p.Key) ?? []);
                    }
                }
                operations.Add(new Operation(verb, path, properties, query, TakesText: content is not null && content["application/json"] is null));
            }
        }
        return operations;
    }

    private Gen<Sample> SampleOf(Operation operation) =>
        Gen.Select(Gen.Int[0, _callers.Length - 1], PathOf(operation.Path), QueryOf(operation.QueryParameters), BodyOf(operation),
            (caller, path, query, body) => new Sample(caller, path, query, body.Text, body.Json));

    private Gen<string> PathOf(string template)
    {
        var segments = template.Split('/');
        var parts = segments.Select(segment => segment.StartsWith('{')
            ? Gen.OneOf(Gen.Const(_leader.ToString()), Gen.Const(_position.ToString()), Gen.Guid.Select(g => g.ToString()), Gen.Const("ADV.1"), Gen.Const("1"),
                Gen.Const("-1"), Gen.Const("succession"), Gen.Const("pipeline"), Gen.Const("not-an-id"), Gen.Const(new string('9', 300)))
            : Gen.Const(segment)).ToArray();
        return Gen.Select(parts.Aggregate(Gen.Const(new List<string>()), (all, part) => Gen.Select(all, part, (list, p) => new List<string>(list) { p })),
            list => string.Join('/', list));
    }

    private static Gen<string> QueryOf(IReadOnlyList<string> names) =>
        names.Count == 0 ? Gen.Const("") :
        Gen.Select(names.Select(name => Gen.Bool.SelectMany(include => include ? Text.Select(v => $"{name}={Uri.EscapeDataString(v)}") : Gen.Const(""))).Aggregate(
            Gen.Const(new List<string>()), (all, part) => Gen.Select(all, part, (list, p) => p.Length == 0 ? list : new List<string>(list) { p })),
            list => list.Count == 0 ? "" : "?" + string.Join('&', list));

    private static Gen<(string? Text, bool Json)> BodyOf(Operation operation)
    {
        if (operation.TakesText) return Gen.Frequency((4, Text.Select(t => ((string?)t, false))), (1, Gen.Const(((string?)null, false))));
        var fields = operation.BodyProperties.Concat(["unexpected"]).ToArray();
        var shaped = Gen.Select(fields.Select(name => Gen.Frequency((3, Value(2).Select(v => (name, (JsonNode?)v, true))), (1, Gen.Const((name, (JsonNode?)null, false))))).Aggregate(
            Gen.Const(new JsonObject()), (all, field) => Gen.Select(all, field, (json, f) =>
            {
                var copy = (JsonObject)json.DeepClone();
                if (f.Item3) copy[f.name] = f.Item2?.DeepClone();
                return copy;
            })), json => ((string?)json.ToJsonString(), true));
        return Gen.Frequency(
            (8, shaped),
            (1, Value(3).Select(v => ((string?)(v?.ToJsonString() ?? "null"), true))),
            (1, Text.Select(t => ((string?)t, true))), // not JSON at all, sent as JSON
            (1, Gen.Const(((string?)null, true))));
    }

    /// <summary>Text that has broken parsers before: empty, NUL and control characters, formulas, huge, non-BMP, dates and codes just off.</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.String),
        (1, Gen.OneOf(Gen.Const(""), Gen.Const(" "), Gen.Const("\u0000"), Gen.Const("=HYPERLINK(\"x\")"), Gen.Const("ADV.1"), Gen.Const("ADV"), Gen.Const("ZZZ.99"),
            Gen.Const("2026-01-10"), Gen.Const("2026-02-30"), Gen.Const("9999-12-31"), Gen.Const("0001-01-01"), Gen.Const("-1"), Gen.Const("2147483648"),
            Gen.Const("ready-now"), Gen.Const("national-admin"), Gen.Const("leader"), Gen.Const("mentor"), Gen.Const("self"), Gen.Const("\"7\""),
            Gen.Const("😀🏳️‍🌈"), Gen.Const("\ud800"), Gen.Const("<script>alert(1)</script>"), Gen.Const("' or 1=1 --"), Gen.Const("../../etc/passwd"),
            Gen.Const(Guid.Empty.ToString()))),
        (1, Gen.Char.Array[1000, 20000].Select(c => new string(c))));

    private static Gen<JsonNode?> Scalar => Gen.Frequency(
        (1, Gen.Const((JsonNode?)null)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (2, Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i))),
        (1, Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d))),
        (4, Text.Select(t => (JsonNode?)JsonValue.Create(t))));

    private static Gen<JsonNode?> Value(int depth) => depth <= 0 ? Scalar : Gen.Frequency(
        (6, Scalar),
        (1, Value(depth - 1).Array[0, 5].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()))),
        (1, Gen.Select(Gen.String[0, 10], Value(depth - 1), (key, value) => (JsonNode?)new JsonObject { [key] = value?.DeepClone() })));
}
