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

/// <summary>A training recorded by mistake no longer counts (the leader's own, by them; any, by staff).</summary>
public sealed record WithdrawTrainingCommand(Guid LeaderId, string? TrainingId, string? Reason) : LeaderCommand(LeaderId);

/// <summary>A piece of evidence added by mistake is no longer shown to the mentors.</summary>
public sealed record WithdrawEvidenceCommand(Guid LeaderId, string? EvidenceId, string? Reason) : LeaderCommand(LeaderId);

public static class WithdrawTrainingHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static async Task<Answer> Handle(WithdrawTrainingCommand command, LeaderWrites writes, Store store, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        LearningRules.EnsureWriter(caller);
        var id = RecordedLearningLookup.IdOf(command.TrainingId, "trainingId", "the training");
        var reason = LeaderInput.Optional(command.Reason, "reason", LeaderInput.MaxNoteLength);
        var training = await RecordedLearningLookup.FindAsync(session, store, command.LeaderId, RecordedLearningLookup.Training, id, ct);
        return await writes.DecideAsync(command, stream, session, (leader, _) =>
        {
            LearningRules.EnsureMayRecord(caller, leader);
            return new WithdrawTraining(training ?? throw new RequestValidationException("trainingId", $"There is no training {id} on this leader's record."), reason, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }
}

public static class WithdrawEvidenceHandler
{
    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static async Task<Answer> Handle(WithdrawEvidenceCommand command, LeaderWrites writes, Store store, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        LearningRules.EnsureWriter(caller);
        var id = RecordedLearningLookup.IdOf(command.EvidenceId, "evidenceId", "the evidence");
        var reason = LeaderInput.Optional(command.Reason, "reason", LeaderInput.MaxNoteLength);
        var evidence = await RecordedLearningLookup.FindAsync(session, store, command.LeaderId, RecordedLearningLookup.Evidence, id, ct);
        return await writes.DecideAsync(command, stream, session, (leader, _) =>
        {
            LearningRules.EnsureMayRecord(caller, leader);
            return new WithdrawEvidence(evidence ?? throw new RequestValidationException("evidenceId", $"There is no evidence {id} on this leader's record."), reason, caller.ToActor(), writes.Now);
        }, LearningRules.Versioned, ct);
    }
}

/// <summary>
/// Finds a training or a piece of evidence of a leader's stream by its id, as its own event recorded it. The
/// decision state keeps no ids (<see cref="RecordedOnce"/>), so the event is read where it is stored, through
/// the unique index that keeps it once per stream; in the command's own transaction and affiliate.
/// </summary>
internal static class RecordedLearningLookup
{
    /// <param name="IdProperty">The event's id field, as the unique index spells it (a literal: the index is matched on its text).</param>
    internal sealed record Kind(Type Event, string IdProperty, string ByProperty);

    internal static readonly Kind Training = new(typeof(TrainingCompleted), "trainingId", "recordedBy");
    internal static readonly Kind Evidence = new(typeof(EvidenceAdded), "evidenceId", "addedBy");

    /// <summary>The id sent, checked.</summary>
    public static Guid IdOf(string? raw, string field, string what) => string.IsNullOrWhiteSpace(raw)
        ? throw new RequestValidationException(field, $"Give {field}: the id of {what}, as the leader's history shows it.")
        : LeaderInput.Id(raw.Trim(), field);

    public static async Task<RecordedLearning?> FindAsync(IDocumentSession session, Store store, Guid leaderId, Kind kind, Guid id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select version, data ->> 'themeCode', (data ->> 'level')::int, (data ->> '{kind.ByProperty}')::uuid from {store.Schema}.mt_events
             where stream_id = $1 and tenant_id = $2 and type = '{store.Types.NameOf(kind.Event)}' and (data ->> '{kind.IdProperty}')::uuid = $3
            """, session.Connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = session.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new RecordedLearning(id, reader.GetString(1), reader.GetInt32(2), reader.GetInt64(0), reader.GetGuid(3)) : null;
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
    }
}
