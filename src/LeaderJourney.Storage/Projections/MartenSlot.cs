using System.Runtime.CompilerServices;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace LeaderJourney.Storage.Projections;

/// <summary>
/// A read model as Marten runs it. Each read model is registered with Marten twice, as two slots
/// ("mentor-queue-a" and "mentor-queue-b"), each with its own progression: generations with odd numbers
/// live in slot a, even ones in slot b. So a new generation (a rebuild, a new version) builds in one slot
/// through Marten's own rebuild while the other keeps serving, and a slot whose generation is retired or
/// of another version passes its events by.
/// </summary>
internal sealed class MartenSlot(ProjectionRegistration registration, int parity, ProjectionGenerations generations, LookupHashes hashes) : Marten.Events.Projections.IProjection
{
    /// <summary>
    /// One save's look at the generations, for both slots of a read model: keyed by the save's first
    /// event, the same object Marten hands every inline projection of that save (whoever saves the
    /// session: the store, or a Wolverine handler's own <c>SaveChangesAsync</c>).
    /// </summary>
    private static readonly ConditionalWeakTable<IEvent, AppendScope> SaveScopes = new();

    /// <summary>
    /// One append's look at the generations, once per read model for both its slots; an inline slot
    /// writes to its active generation only. A command's append takes the look this process last had
    /// (<see cref="ProjectionGenerations.ForAppendAsync"/>, no round trip) and queues, ahead of its
    /// writes and in the same batch, the lock an insert into mt_events takes and a check that the look
    /// still holds. A switch-over holds mt_events in SHARE mode: it is either committed before that lock,
    /// and the check fails the append whole (it is tried again on a fresh look), or it waits until the
    /// append commits. An append that reads before it writes sends the same lock and check ahead of its
    /// first read (<see cref="TakeGuards"/>). <paramref name="fresh"/> (a bulk load's step) reads the
    /// generations under the lock instead, as it has no one to try it again.
    /// </summary>
    internal sealed class AppendScope(bool fresh = false)
    {
        private readonly Dictionary<string, IReadOnlyList<ProjectionGenerations.Row>> _live = new();

        /// <summary>The looks taken from the process's copy whose check has not yet gone ahead of a read (see <see cref="TakeGuards"/>).</summary>
        private readonly List<(string Name, string Fingerprint)> _unguarded = [];

        /// <summary>
        /// The lock and the checks an inline read sends in front of its query, in the same round trip, the
        /// first time this append reads: so it never reads a generation's tables that a switch-over has since
        /// replaced or dropped, and never holds them while it waits for the lock a switch-over holds.
        /// </summary>
        public IReadOnlyList<NpgsqlBatchCommand> TakeGuards(ProjectionGenerations generations)
        {
            if (_unguarded.Count == 0) return [];
            var guards = new List<NpgsqlBatchCommand> { new(generations.HoldSwitchOffSql) };
            guards.AddRange(_unguarded.Select(u => generations.AssertCommand(u.Name, u.Fingerprint)));
            _unguarded.Clear();
            return guards;
        }

        public async Task<ProjectionGenerations.Row?> InSlotAsync(ProjectionGenerations generations, IDocumentOperations operations, string name, int parity, CancellationToken ct)
        {
            if (!_live.TryGetValue(name, out var rows))
            {
                if (fresh) rows = await generations.LiveAsync(operations.Connection!, name, ct, holdSwitchOff: true);
                else
                {
                    rows = await generations.ForAppendAsync(operations.Connection!, name, ct);
                    var fingerprint = ProjectionGenerations.Fingerprint(rows);
                    operations.QueueSqlCommand(generations.HoldSwitchOffSql);
                    operations.QueueSqlCommand('?', generations.AssertSql, name, fingerprint);
                    _unguarded.Add((name, fingerprint));
                }
                _live[name] = rows;
            }
            return rows.FirstOrDefault(r => ParityOf(r.Generation) == parity);
        }
    }

    public ProjectionRegistration Registration => registration;
    public string Name => registration.Projection.Name;
    public int Parity => parity;
    public string MartenName => NameOf(Name, parity);
    public string ShardIdentity => $"{MartenName}:All";

    public static string NameOf(string projection, int parity) => $"{projection}-{(parity == 1 ? 'a' : 'b')}";

    public static int ParityOf(int generation) => generation % 2 == 1 ? 1 : 0;

    /// <summary><see cref="ShardIdentity"/> in SQL, from a read model's name and a parity (1 or 0) or a generation: the key of its row in <c>mt_event_progression</c>.</summary>
    public static string ShardIdentitySql(string name, string parityOrGeneration) =>
        $"{name} || case when {parityOrGeneration} % 2 = 1 then '-a' else '-b' end || ':All'";

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        AppendScope? scope = null;
        // An append's events reach the inline projections before Marten's quick append numbers them
        // (MartenEngine: EventAppendMode.Quick); the events the daemon hands over are committed and numbered.
        if (events[0].Sequence == 0)
        {
            if (operations is not IDocumentSession session)
                throw new InvalidOperationException($"{MartenName} was applied inline outside a document session.");
            // The generations are read, and the rows written, in the append's own transaction.
            await session.BeginTransactionAsync(ct);
            scope = SaveScopes.GetValue(events[0], _ => new AppendScope());
        }
        await ApplyAsync(operations, events.Select(ToStored).ToList(), null, ct, scope);
    }

    /// <summary>
    /// Applies events (in global order within an affiliate: Marten's daemon hands a batch over one
    /// affiliate at a time) to the slot's generation, if this is a moment to write to it
    /// (<see cref="ShouldApply"/>). <paramref name="own"/> is the connection of a build's own transaction,
    /// which then serves every read. <paramref name="scope"/> is an append's (inline), else null (the daemon).
    /// </summary>
    internal async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<StoredEvent> events, NpgsqlConnection? own, CancellationToken ct, AppendScope? scope)
    {
        var inline = scope is not null;
        var projection = registration.Projection;
        // An append with none of this read model's events has nothing to write to it: Marten runs every
        // inline projection on every save (a position's too), and needs no look at the generations then.
        if (inline && !events.Any(e => projection.EventTypes.Contains(e.TypeName))) return;
        var generation = scope is not null
            ? await scope.InSlotAsync(generations, operations, Name, parity, ct)
            : (await generations.LiveAsync(own, Name, ct)).FirstOrDefault(r => ParityOf(r.Generation) == parity);
        if (generation is null || generation.Version != projection.Version) return;
        if (!ShouldApply(generation, inline, operations)) return;

        // A generation built while a bulk load's events were committed has them from its build already.
        // (An append's events have no sequence number yet here: Marten's quick append draws them later.)
        var stored = events.Where(e => projection.EventTypes.Contains(e.TypeName) && (!inline || e.Sequence == 0 || e.Sequence > generation.BuiltThrough)).ToList();
        if (stored.Count > 0)
        {
            var reads = ReadConnection(operations, inline, own);
            var context = new ProjectionContext((sql, values) => operations.QueueSqlCommand('?', sql, values), reads, generations.Schema, Name, generation.Generation, hashes,
                scope is null ? null : () => scope.TakeGuards(generations));
            try
            {
                await projection.ApplyAsync(context, stored, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException && !inline)
            {
                // Inline, the append fails and its caller is told; under the daemon the slot pauses, and the
                // failure is kept where `projections status` and /health show it.
                await generations.RecordFailureAsync(generation, await FindCulpritAsync(stored, reads, generation, ct) ?? stored[0], e, ct);
                throw;
            }
        }
        // A generation that failed before and now applies again is running again.
        if (generation.State == "failed") operations.QueueSqlCommand('?', generations.ClearFailureSql, Name, generation.Generation);
        // How far the daemon has applied this generation: a build finishes from there (ProjectionRuntime).
        if (!inline && events.Count > 0) operations.QueueSqlCommand('?', generations.PositionSql, events[^1].Sequence, Name, generation.Generation);
    }

    /// <summary>
    /// Appends write to the active generation of their slot; Marten's daemon writes to an active async
    /// generation, and to a generation this process is building. A generation another process is
    /// building is refused: Marten pauses this slot here until that build has switched over, so two
    /// processes never move one slot's progression at once.
    /// </summary>
    private bool ShouldApply(ProjectionGenerations.Row generation, bool inline, IDocumentOperations operations)
    {
        if (inline) return generation.Status == "active";
        // Only the build's own Marten store writes a building generation: the web host's daemon, in this
        // process or another, would otherwise apply the newest events before the build replays them.
        if (generation.Status == "building")
            return ReferenceEquals(generations.BuilderOf(Name, generation.Generation), operations.DocumentStore)
                ? true
                : throw new GenerationBuildingElsewhereException(Name, generation.Generation);
        return generation.Status == "active" && registration.Mode == ProjectionMode.Async;
    }

    private Func<CancellationToken, Task<(NpgsqlConnection, bool)>> ReadConnection(IDocumentOperations operations, bool inline, NpgsqlConnection? own) =>
        // Inline, reads go through the append's own transaction (earlier appends of one session are in it);
        // a build's last part reads in its own transaction; under the daemon, batches commit one after
        // another, so a fresh connection sees the rows as they stand.
        async ct => inline ? (operations.Connection!, false) : own is not null ? (own, false) : (await generations.DataSource.OpenConnectionAsync(ct), true);

    /// <summary>The first event that fails on its own: statements are discarded, so trying each one changes nothing.</summary>
    private async Task<StoredEvent?> FindCulpritAsync(List<StoredEvent> events, Func<CancellationToken, Task<(NpgsqlConnection, bool)>> reads,
        ProjectionGenerations.Row generation, CancellationToken ct)
    {
        if (events.Count == 1) return events[0];
        foreach (var e in events)
        {
            try
            {
                var dryRun = new ProjectionContext((_, _) => { }, reads, generations.Schema, Name, generation.Generation, hashes);
                await registration.Projection.ApplyAsync(dryRun, [e], ct);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                return e;
            }
        }
        return null;
    }

    internal static StoredEvent ToStored(IEvent e) => new(
        e.Sequence, e.Id, e.StreamId, e.Version, e.EventTypeName, e.Data, e.Timestamp, e.TenantId ?? AppendMetadata.DefaultTenant,
        e.CorrelationId, e.CausationId, e.UserName,
        e.Headers is null ? EmptyHeaders : e.Headers.ToDictionary(h => h.Key, h => h.Value?.ToString() ?? ""));

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>();

    /// <summary>Marten's registration of this slot: its name, lifecycle, batch size and the event types its daemon loads.</summary>
    public ProjectionWrapper<IDocumentOperations, IQuerySession> ToMarten(EventTypeRegistry types, int batchSize)
    {
        var lifecycle = registration.Mode == ProjectionMode.Inline ? ProjectionLifecycle.Inline : ProjectionLifecycle.Async;
        var wrapper = new ProjectionWrapper<IDocumentOperations, IQuerySession>(this, lifecycle) { Name = MartenName };
        foreach (var name in registration.Projection.EventTypes)
            wrapper.IncludeType(types.TypeOfName(name) ?? throw new ArgumentException($"Projection {Name} reads '{name}', which is not a registered event type."));
        wrapper.Options.BatchSize = batchSize;
        return wrapper;
    }
}

/// <summary>Marten's daemon pauses a slot whose new generation another process is building; it goes on after the switch-over.</summary>
public sealed class GenerationBuildingElsewhereException(string name, int generation)
    : EventStoreException($"Generation {generation} of {name} is being built by another process; this slot waits for its switch-over.");

/// <summary>
/// Several slots' builds from one reading of the log: a Marten projection of its own, registered only in
/// a build's Marten store, whose rebuild hands each page of events to every slot being built. Each slot
/// applies what it reads to its building generation, as under its own rebuild; the log is read, and its
/// personal values opened, once instead of once per read model (docs/performance.md). Marten's composite
/// projections run several projections on one page too, but name a custom projection after its CLR type,
/// and every slot is a <see cref="MartenSlot"/>.
/// </summary>
internal sealed class SlotBuilds(IReadOnlyList<MartenSlot> slots) : Marten.Events.Projections.IProjection
{
    /// <summary>Named after its first slot: builds running at once (a slot is in one of them) keep their progressions apart.</summary>
    public string MartenName { get; } = $"builds-{slots[0].MartenName}";
    public string ShardIdentity => $"{MartenName}:All";

    public IReadOnlyList<MartenSlot> Slots => slots;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        // Under Marten's daemon only (it is registered async, in a build's store): numbered, committed events.
        var stored = events.Select(MartenSlot.ToStored).ToList();
        foreach (var slot in slots) await slot.ApplyAsync(operations, stored, null, ct, scope: null);
    }

    public ProjectionWrapper<IDocumentOperations, IQuerySession> ToMarten(EventTypeRegistry types, int batchSize)
    {
        var wrapper = new ProjectionWrapper<IDocumentOperations, IQuerySession>(this, ProjectionLifecycle.Async) { Name = MartenName };
        foreach (var name in slots.SelectMany(s => s.Registration.Projection.EventTypes).Distinct())
            wrapper.IncludeType(types.TypeOfName(name)!);
        wrapper.Options.BatchSize = batchSize;
        return wrapper;
    }
}
