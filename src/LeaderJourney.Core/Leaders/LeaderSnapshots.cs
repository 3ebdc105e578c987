using System.Text.Json;
using LeaderJourney.Domain.Leaders;
using Marten;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Leaders;

/// <summary>
/// A leader's folded state as of a stream version, kept so that a command reads only the events after
/// it: a command on a leader with 300 events costs about what one on a leader with 10 does. Written in
/// the command's own transaction once <see cref="Every"/> events have gathered since the last one.
/// Ours rather than Marten's snapshot projection for two reasons: the state holds the leader's name,
/// email and notes, so it is sealed whole under the leader's personal-data key (an erasure makes it
/// unreadable, and then the stream is folded as before, reading as erased); and a snapshot is only
/// trusted when it was folded by the same build of the fold (<see cref="Fold"/>),
/// so a deployment that changes the fold never decides on a stale state.
/// </summary>
public sealed class LeaderSnapshots(Store store)
{
    /// <summary>How many events may gather after a snapshot before the next command writes a new one.</summary>
    public const int Every = 25;

    /// <summary>
    /// Identifies the build of the fold: snapshots made by another build are ignored (and replaced).
    /// The fold is shaped by the domain (<see cref="Leader.Evolve"/>), the event names and upcasters
    /// (Core) and the store's deserialization (EventStore): a new build of any of them is a new fold.
    /// </summary>
    public static Guid Fold { get; } = new(System.Security.Cryptography.SHA256.HashData(
        new[] { typeof(Leader), typeof(LeaderSnapshots), typeof(Store) }
            .SelectMany(t => t.Assembly.ManifestModule.ModuleVersionId.ToByteArray()).ToArray()).AsSpan(0, 16));

    private const string SealedName = "leaderSnapshot";

    /// <summary>The latest usable snapshot, or null (none, another build's, or erased); read through <paramref name="within"/>'s connection when given (see <see cref="Store.ReadStreamAsync"/>).</summary>
    public async Task<Leader?> LoadAsync(Guid leaderId, CancellationToken ct, IDocumentSession? within = null)
    {
        if (store.PersonalData is null) return null;
        await using var command = within?.Connection is { } connection
            ? new NpgsqlCommand($"select version, state from {store.Schema}.leader_snapshots where leader_id = $1 and fold = $2", connection)
            : store.DataSource.CreateCommand($"select version, state from {store.Schema}.leader_snapshots where leader_id = $1 and fold = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Fold });
        string sealedState;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            sealedState = reader.GetString(1);
        }
        var json = await store.PersonalData.OpenValueAsync(sealedState, SealedName, ct);
        return json is null ? null : JsonSerializer.Deserialize<Leader>(json, store.Types.JsonOptions);
    }

    /// <summary>Keeps <paramref name="state"/>, with the session's events, when <see cref="Every"/> events have gathered since <paramref name="snapshotVersion"/> (0 for none).</summary>
    public async Task SaveIfDueAsync(IDocumentSession session, Leader state, long snapshotVersion, CancellationToken ct)
    {
        if (store.PersonalData is null || state.Version - snapshotVersion < Every || state.Erased) return;
        var sealedState = await store.PersonalData.SealValueAsync(state.Id, JsonSerializer.SerializeToUtf8Bytes(state, store.Types.JsonOptions), SealedName, ct);
        session.QueueSqlCommand($"""
            insert into {store.Schema}.leader_snapshots (leader_id, version, fold, state) values (?, ?, ?, ?)
            on conflict (leader_id) do update set version = excluded.version, fold = excluded.fold, state = excluded.state
             where {store.Schema}.leader_snapshots.version < excluded.version or {store.Schema}.leader_snapshots.fold <> excluded.fold
            """, state.Id, state.Version, Fold, sealedState);
    }
}
