using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.Learning;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Leaders.SignOffs;

public sealed record SignOffRequestBody(string? ThemeCode, int? Level);
public sealed record SignOffBody(string? ThemeCode, int? Level, string? Note);
public sealed record DeclineBody(string? ThemeCode, int? Level, string? Reason);

/// <summary>Sign-off requests (into the mentor's queue), sign-offs and declines. Only mentors sign off or decline, and only for leaders assigned to them (the decider's rule).</summary>
public static class SignOffEndpoints
{
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPost("/{id}/sign-off-requests", (string id, SignOffRequestBody? body, HttpContext http, LeaderCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var (caller, leaderId) = LearningEndpoints.Writer(http, id);
                body ??= new SignOffRequestBody(null, null);
                return await pipeline.ExecuteAsync(leaderId, caller, WriteOptions.From(http.Request, body), (leader, scope) =>
                {
                    LearningEndpoints.EnsureMayRecord(caller, leader);
                    scope.ValidateTheme(body.ThemeCode);
                    scope.ValidateLevel(body.Level);
                    return new RequestSignOff(body.ThemeCode!, body.Level!.Value, caller.ToActor(), pipeline.Now);
                }, LearningEndpoints.Versioned, ct);
            }));

        leaders.MapPost("/{id}/sign-offs", (string id, SignOffBody? body, HttpContext http, LeaderCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var (caller, leaderId) = Mentor(http, id);
                body ??= new SignOffBody(null, null, null);
                var note = LeaderInput.Optional(body.Note, "note", LeaderInput.MaxNoteLength);
                return await pipeline.ExecuteAsync(leaderId, caller, WriteOptions.From(http.Request, body), (_, scope) =>
                {
                    scope.ValidateTheme(body.ThemeCode);
                    scope.ValidateLevel(body.Level);
                    return new SignOff(body.ThemeCode!, body.Level!.Value, note, caller.ToActor(), pipeline.Now);
                }, outcome => new Answer(StatusCodes.Status200OK, new
                {
                    version = outcome.State.Version,
                    attained = outcome.State.HasAttained(body.ThemeCode!, body.Level!.Value),
                }), ct);
            }));

        leaders.MapPost("/{id}/sign-off-declines", (string id, DeclineBody? body, HttpContext http, LeaderCommandPipeline pipeline, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var (caller, leaderId) = Mentor(http, id);
                body ??= new DeclineBody(null, null, null);
                var reason = LeaderInput.Required(body.Reason, "reason", LeaderInput.MaxNoteLength);
                return await pipeline.ExecuteAsync(leaderId, caller, WriteOptions.From(http.Request, body), (_, scope) =>
                {
                    scope.ValidateTheme(body.ThemeCode);
                    scope.ValidateLevel(body.Level);
                    return new DeclineSignOff(body.ThemeCode!, body.Level!.Value, reason, caller.ToActor(), pipeline.Now);
                }, LearningEndpoints.Versioned, ct);
            }));
    }

    private static (CurrentUser Caller, Guid LeaderId) Mentor(HttpContext http, string id)
    {
        var caller = http.CurrentUser();
        var leaderId = LeaderInput.Id(id);
        if (caller.Role != Roles.Mentor) throw new ForbiddenException("Only a mentor signs off or declines, for the leaders assigned to them.");
        return (caller, leaderId);
    }
}
