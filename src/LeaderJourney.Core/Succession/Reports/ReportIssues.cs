using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Succession.Reports;

/// <summary>
/// A report was issued to the board: what was asked, a hash of what it said, and what it said, so the
/// board can reopen exactly that. <paramref name="Content"/> is kept without personal data (see
/// <see cref="ReportIssues.Redact"/>); the hash is of the whole report as the board saw it.
/// </summary>
public sealed record ReportIssued(Guid ReportId, string Affiliate, string Kind, DateTimeOffset AsOf, string ContentHash, JsonElement Content, Guid IssuedBy, DateTimeOffset IssuedAt);

/// <summary>Issuing reports to the board, and reopening them beside what is known now.</summary>
public static class ReportIssues
{
    public const string StreamType = "report_issues";
    public const string EventName = "report.issued";

    /// <summary>One stream per affiliate holds its issued reports, derived from the code.</summary>
    public static Guid StreamIdFor(string affiliate) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes("leaderjourney/report-issues/" + affiliate)).AsSpan(0, 16));

    /// <summary>
    /// The hash of a report's content in a canonical form (object keys sorted, as jsonb also reorders
    /// them), leaving out when it was generated: two runs of the same report, and a stored copy, hash alike.
    /// </summary>
    public static string Hash(JsonElement content)
    {
        var node = Canonical(JsonNode.Parse(content.GetRawText()))!.AsObject();
        node.Remove("generatedAt");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node.ToJsonString())));
    }

    // Names and readiness justifications are personal data: an issued report keeps none, so that an
    // erasure reaches issued reports too. They are put back from what is known now when it is reopened;
    // if nothing changed since, the reopened report hashes as issued.
    private static readonly string[] PersonalProperties = ["displayName", "justification"];

    /// <summary>The report without the personal values of the people in it (objects carrying a leaderId).</summary>
    public static JsonElement Redact(JsonElement content)
    {
        var node = JsonNode.Parse(content.GetRawText())!;
        Walk(node, null, (person, _) =>
        {
            foreach (var property in PersonalProperties)
                if (person.ContainsKey(property)) person[property] = null;
        });
        return JsonSerializer.SerializeToElement(node);
    }

    /// <summary>
    /// Puts names back from <paramref name="names"/> (the names known now) and readiness justifications
    /// from <paramref name="current"/> (the same report computed now), matched by position and leader.
    /// </summary>
    public static JsonElement Restore(JsonElement stored, JsonElement current, IReadOnlyDictionary<Guid, string> names, string kind)
    {
        var justifications = new Dictionary<(string?, Guid), JsonNode?>();
        Walk(JsonNode.Parse(current.GetRawText())!, null, (person, position) =>
        {
            if (person.TryGetPropertyValue("justification", out var value)) justifications[(position, LeaderIdOf(person))] = value?.DeepClone();
        });
        var node = InTodaysShape(kind, JsonNode.Parse(stored.GetRawText())!);
        Walk(node, null, (person, position) =>
        {
            var leaderId = LeaderIdOf(person);
            if (person.ContainsKey("displayName")) person["displayName"] = names.TryGetValue(leaderId, out var name) ? name : Domain.Leaders.Leader.ErasedName;
            if (person.ContainsKey("justification")) person["justification"] = justifications.GetValueOrDefault((position, leaderId));
        });
        return JsonSerializer.SerializeToElement(node);
    }

    private static Guid LeaderIdOf(JsonObject person) => Guid.Parse(person["leaderId"]!.GetValue<string>());

    /// <summary>Visits every object that names a leader, with the id of the position it sits under (if any).</summary>
    private static void Walk(JsonNode? node, string? position, Action<JsonObject, string?> visit)
    {
        switch (node)
        {
            case JsonObject o:
                if (o.ContainsKey("candidates") && o["id"] is JsonValue id) position = id.ToString();
                if (o["leaderId"] is JsonValue) visit(o, position);
                foreach (var (_, child) in o.ToList()) Walk(child, position, visit);
                break;
            case JsonArray a:
                foreach (var child in a) Walk(child, position, visit);
                break;
        }
    }

    /// <summary>An issued report as the board saw it, personal values restored from what is known now.</summary>
    public static async Task<JsonElement> ReopenAsync(ReportService service, ReportIssued issued, JsonElement current, CancellationToken ct) =>
        Restore(issued.Content, current, await service.NamesAsync(issued.Affiliate, issued.AsOf, ct), issued.Kind);

    /// <summary>
    /// Pipeline reports issued before the board stopped seeing the stalled leaders by name kept them as a
    /// list: such a report is read in today's shape, a count by stage and no one named, so that reopening
    /// it never puts their names back.
    /// </summary>
    private static JsonNode InTodaysShape(string kind, JsonNode node)
    {
        if (kind != "pipeline" || node["stalled"] is not JsonArray listed) return node;
        node["stalledCount"] ??= listed.Count;
        node["stalledStages"] ??= new JsonArray([.. Enumerable.Range(0, 4).Select(stage => (JsonNode)listed.Count(s => s?["stage"]?.GetValue<int>() == stage))]);
        node["stalled"] = null;
        return node;
    }

    /// <summary>
    /// Whether the same question asked now gives another answer than the one issued: the hashes compared,
    /// or for a report kept in an earlier shape (<see cref="InTodaysShape"/>), whose hash covered names no
    /// longer shown, the report reopened in today's shape against the one computed now.
    /// </summary>
    /// <remarks>
    /// A figure added to the report after it was issued (how many key positions could be filled at once, say)
    /// is left out of the comparison: the report computed now is read in the issued report's shape, so that
    /// only an answer to what was asked then can differ.
    /// </remarks>
    public static bool Changed(ReportIssued issued, JsonElement current, JsonElement reopened) =>
        issued.Kind == "pipeline" && issued.Content.TryGetProperty("stalled", out var stalled) && stalled.ValueKind == JsonValueKind.Array
            ? Hash(reopened) != Hash(ShapedLike(current, reopened))
            : Hash(ShapedLike(current, issued.Content)) != issued.ContentHash;

    /// <summary><paramref name="report"/> with only the properties <paramref name="shape"/> has, object by object (array items by place).</summary>
    private static JsonElement ShapedLike(JsonElement report, JsonElement shape) =>
        JsonSerializer.SerializeToElement(Keep(JsonNode.Parse(report.GetRawText()), JsonNode.Parse(shape.GetRawText())));

    private static JsonNode? Keep(JsonNode? node, JsonNode? shape)
    {
        switch (node, shape)
        {
            case (JsonObject o, JsonObject s):
                foreach (var (key, _) in o.ToList())
                {
                    if (!s.ContainsKey(key)) o.Remove(key);
                    else o[key] = Keep(o[key]?.DeepClone(), s[key]);
                }
                return o;
            case (JsonArray a, JsonArray s):
                return new JsonArray([.. a.Select((item, i) => Keep(item?.DeepClone(), i < s.Count ? s[i] : item))]);
            default:
                return node;
        }
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value?.DeepClone())))),
        JsonArray a => new JsonArray(a.Select(x => Canonical(x?.DeepClone())).ToArray()),
        // A number as the double it is: jsonb writes 2.3e-12 back as 0.0000000000023, the same number in other digits.
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => JsonValue.Create(v.GetValue<double>()),
        _ => node?.DeepClone(),
    };

    public static IEndpointRouteBuilder MapReportIssues(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization();

        reports.MapPost("/{kind}/issues", async (string kind, string? affiliate, string? asOf, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            // The handler checks the caller first, then that there is an affiliate (403 before 400, as ever).
            var code = affiliate ?? http.CurrentUser().Affiliate;
            return await commands.InvokeAsync(new IssueReportCommand(kind, code, asOf) { Sender = http.SenderOf(new { kind, affiliate, asOf }) }, ct);
        }).Produces<IssuedReportBody>(StatusCodes.Status201Created).ChecksTokenWithItsWrite();

        reports.MapGet("/issues", async (string? affiliate, HttpContext http, Store store, Access.AccessDirectory directory, CancellationToken ct) =>
        {
            var code = await ReaderAsync(http, affiliate, directory, ct);
            var issued = (await store.ReadStreamAsync(StreamIdFor(code), ct: ct)).Select(e => (ReportIssued)e.Data);
            return Results.Ok(issued.Select(r => new IssuedReportEntry(r.ReportId, r.Kind, r.AsOf, r.IssuedAt, r.ContentHash)));
        }).Produces<IReadOnlyList<IssuedReportEntry>>();

        reports.MapGet("/issues/{id}", async (string id, string? affiliate, HttpContext http, Store store, ReportService service, Privacy.Audit.SensitiveReads audit,
            Access.AccessDirectory directory, CancellationToken ct) =>
        {
            var code = await ReaderAsync(http, affiliate, directory, ct);
            var reportId = LeaderInput.Id(id);
            var issued = (await store.ReadStreamAsync(StreamIdFor(code), ct: ct)).Select(e => (ReportIssued)e.Data).FirstOrDefault(r => r.ReportId == reportId)
                ?? throw new NotFoundException($"There is no issued report {reportId}.");
            // The same question asked again now: anything learned since about that date shows as a changed hash.
            var now = await RecomputeAsync(service, issued, ct);
            if (issued.Kind == "pipeline") await audit.RecordAsync(http.CurrentUser(), Privacy.Audit.SensitiveReads.EquityBreakdown, null, code, ct, EquityAsOf(issued));
            var reopened = await ReopenAsync(service, issued, now, ct);
            return Results.Ok(new ReopenedReportBody(issued.ReportId, issued.Kind, issued.AsOf, issued.IssuedAt, issued.ContentHash,
                Hash(now), Changed(issued, now, reopened), reopened, now));
        }).Produces<ReopenedReportBody>();
        return app;
    }

    private static async Task<string> ReaderAsync(HttpContext http, string? affiliate, Access.AccessDirectory directory, CancellationToken ct)
    {
        var caller = http.CurrentUser();
        if (!(caller.IsAdmin || caller.Role == Roles.Board)) throw new ForbiddenException("Reports are for the board and staff.");
        return await directory.AffiliateAskedAsync(caller, affiliate, "You see your own affiliate's reports only.", ct);
    }

    /// <summary>The moment an issued pipeline report's equity breakdown was counted to, as it was issued (its date, for one issued before the field).</summary>
    public static DateTimeOffset EquityAsOf(ReportIssued issued) =>
        issued.Content.ValueKind == JsonValueKind.Object && issued.Content.TryGetProperty("equityAsOf", out var at) && at.TryGetDateTimeOffset(out var moment) ? moment : issued.AsOf;

    /// <summary>
    /// The same question asked again now, for an issued report: a pipeline report's breakdown counted where it was
    /// counted when issued (one issued while the rule was whole days keeps its day; recounted to a month's end, it
    /// would show a change no one made).
    /// </summary>
    public static async Task<JsonElement> RecomputeAsync(ReportService service, ReportIssued issued, CancellationToken ct) => issued.Kind == "pipeline"
        ? JsonSerializer.SerializeToElement(await service.PipelineAsync(issued.Affiliate, issued.AsOf, StalledNames.None, ct, equityInWholeMonths: true, issued.IssuedAt, EquityAsOf(issued)), JsonSerializerOptions.Web)
        : await Compute(service, issued.Kind, issued.Affiliate, issued.AsOf, issued.IssuedAt, ct);

    /// <summary>The report of that kind as JSON, as it is issued (at <paramref name="issuedAt"/>) and hashed.</summary>
    public static async Task<JsonElement> Compute(ReportService service, string kind, string affiliate, DateTimeOffset asOf, DateTimeOffset issuedAt, CancellationToken ct) => kind switch
    {
        "succession" => JsonSerializer.SerializeToElement(await service.SuccessionAsync(affiliate, asOf, ct), JsonSerializerOptions.Web),
        // Issued to the board: its equity breakdown ends at a whole month, and it counts the stalled leaders
        // without naming them, as the board's own reports do. The whole months are those before the month it was
        // issued, also when it is asked again later: one issued as of its own month would otherwise count that
        // month's end when reopened the next month, and show a change no one made.
        "pipeline" => JsonSerializer.SerializeToElement(await service.PipelineAsync(affiliate, asOf, StalledNames.None, ct, equityInWholeMonths: true, issuedAt), JsonSerializerOptions.Web),
        _ => throw new RequestValidationException("kind", "kind is succession or pipeline."),
    };
}

/// <summary>What issuing a report answers: its id and the hash of its content as issued.</summary>
public sealed record IssuedReportBody(Guid Id, string Hash);

/// <summary>A report issued to the board, as GET /api/reports/issues lists it.</summary>
public sealed record IssuedReportEntry(Guid Id, string Kind, DateTimeOffset AsOf, DateTimeOffset IssuedAt, string Hash);

/// <summary>An issued report reopened: as issued (<see cref="Report"/>, names as known now), the same question asked now (<see cref="Current"/>), and whether the answer changed.</summary>
public sealed record ReopenedReportBody(Guid Id, string Kind, DateTimeOffset AsOf, DateTimeOffset IssuedAt, string Hash, string CurrentHash, bool Changed,
    JsonElement Report, JsonElement Current);

/// <summary>Staff issue a report to the board as it stands at a moment: kept, hashed, and compared later with the same question asked again.</summary>
/// <param name="Affiliate">The affiliate whose report it is (the one named, else the caller's own), which holds the stream of its issued reports; none is refused.</param>
public sealed record IssueReportCommand(string Kind, string? Affiliate, string? AsOf) : StreamCommand(ReportIssues.StreamIdFor(Affiliate ?? ""))
{
    /// <summary>The stream Wolverine loads for the handler (its aggregate's id).</summary>
    [JasperFx.Identity]
    public Guid IssuedReportsStreamId => StreamId;

    /// <summary>Sent for the affiliate named: its stream of issued reports is there (with none, for no affiliate, and the handler refuses it).</summary>
    public override string? NewStreamAffiliate => Affiliate;

    protected override string Describe() => $"{nameof(IssueReportCommand)} {Kind} for {Affiliate}";
}

/// <summary>A report computed and ready to be kept: the event that issues it.</summary>
public sealed record ReportToIssue(ReportIssued Issued);

/// <summary>
/// How Marten folds an affiliate's stream of issued reports for the handler: only how many there are
/// (the version is what If-Match compares); live, nothing is stored.
/// </summary>
public sealed record IssuedReports(Guid Id, int Count);

public sealed class IssuedReportsAggregation : SingleStreamProjection<IssuedReports, Guid>
{
    public override IssuedReports? Evolve(IssuedReports? snapshot, Guid id, IEvent e) =>
        e.Data is ReportIssued ? new IssuedReports(id, (snapshot?.Count ?? 0) + 1) : snapshot;

    public static void Register(StoreOptions marten) =>
        marten.Projections.Add(new IssuedReportsAggregation(), JasperFx.Events.Projections.ProjectionLifecycle.Live);
}

/// <summary>
/// Issuing a report, on Wolverine's aggregate handler workflow: the report is computed first
/// (<see cref="LoadAsync"/>, which may wait seconds for the pipeline's read models), then Wolverine
/// loads the affiliate's stream of issued reports holding its row, and the event and the answer kept
/// under the Idempotency-Key commit in that session's transaction.
/// </summary>
public static class IssueReportHandler
{
    /// <summary>How long issuing a pipeline report waits for its read models to catch up (<c>LeaderJourney:Reports:CatchUpSeconds</c>).</summary>
    public static TimeSpan CatchUpWait(IConfiguration configuration) =>
        TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("LeaderJourney:Reports:CatchUpSeconds", 10.0), 0.1, 120));

    public static void Configure(HandlerChain chain) => StreamCommandBus.RetryLostStart(chain);

    /// <summary>Checks the caller and computes the report, before the stream's row is held.</summary>
    public static async Task<ReportToIssue> LoadAsync(IssueReportCommand command, ReportService service, PipelineData data, IConfiguration configuration, TimeProvider clock, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        if (!caller.IsAdmin) throw new ForbiddenException("Staff issue reports to the board.");
        var code = command.Affiliate ?? throw new RequestValidationException("affiliate", "Give the affiliate's code.");
        if (!caller.CanSee(code)) throw new ForbiddenException("You issue your own affiliate's reports only.");
        var now = clock.GetUtcNow();
        var at = LeaderInput.ReportDay(command.AsOf) ?? now;
        // The succession report reads the inline leader-progress; the pipeline report's read models trail commands.
        if (command.Kind == "pipeline") await data.CatchUpAsync(CatchUpWait(configuration), ct);
        var content = await ReportIssues.Compute(service, command.Kind, code, at, now, ct);
        return new ReportToIssue(new ReportIssued(Guid.CreateVersion7(), code, command.Kind, at, ReportIssues.Hash(content), ReportIssues.Redact(content), caller.UserId, now));
    }

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static async Task<Answer> Handle(IssueReportCommand command, ReportToIssue report, IEventStream<IssuedReports> stream, IDocumentSession session,
        IdempotentAnswers answers, Store store, CancellationToken ct)
    {
        // A repeat of this request may have committed while this one waited for the stream's row.
        if (await answers.FindAsync(command.Sender, ct, session) is { } kept) return kept;
        // The message was sent for the report's affiliate (StreamCommandBus): its stream lives there.
        if (session.TenantId != command.Affiliate) throw new InvalidOperationException($"A report of {command.Affiliate} was to be issued in a session of {session.TenantId}.");
        var version = command.Sender.CheckIfMatch(stream.Id, stream.StartingVersion);
        var issued = report.Issued;
        var answer = new Answer(StatusCodes.Status201Created, new IssuedReportBody(issued.ReportId, issued.ContentHash), $"/api/reports/issues/{issued.ReportId}?affiliate={issued.Affiliate}");
        if (version == 0) store.DeclareNewStream(session, stream.Id, ReportIssues.StreamType);
        return answers.Append(session, command.Sender, stream, [issued], answer);
    }
}
