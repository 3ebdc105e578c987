using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using Marten;

namespace LeaderJourney.Core.Leaders;

/// <summary>A leader's stream folded for a caller who may see it, with the framework it is tracked against.</summary>
public sealed record LoadedLeader(Leader State, IReadOnlyList<StoredEvent> Events, FrameworkScope Scope);

public sealed class LeaderReader(Store store, FrameworkScopes scopes, Privacy.Audit.SensitiveReads audit)
{
    /// <summary>Loads a leader for showing their record, and leaves the read in the audit of sensitive reads.</summary>
    public async Task<LoadedLeader> ReadRecordAsync(Guid leaderId, CurrentUser caller, CancellationToken ct, DateTimeOffset? asOf = null)
    {
        EnsureNotBoard(caller);
        var loaded = await LoadForCallerAsync(leaderId, caller, ct, asOf);
        await audit.RecordAsync(caller, Privacy.Audit.SensitiveReads.LeaderRecord, leaderId, loaded.State.Affiliate, ct);
        return loaded;
    }

    /// <summary>
    /// A leader's record as it stands now, for a caller who may see it, left in the audit of sensitive
    /// reads: the stored leader the commands keep (one row, written in each command's transaction) when
    /// it is at its stream's version, the stream folded otherwise (no row: erased, moved by the upgrade;
    /// a row behind the stream). One row, not the stream: a leader on the national data has about a
    /// hundred events, many far more, and a record is read as often as it is written.
    /// The audit's entry is written in the same batch, in its transaction: an ended token leaves none.
    /// </summary>
    /// <param name="ahead">The caller's token check, sent ahead of the row's read in its batch.</param>
    public async Task<Leader> ReadCurrentRecordAsync(Guid leaderId, CurrentUser caller, CancellationToken ct, IStatementAhead? ahead = null)
    {
        EnsureNotBoard(caller);
        // The entry's rule is MaySee's, on the stream: the fold below, which the same rule guards, leaves none of its own.
        var entry = audit.EntryOfLeaderRead(caller, Privacy.Audit.SensitiveReads.LeaderRecord, leaderId);
        if (await ReadStoredAsync(leaderId, ahead, entry, ct) is not { } leader) return (await LoadForCallerAsync(leaderId, caller, ct)).State;
        if (!MaySee(caller, leaderId, leader.Affiliate)) throw new NotFoundException($"There is no leader {leaderId}.");
        return leader;
    }

    // The row and its stream's version in one query; the row's personal fields are opened by Marten's
    // serializer. One implicit transaction: the token's check, the audit's entry and the read.
    private async Task<Leader?> ReadStoredAsync(Guid leaderId, IStatementAhead? ahead, Npgsql.NpgsqlBatchCommand? entry, CancellationToken ct)
    {
        await using var batch = store.DataSource.CreateBatch();
        if (ahead is not null) batch.BatchCommands.Add(ahead.Command());
        if (entry is not null) batch.BatchCommands.Add(entry);
        var select = new Npgsql.NpgsqlBatchCommand($"""
            select s.version, d.data from {store.Schema}.mt_streams s
              join {store.Schema}.mt_doc_{LeaderAggregation.DocumentAlias} d on d.tenant_id = s.tenant_id and d.id = s.id
             where s.id = $1 and not coalesce(s.is_archived, false)
            """);
        select.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = leaderId });
        batch.BatchCommands.Add(select);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var found = await reader.ReadAsync(ct);
        ahead?.Passed(); // the check ran first: the batch has answered past it
        if (!found) return null;
        var version = reader.GetInt64(0);
        var leader = await store.Marten.Options.Serializer().FromJsonAsync<Leader>(reader, 1, ct);
        return leader.Version == version ? leader : null;
    }

    /// <summary>
    /// The board sees what reports show (candidates' names, readiness, gaps), never a leader's record,
    /// history, notes, email or exact times.
    /// </summary>
    public static void EnsureNotBoard(CurrentUser caller)
    {
        if (caller.Role == Roles.Board) throw new ForbiddenException("The board reads reports, not a leader's own record.");
    }

    /// <summary>
    /// Loads a leader, folded up to <paramref name="asOf"/> when given. A leader the caller may not see
    /// (another affiliate's, or another leader's for a leader) is reported exactly like one that does not
    /// exist, so its existence is not confirmed.
    /// </summary>
    /// <param name="within">A write's session, to read through its connection (see <see cref="LeaderJourney.Storage.Store.ReadStreamAsync"/>).</param>
    public async Task<LoadedLeader> LoadForCallerAsync(Guid leaderId, CurrentUser caller, CancellationToken ct, DateTimeOffset? asOf = null, IDocumentSession? within = null) =>
        await FoldForCallerAsync(leaderId, await store.ReadStreamAsync(leaderId, ct: ct, within: within), caller, ct, asOf);

    /// <summary>A leader as the system reads them, in any affiliate, for work no person asked to see (a mail, a check); null when there is none.</summary>
    public async Task<LoadedLeader?> FindAsync(Guid leaderId, CancellationToken ct)
    {
        try
        {
            return await LoadForCallerAsync(leaderId, CurrentUser.Operator, ct);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>The same, over a stream already read (for instance inside a write's transaction).</summary>
    public async Task<LoadedLeader> FoldForCallerAsync(Guid leaderId, IReadOnlyList<StoredEvent> events, CurrentUser caller, CancellationToken ct, DateTimeOffset? asOf = null)
    {
        if (events.Count == 0 || events[0].Data is not LeaderEnrolled enrolled || !MaySee(caller, leaderId, enrolled.Affiliate))
            throw new NotFoundException($"There is no leader {leaderId}.");
        var shown = asOf is { } at ? events.TakeWhile(e => e.Timestamp <= at).ToList() : events;
        var state = shown.Aggregate(Leader.Initial, (s, e) => Leader.Evolve(s, e.Data));
        var scope = await scopes.FindAsync(enrolled.FrameworkEditionId, ct)
            ?? throw new InvalidOperationException($"Leader {leaderId} is tracked against framework edition {enrolled.FrameworkEditionId}, which is not in the catalog.");
        return new LoadedLeader(state, shown, scope);
    }

    /// <summary>The one visibility rule for a leader's record: the caller's affiliate (any for national admins), and a leader only themself.</summary>
    public static bool MaySee(CurrentUser caller, Guid leaderId, string affiliate) =>
        caller.CanSee(affiliate) && (caller.Role != Roles.Leader || caller.LeaderId == leaderId);
}
