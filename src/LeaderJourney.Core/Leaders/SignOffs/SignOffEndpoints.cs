using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.Learning;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using JasperFx.Events;
using Marten;
using Wolverine.Marten;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;

namespace LeaderJourney.Core.Leaders.SignOffs;

/// <summary>What a sign-off answers: the version, and whether the level is now attained (more sign-offs may be required).</summary>
public sealed record SignedOffBody(long Version, bool Attained);

public sealed record SignOffRequestBody(string? ThemeCode, int? Level);
/// <param name="Assessment">Given: the mentor's assessment of the same level is recorded with the sign-off, in one append.</param>
public sealed record SignOffBody(string? ThemeCode, int? Level, string? Note, SignOffAssessment? Assessment = null);

/// <summary>A mentor assessment given with a sign-off: recorded first, so it is the level's learning when the sign-off is decided; both are recorded or neither.</summary>
public sealed record SignOffAssessment(string? Note);
public sealed record DeclineBody(string? ThemeCode, int? Level, string? Reason);
/// <param name="DeclineVersion">Optional: the stream version of the decline meant; refused (422) when the decline standing on the level is another.</param>
public sealed record DeclineWithdrawalBody(string? ThemeCode, int? Level, long? DeclineVersion = null);
/// <param name="MentorUserId">Whose sign-off: the calling mentor's own when left out; an admin names the mentor.</param>
/// <param name="AskAgain">Also request the sign-off again in the caller's name, in the same append, when the level still waits for one (a mentor's undo).</param>
public sealed record RevokeSignOffBody(string? ThemeCode, int? Level, Guid? MentorUserId, string? Reason, bool? AskAgain = null);

/// <summary>A leader (or a mentor, or staff, for them) asks the leader's mentors to sign off a level: it goes into their queue.</summary>
public sealed record RequestSignOffCommand(Guid LeaderId, string? ThemeCode, int? Level) : LeaderCommand(LeaderId)
{
    /// <summary>For the level after the one attained, as it stands when the command is decided (the leader's theme page).</summary>
    public bool AtNextLevel { get; init; }
}

/// <summary>The leader (or staff, for them) takes back a sign-off request still waiting.</summary>
public sealed record WithdrawSignOffRequestCommand(Guid LeaderId, string? ThemeCode, int? Level) : LeaderCommand(LeaderId);

/// <summary>An assigned mentor signs off a level, with their assessment of it or without.</summary>
public sealed record SignOffCommand(Guid LeaderId, string? ThemeCode, int? Level, string? Note) : LeaderCommand(LeaderId)
{
    public SignOffAssessment? Assessment { get; init; }

    /// <summary>
    /// Sent as the answer to a waiting request (the mentor's queue): refused when the request no longer waits
    /// (the leader withdrew it, or another mentor answered it), as the mentor answered a page opened before.
    /// A sign-off without a request (the mentee's page, the API) stays allowed.
    /// </summary>
    public bool AnswersRequest { get; init; }
}

/// <summary>An assigned mentor declines a request, saying why.</summary>
public sealed record DeclineSignOffCommand(Guid LeaderId, string? ThemeCode, int? Level, string? Reason) : LeaderCommand(LeaderId);

/// <summary>
/// The mentor takes back their own decline while it is still the last word on its level (the queue's undo of a wrong
/// tap, or a mind changed): the request waits for the leader's mentors again, as old as it was.
/// </summary>
/// <param name="DeclineVersion">Given: only the decline at that stream version is withdrawn (a page names the decline it showed).</param>
public sealed record WithdrawDeclineCommand(Guid LeaderId, string? ThemeCode, int? Level, long? DeclineVersion = null) : LeaderCommand(LeaderId);

/// <summary>
/// A mentor withdraws their own sign-off (a wrong tap on a phone, a level signed too early), or an admin
/// withdraws a mentor's. A level the sign-off attained is revoked with every higher level of the theme,
/// unless the rule still holds without it (API.md).
/// </summary>
public sealed record RevokeSignOffCommand(Guid LeaderId, string? ThemeCode, int? Level, Guid? MentorUserId, string? Reason) : LeaderCommand(LeaderId)
{
    /// <summary>The request goes back in the queue, in the caller's name, when the level still waits for a sign-off: the undo of a sign-off just given.</summary>
    public bool AskAgain { get; init; }
}

public static class RequestSignOffHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(RequestSignOffCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        LearningRules.EnsureWriter(caller);
        return writes.DecideAsync(command, stream, session, (leader, scope) =>
        {
            LearningRules.EnsureMayRecord(caller, leader);
            var level = LearningRules.Level(command.ThemeCode, command.Level, command.AtNextLevel, leader, scope);
            return new RequestSignOff(command.ThemeCode!, level, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }
}

public static class WithdrawSignOffRequestHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(WithdrawSignOffRequestCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        // A mentor answers a request (a decline says why); the board takes no part in records.
        if (!caller.IsAdmin && caller.Role != Roles.Leader)
            throw new ForbiddenException("Only the leader or an admin withdraws a sign-off request; a mentor declines it.");
        return writes.DecideAsync(command, stream, session, (_, scope) =>
        {
            scope.ValidateTheme(command.ThemeCode);
            scope.ValidateLevel(command.Level);
            return new WithdrawSignOffRequest(command.ThemeCode!, command.Level!.Value, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }
}

public static class SignOffHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(SignOffCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        SignOffRules.EnsureMentor(caller);
        var note = LeaderInput.Optional(command.Note, "note", LeaderInput.MaxNoteLength);
        var assessment = command.Assessment is null ? null
            : new MentorAssessment(Guid.CreateVersion7(), LeaderInput.Optional(command.Assessment.Note, "assessment.note", LeaderInput.MaxNoteLength));
        return writes.DecideAsync(command, stream, session, (leader, scope) =>
        {
            if (assessment is not null) LearningRules.EnsureMayRecord(caller, leader);
            scope.ValidateTheme(command.ThemeCode);
            scope.ValidateLevel(command.Level);
            var (theme, level) = (command.ThemeCode!, command.Level!.Value);
            // What would change nothing (attained, or signed by this mentor already) is not refused: the decider accepts it as it is.
            if (command.AnswersRequest && !leader.IsPending(theme, level) && !leader.HasAttained(theme, level) && leader.SignOffBy(caller.UserId, theme, level) is null)
                throw new Domain.DomainRuleException("This request no longer waits: the leader withdrew it, or another mentor answered it. Nothing was recorded; if you still mean to sign it off, record your assessment on the mentee's page with “Sign this level off too”.");
            return new SignOff(theme, level, note, caller.ToActor(), writes.Now, assessment);
        }, outcome => new Answer(StatusCodes.Status200OK, new SignedOffBody(outcome.State.Version, outcome.State.HasAttained(command.ThemeCode!, command.Level!.Value))), ct);
    }
}

public static class DeclineSignOffHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(DeclineSignOffCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        SignOffRules.EnsureMentor(caller);
        // The queue's one box is the sign-off's note or the decline's reason: a decline without one is told why it needs one.
        if (string.IsNullOrWhiteSpace(command.Reason)) throw new RequestValidationException("reason", "Say why you decline: the leader reads it, to know what to do next.");
        var reason = LeaderInput.Required(command.Reason, "reason", LeaderInput.MaxNoteLength);
        return writes.DecideAsync(command, stream, session, (_, scope) =>
        {
            scope.ValidateTheme(command.ThemeCode);
            scope.ValidateLevel(command.Level);
            return new DeclineSignOff(command.ThemeCode!, command.Level!.Value, reason, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }
}

public static class WithdrawDeclineHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(WithdrawDeclineCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        SignOffRules.EnsureMentor(caller);
        return writes.DecideAsync(command, stream, session, (_, scope) =>
        {
            scope.ValidateTheme(command.ThemeCode);
            scope.ValidateLevel(command.Level);
            return new WithdrawDecline(command.ThemeCode!, command.Level!.Value, caller.ToActor(), writes.Now, command.DeclineVersion);
        }, LearningRules.Versioned, ct);
    }
}

public static class RevokeSignOffHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(RevokeSignOffCommand command, LeaderWrites writes, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        if (caller.Role != Roles.Mentor && !caller.IsAdmin)
            throw new ForbiddenException("Only the mentor who signed off, or an admin, can revoke a sign-off.");
        var reason = LeaderInput.Required(command.Reason, "reason", LeaderInput.MaxNoteLength);
        var mentor = command.MentorUserId ?? (caller.Role == Roles.Mentor
            ? caller.UserId
            : throw new RequestValidationException("mentorUserId", "mentorUserId names the mentor whose sign-off is revoked."));
        return writes.DecideAsync(command, stream, session, (_, scope) =>
        {
            scope.ValidateTheme(command.ThemeCode);
            scope.ValidateLevel(command.Level);
            return new RevokeSignOff(command.ThemeCode!, command.Level!.Value, mentor, reason, caller.ToActor(), writes.Now, command.AskAgain);
        }, LearningRules.Versioned, ct);
    }
}

internal static class SignOffRules
{
    /// <summary>Only mentors sign off or decline (or withdraw a decline), and only for leaders assigned to them (the decider's rule).</summary>
    public static void EnsureMentor(CurrentUser caller)
    {
        if (caller.Role != Roles.Mentor) throw new ForbiddenException("Only a mentor signs off, declines or withdraws a decline, for the leaders assigned to them.");
    }
}

/// <summary>Sign-off requests (into the mentor's queue), sign-offs and declines, over HTTP: the same commands the pages send.</summary>
public static class SignOffEndpoints
{
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPost("/{id}/sign-off-requests", async (string id, SignOffRequestBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new SignOffRequestBody(null, null);
            return await commands.InvokeAsync(new RequestSignOffCommand(LeaderInput.Id(id), body.ThemeCode, body.Level) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/sign-off-request-withdrawals", async (string id, SignOffRequestBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new SignOffRequestBody(null, null);
            return await commands.InvokeAsync(new WithdrawSignOffRequestCommand(LeaderInput.Id(id), body.ThemeCode, body.Level) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/sign-offs", async (string id, SignOffBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new SignOffBody(null, null, null);
            return await commands.InvokeAsync(new SignOffCommand(LeaderInput.Id(id), body.ThemeCode, body.Level, body.Note) { Assessment = body.Assessment, Sender = http.SenderOf(body) }, ct);
        }).Produces<SignedOffBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/sign-off-declines", async (string id, DeclineBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new DeclineBody(null, null, null);
            return await commands.InvokeAsync(new DeclineSignOffCommand(LeaderInput.Id(id), body.ThemeCode, body.Level, body.Reason) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/sign-off-decline-withdrawals", async (string id, DeclineWithdrawalBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new DeclineWithdrawalBody(null, null);
            return await commands.InvokeAsync(new WithdrawDeclineCommand(LeaderInput.Id(id), body.ThemeCode, body.Level, body.DeclineVersion) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/sign-off-revocations", async (string id, RevokeSignOffBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new RevokeSignOffBody(null, null, null, null);
            return await commands.InvokeAsync(new RevokeSignOffCommand(LeaderInput.Id(id), body.ThemeCode, body.Level, body.MentorUserId, body.Reason) { AskAgain = body.AskAgain ?? false, Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();
    }
}
