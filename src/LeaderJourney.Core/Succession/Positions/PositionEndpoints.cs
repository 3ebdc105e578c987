using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Domain.Succession;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine.Marten;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;

namespace LeaderJourney.Core.Succession.Positions;

public sealed record RequirementBody(string? DomainCode, string? ThemeCode, int? Level);
public sealed record DefinePositionBody(string? Affiliate, string? Title, bool? Key, string? IncumbentLeaderId, string? TermEndsOn, IReadOnlyList<RequirementBody>? Requirements);
public sealed record NominationBody(string? LeaderId, string? Note);
public sealed record AssessmentBody(string? LeaderId, string? Readiness, string? Justification);
/// <param name="KeepOthers">The other candidates stay nominated, the bench for the next filling (else the slate closes).</param>
public sealed record AppointmentBody(string? LeaderId, string? On, string? TermEndsOn, bool KeepOthers = false);
public sealed record IncumbentBody(string? LeaderId, string? Since, string? TermEndsOn);
public sealed record VacancyBody(string? LeaderId, string? On);
public sealed record TermEndBody(string? TermEndsOn);

/// <summary>A position's requirements, all of them: what it is sent with replaces what it had.</summary>
public sealed record RequirementsBody(IReadOnlyList<RequirementBody?>? Requirements);
public sealed record WithdrawalBody(string? LeaderId, string? Reason);

/// <summary>A write to one position's stream (see <see cref="StreamCommand"/>).</summary>
public abstract record PositionCommand(Guid PositionId) : StreamCommand(PositionId)
{
    public override string Missing => $"There is no position {PositionId}.";
}

/// <summary>Staff define a key position of their affiliate: what it requires, and who holds it until when. The sender picks the new position's id.</summary>
public sealed record DefinePositionCommand(Guid PositionId, string? Affiliate, string? Title, bool? Key, string? IncumbentLeaderId, string? TermEndsOn,
    IReadOnlyList<RequirementBody?>? Requirements) : PositionCommand(PositionId)
{
    /// <summary>The affiliate the position is defined in (its stream's): the one named, else the caller's own; checked, as it is sent before the handler runs.</summary>
    public string Affiliation() => LeaderInput.Required(Affiliate ?? Sender.Caller.Affiliate, "affiliate", 16);

    public override string? NewStreamAffiliate => Affiliation();

    /// <summary>Stop, appending nothing, if a position of the affiliate has this title (<see cref="TitleTaken"/>): the staff page asks until they say it is another seat.</summary>
    public bool AsksIfTitleTaken { get; init; }
}

public sealed record NominateCandidateCommand(Guid PositionId, string? LeaderId, string? Note) : PositionCommand(PositionId);
public sealed record AssessReadinessCommand(Guid PositionId, string? LeaderId, string? Readiness, string? Justification) : PositionCommand(PositionId);
public sealed record AppointCommand(Guid PositionId, string? LeaderId, string? On, string? TermEndsOn, bool KeepOthers = false) : PositionCommand(PositionId);
public sealed record WithdrawNominationCommand(Guid PositionId, string? LeaderId, string? Reason) : PositionCommand(PositionId);
public sealed record SeatIncumbentCommand(Guid PositionId, string? LeaderId, string? Since, string? TermEndsOn) : PositionCommand(PositionId);
public sealed record VacateSeatCommand(Guid PositionId, string? LeaderId, string? On) : PositionCommand(PositionId);
public sealed record SetTermEndCommand(Guid PositionId, string? TermEndsOn) : PositionCommand(PositionId);

/// <summary>Staff change what a position requires (defined with a theme of the wrong framework, or its needs changed); readiness is worked out anew.</summary>
public sealed record ChangeRequirementsCommand(Guid PositionId, IReadOnlyList<RequirementBody?>? Requirements) : PositionCommand(PositionId);

/// <summary>Staff retire a position that is no longer one of the affiliate's (abolished, or defined by mistake); its seat must be vacant first.</summary>
public sealed record RetirePositionCommand(Guid PositionId) : PositionCommand(PositionId);

public static class DefinePositionHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(DefinePositionCommand command, PositionWrites writes, LeaderReader leaders, SuccessionData data, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        var requirements = (command.Requirements ?? []).Select(r => r is null ? null : new RequirementInput(r.DomainCode, r.ThemeCode, r.Level)).ToList();
        return writes.DefineAsync(command, requirements, stream, session, leaders, ct,
            command.AsksIfTitleTaken ? (title, c) => TitleTaken.RefuseIfTakenAsync(data, command.Affiliation(), title, c) : null);
    }
}

public static class NominateCandidateHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(NominateCandidateCommand command, PositionWrites writes, LeaderReader leaders, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var note = LeaderInput.Optional(command.Note, "note", LeaderInput.MaxNoteLength);
        return writes.DecideAsync(command, stream, session, async position =>
            new NominateCandidate(await PositionWrites.VisibleLeaderAsync(command.LeaderId, "leaderId", position.Affiliate, caller, leaders, session, ct, onTheirWay: true),
                note, caller.ToActor(), writes.Now));
    }
}

public static class AssessReadinessHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(AssessReadinessCommand command, PositionWrites writes, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var leaderId = LeaderInput.Id(command.LeaderId ?? "", "leaderId");
        if (!ReadinessNames.TryFromApi(command.Readiness, out var readiness))
            throw new RequestValidationException("readiness", "readiness is one of: ready-now, ready-1-2-years, ready-3-plus-years.");
        var justification = LeaderInput.Required(command.Justification, "justification", LeaderInput.MaxNoteLength);
        return writes.DecideAsync(command, stream, session, _ => Task.FromResult<object>(new AssessReadiness(leaderId, readiness, justification, caller.ToActor(), writes.Now)));
    }
}

public static class AppointHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(AppointCommand command, PositionWrites writes, SuccessionData data, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var leaderId = LeaderInput.Id(command.LeaderId ?? "", "leaderId");
        var on = PositionWrites.Date(command.On, "on") ?? throw new RequestValidationException("on", "on is the date of the appointment, as yyyy-MM-dd.");
        var termEndsOn = PositionWrites.Date(command.TermEndsOn, "termEndsOn");
        return writes.DecideAsync(command, stream, session, async position =>
        {
            // The slate is kept with the readiness computed now, so readiness calls can later be compared with what happened.
            var leaders = (await data.LeadersAsync(position.Affiliate, writes.Now, ct)).ToDictionary(l => l.Id);
            var slate = position.Candidates.Select(c => new SlateEntry(c.LeaderId,
                leaders.TryGetValue(c.LeaderId, out var l) ? SuccessionRules.Readiness(SuccessionReport.Gaps(position, l)) : Readiness.Ready3PlusYears)).ToArray();
            return new Appoint(leaderId, on, slate, termEndsOn, caller.ToActor(), writes.Now, command.KeepOthers);
        });
    }
}

public static class WithdrawNominationHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(WithdrawNominationCommand command, PositionWrites writes, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var leaderId = LeaderInput.Id(command.LeaderId ?? "", "leaderId");
        var reason = LeaderInput.Optional(command.Reason, "reason", LeaderInput.MaxNoteLength);
        return writes.DecideAsync(command, stream, session, _ => Task.FromResult<object>(new WithdrawCandidate(leaderId, reason, caller.ToActor(), writes.Now)));
    }
}

public static class SeatIncumbentHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(SeatIncumbentCommand command, PositionWrites writes, LeaderReader leaders, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var since = PositionWrites.Date(command.Since, "since") ?? throw new RequestValidationException("since", "since is the date the incumbent took the seat, as yyyy-MM-dd.");
        var termEndsOn = PositionWrites.Date(command.TermEndsOn, "termEndsOn");
        return writes.DecideAsync(command, stream, session, async position =>
            new SeatIncumbent(await PositionWrites.VisibleLeaderAsync(command.LeaderId, "leaderId", position.Affiliate, caller, leaders, session, ct), since, termEndsOn, caller.ToActor(), writes.Now));
    }
}

public static class VacateSeatHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(VacateSeatCommand command, PositionWrites writes, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var leaderId = LeaderInput.Id(command.LeaderId ?? "", "leaderId");
        var on = PositionWrites.Date(command.On, "on") ?? throw new RequestValidationException("on", "on is the date the seat fell vacant, as yyyy-MM-dd.");
        return writes.DecideAsync(command, stream, session, _ => Task.FromResult<object>(new VacateIncumbent(leaderId, on, caller.ToActor(), writes.Now)));
    }
}

public static class SetTermEndHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(SetTermEndCommand command, PositionWrites writes, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var termEndsOn = PositionWrites.Date(command.TermEndsOn, "termEndsOn");
        return writes.DecideAsync(command, stream, session, _ => Task.FromResult<object>(new SetTermEnd(termEndsOn, caller.ToActor(), writes.Now)));
    }
}

public static class ChangeRequirementsHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(ChangeRequirementsCommand command, PositionWrites writes, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct) =>
        writes.ChangeRequirementsAsync(command, stream, session, ct);
}

public static class RetirePositionHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(RetirePositionCommand command, PositionWrites writes, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct) =>
        writes.DecideAsync(command, stream, session, _ => Task.FromResult<object>(new RetirePosition(command.Sender.Caller.ToActor(), writes.Now)));
}

/// <summary>
/// Only admins write positions: Wolverine runs this before it loads the position's stream (and holds
/// its row), for every position command (<see cref="Hosting.Messaging"/>).
/// </summary>
public static class PositionAdminsOnly
{
    public static void Before(PositionCommand command)
    {
        if (!command.Sender.Caller.IsAdmin) throw new ForbiddenException("Only admins manage positions.");
    }
}

/// <summary>Key positions as streams over HTTP: staff define them, nominate candidates, record a person's readiness call, appoint; the same commands the pages send.</summary>
public static class PositionEndpoints
{
    public static IEndpointRouteBuilder MapPositions(this IEndpointRouteBuilder app)
    {
        var positions = app.MapGroup("/api/positions").WithTags("Positions").RequireAuthorization();

        positions.MapPost("/", async (DefinePositionBody? body, HttpContext http, StreamCommandBus commands, Access.AccessDirectory directory, CancellationToken ct) =>
        {
            body ??= new DefinePositionBody(null, null, null, null, null, null);
            var command = new DefinePositionCommand(Guid.CreateVersion7(), await directory.AffiliateAsStoredAsync(body.Affiliate, ct), body.Title, body.Key, body.IncumbentLeaderId, body.TermEndsOn, body.Requirements)
                { Sender = http.SenderOf(body) };
            return await commands.InvokeAsync(command, ct);
        }).Produces<CreatedBody>(StatusCodes.Status201Created).ChecksTokenWithItsWrite();

        MapCommand<NominationBody>(positions, "/{id}/nominations", (id, b, sender) => new NominateCandidateCommand(id, b?.LeaderId, b?.Note) { Sender = sender });
        MapCommand<AssessmentBody>(positions, "/{id}/readiness-assessments", (id, b, sender) => new AssessReadinessCommand(id, b?.LeaderId, b?.Readiness, b?.Justification) { Sender = sender });
        MapCommand<AppointmentBody>(positions, "/{id}/appointments", (id, b, sender) => new AppointCommand(id, b?.LeaderId, b?.On, b?.TermEndsOn, b?.KeepOthers ?? false) { Sender = sender });
        MapCommand<WithdrawalBody>(positions, "/{id}/nomination-withdrawals", (id, b, sender) => new WithdrawNominationCommand(id, b?.LeaderId, b?.Reason) { Sender = sender });
        MapCommand<IncumbentBody>(positions, "/{id}/incumbent", (id, b, sender) => new SeatIncumbentCommand(id, b?.LeaderId, b?.Since, b?.TermEndsOn) { Sender = sender });
        MapCommand<VacancyBody>(positions, "/{id}/vacancy", (id, b, sender) => new VacateSeatCommand(id, b?.LeaderId, b?.On) { Sender = sender });
        // No body: the position's id, the caller and the moment say it all.
        positions.MapPost("/{id}/retirement", async (string id, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
            await commands.InvokeAsync(new RetirePositionCommand(LeaderInput.Id(id)) { Sender = http.SenderOf(new object()) }, ct)).Produces<VersionBody>().ChecksTokenWithItsWrite();
        positions.MapPut("/{id}/term-end", async (string id, TermEndBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
            await commands.InvokeAsync(new SetTermEndCommand(LeaderInput.Id(id), body?.TermEndsOn) { Sender = http.SenderOf(body ?? new TermEndBody(null)) }, ct)).Produces<VersionBody>().ChecksTokenWithItsWrite();

        positions.MapPut("/{id}/requirements", async (string id, RequirementsBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
            await commands.InvokeAsync(new ChangeRequirementsCommand(LeaderInput.Id(id), body?.Requirements) { Sender = http.SenderOf(body ?? new RequirementsBody(null)) }, ct))
            .Produces<VersionBody>().ChecksTokenWithItsWrite();

        positions.MapGet("/", async (string? affiliate, HttpContext http, SuccessionData data, TimeProvider clock, AccessDirectory directory, CancellationToken ct) =>
        {
            var caller = http.CurrentUser();
            if (!(caller.IsAdmin || caller.Role == Roles.Board)) throw new ForbiddenException("Staff and the board read positions.");
            var code = await directory.AffiliateAskedAsync(caller, affiliate, "You see your own affiliate only.", ct);
            var list = await data.PositionsAsync(code, clock.GetUtcNow(), ct);
            return Results.Ok(list.Select(p => new PositionListEntry(p.Id, p.Title, p.IsKey, p.Incumbent.LeaderId, p.Incumbent.TermEndsOn,
                p.Requirements, p.Candidates.Select(c => c.LeaderId).ToList(), p.Version)));
        }).Produces<IReadOnlyList<PositionListEntry>>();
        return app;
    }

    /// <summary>POST of a command on one position: the body (possibly empty) and the position's id make the message.</summary>
    private static void MapCommand<TBody>(RouteGroupBuilder positions, string pattern, Func<Guid, TBody?, Sender, PositionCommand> message) where TBody : class =>
        positions.MapPost(pattern, async (string id, TBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
            await commands.InvokeAsync(message(LeaderInput.Id(id), body, http.SenderOf((object?)body ?? new object())), ct)).Produces<VersionBody>().ChecksTokenWithItsWrite();
}

/// <summary>A position as GET /api/positions lists it: its seat, what it requires, its candidates, and its version for If-Match.</summary>
public sealed record PositionListEntry(Guid Id, string Title, bool Key, Guid? IncumbentLeaderId, DateOnly? TermEndsOn,
    IReadOnlyList<Domain.Succession.Requirement> Requirements, IReadOnlyList<Guid> Candidates, long Version);
