using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
using Marten;
using Store = LeaderJourney.EventStore.EventStore;

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
    /// <param name="within">A write's session, to read through its connection (see <see cref="LeaderJourney.EventStore.EventStore.ReadStreamAsync"/>).</param>
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
