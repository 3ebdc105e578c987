using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using JasperFx.Events;
using Marten;
using Wolverine.Marten;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;

namespace LeaderJourney.Core.Leaders.Learning;

public sealed record RecordTrainingRequest(string? Title, string? ThemeCode, int? Level, decimal? Hours, string? CompletedOn);
public sealed record RecordAssessmentRequest(string? ThemeCode, int? Level, string? Kind, string? Note);
public sealed record AddEvidenceRequest(string? ThemeCode, int? Level, string? Link, string? Note);

/// <summary>A training completed towards a theme's level.</summary>
public sealed record RecordTrainingCommand(Guid LeaderId, string? Title, string? ThemeCode, int? Level, decimal? Hours, string? CompletedOn) : LeaderCommand(LeaderId)
{
    /// <summary>Towards the level after the one attained, as it stands when the command is decided (the leader's theme page).</summary>
    public bool AtNextLevel { get; init; }
}

/// <summary>A self, mentor or peer assessment of a theme's level.</summary>
public sealed record RecordAssessmentCommand(Guid LeaderId, string? ThemeCode, int? Level, string? Kind, string? Note) : LeaderCommand(LeaderId);

/// <summary>Evidence for a theme's level: a link, a note, or both.</summary>
public sealed record AddEvidenceCommand(Guid LeaderId, string? ThemeCode, int? Level, string? Link, string? Note) : LeaderCommand(LeaderId)
{
    /// <summary>For the level after the one attained, as it stands when the command is decided (the leader's theme page).</summary>
    public bool AtNextLevel { get; init; }
}

public static class RecordTrainingHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(RecordTrainingCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        LearningRules.EnsureWriter(caller);
        var title = LeaderInput.Required(command.Title, "title", LeaderInput.MaxTitleLength);
        var completedOn = LeaderInput.PastDate(command.CompletedOn, "completedOn", writes.Now);
        if (command.Hours is <= 0 or > LearningRules.MaxHours) throw new RequestValidationException("hours", $"hours is more than 0 and at most {LearningRules.MaxHours}.");
        return writes.DecideAsync(command, stream, session, (leader, scope) =>
        {
            LearningRules.EnsureMayRecord(caller, leader);
            var level = LearningRules.Level(command.ThemeCode, command.Level, command.AtNextLevel, leader, scope);
            return new RecordTraining(Guid.CreateVersion7(), title, command.ThemeCode!, level, command.Hours, completedOn, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }
}

public static class RecordAssessmentHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(RecordAssessmentCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        LearningRules.EnsureWriter(caller);
        var kind = command.Kind switch
        {
            "self" => AssessmentKind.Self,
            "mentor" => AssessmentKind.Mentor,
            "peer" => AssessmentKind.Peer,
            _ => throw new RequestValidationException("kind", "kind is one of: self, mentor, peer."),
        };
        var note = LeaderInput.Optional(command.Note, "note", LeaderInput.MaxNoteLength);
        return writes.DecideAsync(command, stream, session, (leader, scope) =>
        {
            LearningRules.EnsureMayRecord(caller, leader);
            scope.ValidateTheme(command.ThemeCode);
            scope.ValidateLevel(command.Level);
            return new RecordAssessment(Guid.CreateVersion7(), command.ThemeCode!, command.Level!.Value, kind, note, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }
}

public static class AddEvidenceHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(AddEvidenceCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        LearningRules.EnsureWriter(caller);
        var link = LeaderInput.Link(command.Link);
        var note = LeaderInput.Optional(command.Note, "note", LeaderInput.MaxNoteLength);
        if (link is null && note is null) throw new RequestValidationException("link", "Evidence is a link, a note, or both.");
        return writes.DecideAsync(command, stream, session, (leader, scope) =>
        {
            LearningRules.EnsureMayRecord(caller, leader);
            var level = LearningRules.Level(command.ThemeCode, command.Level, command.AtNextLevel, leader, scope);
            return new AddEvidence(Guid.CreateVersion7(), command.ThemeCode!, level, link, note, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }
}

/// <summary>Who records learning on a leader's way: the leader, their assigned mentors and staff; the board only reads reports.</summary>
public static class LearningRules
{
    public const decimal MaxHours = 1000;

    /// <summary>The caller's role may record a leader's journey at all (which leader they may reach is LeaderWrites' check).</summary>
    internal static void EnsureWriter(CurrentUser caller)
    {
        if (caller.Role == Roles.Board) throw new ForbiddenException("The board reads reports; it records nothing on a leader's journey.");
    }

    /// <summary>A mentor records on the journeys of the leaders assigned to them, not on every leader of the affiliate.</summary>
    internal static void EnsureMayRecord(CurrentUser caller, Leader leader)
    {
        if (caller.Role == Roles.Mentor && !leader.Mentors.Contains(caller.UserId))
            throw new ForbiddenException("A mentor records only for the leaders assigned to them.");
    }

    /// <summary>The theme checked, and the level given or, with <paramref name="atNextLevel"/>, the one after the leader's (at most the framework's top).</summary>
    internal static int Level(string? themeCode, int? level, bool atNextLevel, Leader leader, FrameworkScope scope)
    {
        scope.ValidateTheme(themeCode);
        var chosen = atNextLevel ? Math.Min(leader.LevelOf(themeCode!) + 1, scope.MaxLevel) : level;
        scope.ValidateLevel(chosen);
        return chosen!.Value;
    }

    internal static Answer Versioned(CommandOutcome outcome) => new(StatusCodes.Status200OK, new VersionBody(outcome.State.Version));
}

/// <summary>The learning on a leader's way over HTTP: the same commands the pages send.</summary>
public static class LearningEndpoints
{
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPost("/{id}/trainings", async (string id, RecordTrainingRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new RecordTrainingRequest(null, null, null, null, null);
            return await commands.InvokeAsync(new RecordTrainingCommand(LeaderInput.Id(id), body.Title, body.ThemeCode, body.Level, body.Hours, body.CompletedOn)
                { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/assessments", async (string id, RecordAssessmentRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new RecordAssessmentRequest(null, null, null, null);
            return await commands.InvokeAsync(new RecordAssessmentCommand(LeaderInput.Id(id), body.ThemeCode, body.Level, body.Kind, body.Note) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/evidence", async (string id, AddEvidenceRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new AddEvidenceRequest(null, null, null, null);
            return await commands.InvokeAsync(new AddEvidenceCommand(LeaderInput.Id(id), body.ThemeCode, body.Level, body.Link, body.Note) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();
    }
}
