using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Domain.Succession;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Succession.Positions;

public sealed record RequirementBody(string? DomainCode, string? ThemeCode, int? Level);
public sealed record DefinePositionBody(string? Affiliate, string? Title, bool? Key, string? IncumbentLeaderId, string? TermEndsOn, IReadOnlyList<RequirementBody>? Requirements);
public sealed record NominationBody(string? LeaderId, string? Note);
public sealed record AssessmentBody(string? LeaderId, string? Readiness, string? Justification);
public sealed record AppointmentBody(string? LeaderId, string? On, string? TermEndsOn);
public sealed record IncumbentBody(string? LeaderId, string? Since, string? TermEndsOn);
public sealed record VacancyBody(string? LeaderId, string? On);
public sealed record TermEndBody(string? TermEndsOn);
public sealed record WithdrawalBody(string? LeaderId, string? Reason);

/// <summary>Key positions as streams: staff define them, nominate candidates, record a person's readiness call, appoint.</summary>
public static class PositionEndpoints
{
    public static IEndpointRouteBuilder MapPositions(this IEndpointRouteBuilder app)
    {
        var positions = app.MapGroup("/api/positions").WithTags("Positions").RequireAuthorization();

        positions.MapPost("/", (DefinePositionBody? body, HttpContext http, PositionWrites writes, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = Admin(http);
                body ??= new DefinePositionBody(null, null, null, null, null, null);
                var requirements = (body.Requirements ?? []).Select(r => r is null ? null : new RequirementInput(r.DomainCode, r.ThemeCode, r.Level)).ToList();
                return await writes.DefineAsync(caller, body.Affiliate ?? caller.Affiliate, body.Title, body.Key ?? true, requirements,
                    body.IncumbentLeaderId, body.TermEndsOn, WriteOptions.From(http.Request, body), ct);
            }));

        positions.MapPost("/{id}/nominations", (string id, NominationBody? body, HttpContext http, PositionWrites writes, CancellationToken ct) =>
            Problems.Handle(async () =>
                await writes.NominateAsync(Admin(http), id, body?.LeaderId, body?.Note, WriteOptions.From(http.Request, body ?? new NominationBody(null, null)), ct)));

        positions.MapPost("/{id}/readiness-assessments", (string id, AssessmentBody? body, HttpContext http, StreamCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = Admin(http);
                var leaderId = LeaderInput.Id(body?.LeaderId ?? "", "leaderId");
                if (!ReadinessNames.TryFromApi(body?.Readiness, out var readiness))
                    throw new RequestValidationException("readiness", "readiness is one of: ready-now, ready-1-2-years, ready-3-plus-years.");
                var justification = LeaderInput.Required(body!.Justification, "justification", LeaderInput.MaxNoteLength);
                return await Decide(id, caller, http, body, pipeline, _ => Task.FromResult<object>(new AssessReadiness(leaderId, readiness, justification, caller.ToActor(), pipeline.Now)), ct);
            }));

        positions.MapPost("/{id}/appointments", (string id, AppointmentBody? body, HttpContext http, StreamCommandPipeline pipeline, SuccessionData data, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = Admin(http);
                var leaderId = LeaderInput.Id(body?.LeaderId ?? "", "leaderId");
                var on = Date(body?.On, "on") ?? throw new RequestValidationException("on", "on is the date of the appointment, as yyyy-MM-dd.");
                var termEndsOn = Date(body!.TermEndsOn, "termEndsOn");
                return await Decide(id, caller, http, body, pipeline, async position =>
                {
                    // The slate is kept with the readiness computed now, so readiness calls can later be compared with what happened.
                    var leaders = (await data.LeadersAsync(position.Affiliate, pipeline.Now, ct)).ToDictionary(l => l.Id);
                    var slate = position.Candidates.Select(c => new SlateEntry(c.LeaderId,
                        leaders.TryGetValue(c.LeaderId, out var l) ? SuccessionRules.Readiness(SuccessionReport.Gaps(position, l)) : Readiness.Ready3PlusYears)).ToArray();
                    return new Appoint(leaderId, on, slate, termEndsOn, caller.ToActor(), pipeline.Now);
                }, ct);
            }));

        positions.MapPost("/{id}/nomination-withdrawals", (string id, WithdrawalBody? body, HttpContext http, StreamCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = Admin(http);
                var leaderId = LeaderInput.Id(body?.LeaderId ?? "", "leaderId");
                var reason = LeaderInput.Optional(body!.Reason, "reason", LeaderInput.MaxNoteLength);
                return await Decide(id, caller, http, body, pipeline, _ => Task.FromResult<object>(new WithdrawCandidate(leaderId, reason, caller.ToActor(), pipeline.Now)), ct);
            }));

        positions.MapPost("/{id}/incumbent", (string id, IncumbentBody? body, HttpContext http, StreamCommandPipeline pipeline, LeaderReader leaders, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = Admin(http);
                var since = Date(body?.Since, "since") ?? throw new RequestValidationException("since", "since is the date the incumbent took the seat, as yyyy-MM-dd.");
                var termEndsOn = Date(body!.TermEndsOn, "termEndsOn");
                return await Decide(id, caller, http, body, pipeline, async position =>
                    new SeatIncumbent(await VisibleLeader(body.LeaderId, "leaderId", position.Affiliate, caller, leaders, ct), since, termEndsOn, caller.ToActor(), pipeline.Now), ct);
            }));

        positions.MapPost("/{id}/vacancy", (string id, VacancyBody? body, HttpContext http, StreamCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = Admin(http);
                var leaderId = LeaderInput.Id(body?.LeaderId ?? "", "leaderId");
                var on = Date(body!.On, "on") ?? throw new RequestValidationException("on", "on is the date the seat fell vacant, as yyyy-MM-dd.");
                return await Decide(id, caller, http, body, pipeline, _ => Task.FromResult<object>(new VacateIncumbent(leaderId, on, caller.ToActor(), pipeline.Now)), ct);
            }));

        positions.MapPut("/{id}/term-end", (string id, TermEndBody? body, HttpContext http, StreamCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = Admin(http);
                var termEndsOn = Date(body?.TermEndsOn, "termEndsOn");
                return await Decide(id, caller, http, body ?? new TermEndBody(null), pipeline, _ => Task.FromResult<object>(new SetTermEnd(termEndsOn, caller.ToActor(), pipeline.Now)), ct);
            }));

        positions.MapGet("/", (string? affiliate, HttpContext http, SuccessionData data, TimeProvider clock, CancellationToken ct) => Problems.Handle(async () =>
        {
            var caller = http.CurrentUser();
            if (!(caller.IsAdmin || caller.Role == Roles.Board)) throw new ForbiddenException("Staff and the board read positions.");
            var code = affiliate ?? caller.Affiliate ?? throw new RequestValidationException("affiliate", "Give the affiliate's code.");
            if (!caller.CanSee(code)) throw new ForbiddenException("You see your own affiliate only.");
            var list = await data.PositionsAsync(code, clock.GetUtcNow(), ct);
            return Results.Ok(list.Select(p => new
            {
                id = p.Id, title = p.Title, key = p.IsKey, incumbentLeaderId = p.Incumbent.LeaderId, termEndsOn = p.Incumbent.TermEndsOn,
                requirements = p.Requirements, candidates = p.Candidates.Select(c => c.LeaderId), version = p.Version,
            }));
        }));
        return app;
    }

    private static Task<Answer> Decide(string rawId, CurrentUser caller, HttpContext http, object body, StreamCommandPipeline pipeline,
        Func<Position, Task<object>> command, CancellationToken ct) =>
        PositionWrites.DecideAsync(pipeline, rawId, caller, WriteOptions.From(http.Request, body ?? new object()), command, ct);

    private static CurrentUser Admin(HttpContext http)
    {
        var caller = http.CurrentUser();
        if (!caller.IsAdmin) throw new ForbiddenException("Only admins manage positions.");
        return caller;
    }

    private static Task<Guid> VisibleLeader(string? raw, string field, string affiliate, CurrentUser caller, LeaderReader leaders, CancellationToken ct) =>
        PositionWrites.VisibleLeaderAsync(raw, field, affiliate, caller, leaders, ct);

    private static DateOnly? Date(string? raw, string field) => PositionWrites.Date(raw, field);
}
