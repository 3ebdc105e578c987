using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Leaders.Learning;

public sealed record RecordTrainingRequest(string? Title, string? ThemeCode, int? Level, decimal? Hours, string? CompletedOn);
public sealed record RecordAssessmentRequest(string? ThemeCode, int? Level, string? Kind, string? Note);
public sealed record AddEvidenceRequest(string? ThemeCode, int? Level, string? Link, string? Note);

/// <summary>
/// The learning on a leader's way: trainings, assessments and evidence. The leader, their assigned
/// mentors and staff record it; the board only reads reports.
/// </summary>
public static class LearningEndpoints
{
    public const decimal MaxHours = 1000;

    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPost("/{id}/trainings", (string id, RecordTrainingRequest? body, HttpContext http, LeaderCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var (caller, leaderId) = Writer(http, id);
                body ??= new RecordTrainingRequest(null, null, null, null, null);
                var title = LeaderInput.Required(body.Title, "title", LeaderInput.MaxTitleLength);
                var completedOn = LeaderInput.PastDate(body.CompletedOn, "completedOn", pipeline.Now);
                if (body.Hours is <= 0 or > MaxHours) throw new RequestValidationException("hours", $"hours is more than 0 and at most {MaxHours}.");
                return await pipeline.ExecuteAsync(leaderId, caller, WriteOptions.From(http.Request, body), (leader, scope) =>
                {
                    EnsureMayRecord(caller, leader);
                    scope.ValidateTheme(body.ThemeCode);
                    scope.ValidateLevel(body.Level);
                    return new RecordTraining(Guid.CreateVersion7(), title, body.ThemeCode!, body.Level!.Value, body.Hours, completedOn, caller.ToActor(), pipeline.Now);
                }, Versioned, ct);
            }));

        leaders.MapPost("/{id}/assessments", (string id, RecordAssessmentRequest? body, HttpContext http, LeaderCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var (caller, leaderId) = Writer(http, id);
                body ??= new RecordAssessmentRequest(null, null, null, null);
                var kind = body.Kind switch
                {
                    "self" => AssessmentKind.Self,
                    "mentor" => AssessmentKind.Mentor,
                    "peer" => AssessmentKind.Peer,
                    _ => throw new RequestValidationException("kind", "kind is one of: self, mentor, peer."),
                };
                var note = LeaderInput.Optional(body.Note, "note", LeaderInput.MaxNoteLength);
                return await pipeline.ExecuteAsync(leaderId, caller, WriteOptions.From(http.Request, body), (leader, scope) =>
                {
                    EnsureMayRecord(caller, leader);
                    scope.ValidateTheme(body.ThemeCode);
                    scope.ValidateLevel(body.Level);
                    return new RecordAssessment(Guid.CreateVersion7(), body.ThemeCode!, body.Level!.Value, kind, note, caller.ToActor(), pipeline.Now);
                }, Versioned, ct);
            }));

        leaders.MapPost("/{id}/evidence", (string id, AddEvidenceRequest? body, HttpContext http, LeaderCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var (caller, leaderId) = Writer(http, id);
                body ??= new AddEvidenceRequest(null, null, null, null);
                var link = LeaderInput.Link(body.Link);
                var note = LeaderInput.Optional(body.Note, "note", LeaderInput.MaxNoteLength);
                if (link is null && note is null) throw new RequestValidationException("link", "Evidence is a link, a note, or both.");
                return await pipeline.ExecuteAsync(leaderId, caller, WriteOptions.From(http.Request, body), (leader, scope) =>
                {
                    EnsureMayRecord(caller, leader);
                    scope.ValidateTheme(body.ThemeCode);
                    scope.ValidateLevel(body.Level);
                    return new AddEvidence(Guid.CreateVersion7(), body.ThemeCode!, body.Level!.Value, link, note, caller.ToActor(), pipeline.Now);
                }, Versioned, ct);
            }));
    }

    /// <summary>A mentor records on the journeys of the leaders assigned to them, not on every leader of the affiliate.</summary>
    internal static void EnsureMayRecord(CurrentUser caller, Leader leader)
    {
        if (caller.Role == Roles.Mentor && !leader.Mentors.Contains(caller.UserId))
            throw new ForbiddenException("A mentor records only for the leaders assigned to them.");
    }

    internal static Answer Versioned(CommandOutcome outcome) => new(StatusCodes.Status200OK, new { version = outcome.State.Version });

    /// <summary>The caller, if their role may record a leader's journey at all (which leader they may reach is the pipeline's check).</summary>
    internal static (CurrentUser Caller, Guid LeaderId) Writer(HttpContext http, string id)
    {
        var caller = http.CurrentUser();
        var leaderId = LeaderInput.Id(id);
        if (caller.Role == Roles.Board) throw new ForbiddenException("The board reads reports; it records nothing on a leader's journey.");
        return (caller, leaderId);
    }
}
