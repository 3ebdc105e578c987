using System.Text.Json;
using LeaderJourney.Core.Access;
using Marten;
using Microsoft.Extensions.Configuration;
using Npgsql;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Http;

/// <summary>
/// The answers kept under Idempotency-Keys (table <c>idempotency_keys</c>): a repeat of a write with the
/// same key and request gets the first answer again and appends nothing. The answer is stored in the
/// write's own transaction (<see cref="Queue"/>), so it exists exactly when the write committed; only
/// keyed hashes of the key and the request are kept (<see cref="WriteOptions"/>). An answer is kept for
/// <see cref="KeepFor"/>: a key sent again later is a new write, and <see cref="SweepKeptAnswersHandler"/> deletes
/// what has expired.
/// </summary>
public sealed class IdempotentAnswers(Store store, NpgsqlDataSource dataSource, TimeProvider clock, IConfiguration configuration)
{
    /// <summary>
    /// How long an answer is kept: <c>LeaderJourney:Idempotency:KeepFor</c>, 24 hours unless set. A client
    /// retries within minutes; a day covers a phone that was offline overnight, and no longer is kept of
    /// what a person did.
    /// </summary>
    public TimeSpan KeepFor { get; } = configuration.GetValue("LeaderJourney:Idempotency:KeepFor", TimeSpan.FromHours(24)) is var keepFor && keepFor > TimeSpan.Zero ? keepFor
        : throw new Hosting.SettingException("LeaderJourney:Idempotency:KeepFor must be a positive time span (24:00:00 keeps answers a day); zero or less would turn Idempotency-Keys off.");

    /// <summary>Answers kept since before this have expired.</summary>
    public DateTimeOffset ExpiredBefore => clock.GetUtcNow() - KeepFor;

    /// <summary>
    /// The answer kept for this sender's key, or null (no key, or none kept); a key kept for another
    /// request is refused. Read through <paramref name="within"/>'s connection when given: a handler holding
    /// its stream's row looks again there, as a repeat may have committed while it waited for the row.
    /// </summary>
    public async Task<Answer?> FindAsync(Sender sender, CancellationToken ct, IDocumentSession? within = null)
    {
        if (sender.Options.IdempotencyKey is not { } key) return null;
        const string sql = "select request, status_code, response::text, location from {0}.idempotency_keys where user_id = $1 and key = $2 and created_at >= $3";
        await using var command = within?.Connection is { } connection
            ? new NpgsqlCommand(string.Format(sql, store.Schema), connection)
            : dataSource.CreateCommand(string.Format(sql, store.Schema));
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sender.Caller.UserId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = ExpiredBefore });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        if (reader.GetString(0) != sender.Options.RequestFingerprint) throw KeyReused();
        return new Answer(reader.GetInt32(1), JsonDocument.Parse(reader.GetString(2)).RootElement, reader.IsDBNull(3) ? null : reader.GetString(3)) { Repeated = true };
    }

    /// <summary>
    /// Keeps <paramref name="answer"/> under the sender's key (if one was sent), with the session's events.
    /// A plain insert: a key another request stored first fails the whole session (<see cref="IsTaken"/>),
    /// and that request's answer stands. The key's expired answer, if the sweep has not deleted it yet, goes
    /// first: the key is free again.
    /// </summary>
    public void Queue(IDocumentSession session, Sender sender, Guid streamId, Answer answer)
    {
        if (sender.Options.IdempotencyKey is not { } key) return;
        session.QueueSqlCommand($"delete from {store.Schema}.idempotency_keys where user_id = ? and key = ? and created_at < ?",
            sender.Caller.UserId, key, ExpiredBefore);
        session.QueueSqlCommand($"""
            insert into {store.Schema}.idempotency_keys (user_id, key, request, status_code, response, created_at, location, stream_id)
            values (?, ?, ?, ?, ?::jsonb, ?, ?::text, ?)
            """, sender.Caller.UserId, key, sender.Options.RequestFingerprint, answer.Status, JsonSerializer.Serialize(answer.Body, answer.Body.GetType(), JsonSerializerOptions.Web),
            clock.GetUtcNow(), (object?)answer.Location ?? DBNull.Value, streamId);
    }

    /// <summary>
    /// What every handler on Wolverine's aggregate handler workflow does with its decision, in this order:
    /// the events (if any) appended to the stream Wolverine loaded, stamped with the writer
    /// (<see cref="AggregateCommands.StampWriter"/>); then <paramref name="alsoWithEvents"/>, what must
    /// commit with them (a withdrawal's or an erasure's shreds and deletes); then the answer kept under
    /// the key, last, so a step that drops a stream's kept answers never drops this one.
    /// </summary>
    public Answer Append<T>(IDocumentSession session, Sender sender, JasperFx.Events.IEventStream<T> stream, IReadOnlyList<object> events, Answer answer,
        Action? alsoWithEvents = null) where T : class
    {
        // Nothing to append writes nothing: Marten skips a fetched stream without new events.
        if (events.Count > 0)
        {
            session.StampWriter(sender);
            stream.AppendMany(events);
            alsoWithEvents?.Invoke();
        }
        Queue(session, sender, stream.Id, answer);
        return answer;
    }

    /// <summary>Drops the answers kept for writes to <paramref name="streamId"/>, with the session's events (an erasure).</summary>
    public void Forget(IDocumentSession session, Guid streamId) =>
        session.QueueSqlCommand($"delete from {store.Schema}.idempotency_keys where stream_id = ?", streamId);

    /// <summary>The write failed because another request with the same key committed first.</summary>
    public static bool IsTaken(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "idempotency_keys" }) return true;
        return false;
    }

    private static RequestValidationException KeyReused() =>
        new("Idempotency-Key", "This Idempotency-Key was already used for a different request.");
}
