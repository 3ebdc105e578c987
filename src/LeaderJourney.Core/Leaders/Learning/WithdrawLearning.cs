using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using JasperFx.Events;
using Marten;
using Npgsql;
using Wolverine.Marten;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;

namespace LeaderJourney.Core.Leaders.Learning;

public sealed record WithdrawTrainingRequest(string? TrainingId, string? Reason);
public sealed record WithdrawEvidenceRequest(string? EvidenceId, string? Reason);
public sealed record WithdrawAssessmentRequest(string? AssessmentId, string? Reason);

/// <summary>A training recorded by mistake no longer counts (the leader's own, by them; any, by staff).</summary>
public sealed record WithdrawTrainingCommand(Guid LeaderId, string? TrainingId, string? Reason) : LeaderCommand(LeaderId);

/// <summary>A piece of evidence added by mistake is no longer shown to the mentors.</summary>
public sealed record WithdrawEvidenceCommand(Guid LeaderId, string? EvidenceId, string? Reason) : LeaderCommand(LeaderId);

/// <summary>An assessment recorded by mistake no longer counts (a mentor's own, by them; the leader's self-assessment, by them; any, by staff).</summary>
public sealed record WithdrawAssessmentCommand(Guid LeaderId, string? AssessmentId, string? Reason) : LeaderCommand(LeaderId);

public static class WithdrawTrainingHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(WithdrawTrainingCommand command, LeaderWrites writes, Store store, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct) =>
        RecordedLearningLookup.WithdrawAsync(command, command.TrainingId, command.Reason, RecordedLearningLookup.Training,
            (training, reason, actor, now) => new WithdrawTraining(training, reason, actor, now), writes, store, stream, session, ct);
}

public static class WithdrawEvidenceHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(WithdrawEvidenceCommand command, LeaderWrites writes, Store store, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct) =>
        RecordedLearningLookup.WithdrawAsync(command, command.EvidenceId, command.Reason, RecordedLearningLookup.Evidence,
            (evidence, reason, actor, now) => new WithdrawEvidence(evidence, reason, actor, now), writes, store, stream, session, ct);
}

public static class WithdrawAssessmentHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(WithdrawAssessmentCommand command, LeaderWrites writes, Store store, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct) =>
        RecordedLearningLookup.WithdrawAsync(command, command.AssessmentId, command.Reason, RecordedLearningLookup.Assessment,
            (assessment, reason, actor, now) => new WithdrawAssessment(assessment, reason, actor, now), writes, store, stream, session, ct);
}

/// <summary>
/// Finds a training, an assessment or a piece of evidence of a leader's stream by its id, as its own event recorded it. The
/// decision state keeps no ids (<see cref="RecordedOnce"/>), so the event is read where it is stored, through
/// the unique index that keeps it once per stream; in the command's own transaction and affiliate.
/// </summary>
internal static class RecordedLearningLookup
{
    /// <param name="IdProperty">The event's id field, as the unique index spells it (a literal: the index is matched on its text), and the request's field.</param>
    /// <param name="What">What it is called in a refusal.</param>
    /// <param name="KindProperty">An assessment's kind (self, a mentor's, a peer's), stored as its number.</param>
    internal sealed record Kind(Type Event, string IdProperty, string ByProperty, string What, string? KindProperty = null);

    internal static readonly Kind Training = new(typeof(TrainingCompleted), "trainingId", "recordedBy", "training");
    internal static readonly Kind Evidence = new(typeof(EvidenceAdded), "evidenceId", "addedBy", "evidence");
    internal static readonly Kind Assessment = new(typeof(AssessmentRecorded), "assessmentId", "assessorUserId", "assessment", "kind");

    /// <summary>The withdrawal of what <paramref name="rawId"/> names, decided by the leader's decider (who may, and what it takes back).</summary>
    public static async Task<Answer> WithdrawAsync(LeaderCommand command, string? rawId, string? rawReason, Kind kind,
        Func<RecordedLearning, string?, Actor, DateTimeOffset, object> withdraw,
        LeaderWrites writes, Store store, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        LearningRules.EnsureWriter(caller);
        var id = string.IsNullOrWhiteSpace(rawId)
            ? throw new RequestValidationException(kind.IdProperty, $"Give {kind.IdProperty}: the id of the {kind.What}, as the leader's history shows it.")
            : LeaderInput.Id(rawId.Trim(), kind.IdProperty);
        var reason = LeaderInput.Optional(rawReason, "reason", LeaderInput.MaxNoteLength);
        var recorded = await FindAsync(session, store, command.LeaderId, kind, id, ct);
        return await writes.DecideAsync(command, stream, session, (leader, _) =>
        {
            LearningRules.EnsureMayRecord(caller, leader);
            // Said once the leader is known to be the caller's to reach: no other affiliate's record is hinted at.
            return withdraw(recorded ?? throw new RequestValidationException(kind.IdProperty, $"There is no {kind.What} {id} on this leader's record."), reason, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }

    public static async Task<RecordedLearning?> FindAsync(IDocumentSession session, Store store, Guid leaderId, Kind kind, Guid id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select version, data ->> 'themeCode', (data ->> 'level')::int, (data ->> '{kind.ByProperty}')::uuid,
                   {(kind.KindProperty is null ? "null::int" : $"(data ->> '{kind.KindProperty}')::int")} from {store.Schema}.mt_events
             where stream_id = $1 and tenant_id = $2 and type = '{store.Types.NameOf(kind.Event)}' and (data ->> '{kind.IdProperty}')::uuid = $3
            """, session.Connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = session.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new RecordedLearning(id, reader.GetString(1), reader.GetInt32(2), reader.GetInt64(0), reader.GetGuid(3), reader.IsDBNull(4) ? null : (AssessmentKind)reader.GetInt32(4))
            : null;
    }
}

/// <summary>Withdrawing learning over HTTP: the same commands the pages send.</summary>
public static class WithdrawLearningEndpoints
{
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPost("/{id}/training-withdrawals", async (string id, WithdrawTrainingRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new WithdrawTrainingRequest(null, null);
            return await commands.InvokeAsync(new WithdrawTrainingCommand(LeaderInput.Id(id), body.TrainingId, body.Reason) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/evidence-withdrawals", async (string id, WithdrawEvidenceRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new WithdrawEvidenceRequest(null, null);
            return await commands.InvokeAsync(new WithdrawEvidenceCommand(LeaderInput.Id(id), body.EvidenceId, body.Reason) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();

        leaders.MapPost("/{id}/assessment-withdrawals", async (string id, WithdrawAssessmentRequest? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            body ??= new WithdrawAssessmentRequest(null, null);
            return await commands.InvokeAsync(new WithdrawAssessmentCommand(LeaderInput.Id(id), body.AssessmentId, body.Reason) { Sender = http.SenderOf(body) }, ct);
        }).Produces<VersionBody>().ChecksTokenWithItsWrite();
    }
}
