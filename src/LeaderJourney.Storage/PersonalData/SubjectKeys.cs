using System.Collections.Concurrent;
using System.Security.Cryptography;
using Npgsql;

namespace LeaderJourney.Storage.PersonalData;

/// <summary>A subject's data key at one generation; <see cref="Key"/> is null once it was shredded.</summary>
internal readonly record struct SubjectKey(Guid Subject, int Generation, byte[]? Key);

/// <summary>
/// One data key per subject (a person, or one part of a person's data) in <c>subject_keys</c>, each
/// wrapped by the active master key. Shredding deletes the key material: everything encrypted with it
/// can no longer be read, wherever copies of the events went. A shred is either final (the subject is
/// erased: later writes about it store nothing) or not (a later write starts a new generation with a
/// new key, e.g. demographics given again after consent was withdrawn).
///
/// Unwrapped keys are cached in memory. A shred evicts them here at once; another process drops its
/// copy when it hears of the shred (<see cref="KeyShredListener"/>, as the shred commits), and within
/// <see cref="CacheLifetime"/> when it is not listening.
/// </summary>
public sealed class SubjectKeys
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);
    private const int MaxCached = 400_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;
    private readonly MasterKeyRing _masterKeys;
    private readonly ConcurrentDictionary<(Guid, int), (byte[]? Key, long At)> _read = new();
    private readonly ConcurrentDictionary<Guid, (SubjectKey Key, long At)> _write = new();
    // Subject -> the highest generation shredded by this process: a key read before the shred committed
    // must not slip back into the cache after it.
    private readonly ConcurrentDictionary<Guid, int> _shredded = new();
    private readonly object _gate = new();
    // Moved on (under _gate) when the whole cache is dropped: a look-up begun before caches nothing.
    private long _epoch;
    private long _lookUps;

    internal SubjectKeys(NpgsqlDataSource dataSource, string schema, MasterKeyRing masterKeys)
    {
        _dataSource = dataSource;
        _table = $"{schema}.subject_keys";
        _masterKeys = masterKeys;
        Schema = schema;
    }

    /// <summary>The schema whose keys these are (a shred's notice names it, <see cref="KeyShredListener"/>).</summary>
    public string Schema { get; }

    public MasterKeyRing MasterKeys => _masterKeys;

    /// <summary>How many times this process went to the database for subjects' keys (a read's or a write's look-up, the installation's keys included); the cache saves the rest.</summary>
    public long LookUps => Interlocked.Read(ref _lookUps);

    /// <summary>The key to encrypt new data about each subject with, made when there is none; a null key means the subject is erased.</summary>
    internal async Task<IReadOnlyDictionary<Guid, SubjectKey>> ForWriteAsync(IReadOnlyCollection<Guid> subjects, CancellationToken ct)
    {
        var found = new Dictionary<Guid, SubjectKey>(subjects.Count);
        var missing = new List<Guid>();
        var now = Environment.TickCount64;
        foreach (var subject in subjects)
        {
            if (_write.TryGetValue(subject, out var cached) && Fresh(cached.At, now)) found[subject] = cached.Key;
            else missing.Add(subject);
        }
        if (missing.Count == 0) return found;
        var epoch = Interlocked.Read(ref _epoch);

        // Keys are made on a connection of their own and committed at once: an append that rolls back
        // leaves an unused key behind, never events encrypted with a key that was rolled back.
        Interlocked.Increment(ref _lookUps);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        var current = await Latest(connection, missing, ct);
        var toCreate = missing.Where(s => !current.TryGetValue(s, out var row) || (row.Key is null && !row.Final)).ToArray();
        if (toCreate.Length > 0)
        {
            await Create(connection, toCreate, toCreate.Select(s => current.TryGetValue(s, out var row) ? row.Generation + 1 : 1).ToArray(), ct);
            // Another writer may have made the same generation first: what the table holds wins.
            foreach (var (subject, row) in await Latest(connection, toCreate, ct)) current[subject] = row;
        }
        foreach (var subject in missing)
        {
            var row = current[subject];
            var key = new SubjectKey(subject, row.Generation, row.Key);
            found[subject] = key;
            lock (_gate)
                if (_epoch == epoch && !ShreddedHere(subject, row.Generation))
                {
                    RememberForWrite(key, now);
                    // The same key opens what it sealed: reading it back (a command loading the leader it
                    // just stored, holding the stream's row) needs no second connection for it.
                    Remember(_read, (subject, row.Generation), (row.Key, now));
                }
        }
        return found;
    }

    /// <summary>
    /// A key the installation keeps for itself (for keyed hashes, say), under an id no person has: made
    /// once, wrapped by the master key and re-wrapped by a rotation like every data key, never shredded.
    /// So it stays the same when the master key is rotated, and a copy of the database alone does not hold it.
    /// </summary>
    public async Task<byte[]> InstallationKeyAsync(Guid purpose, CancellationToken ct = default) =>
        (await ForWriteAsync([purpose], ct))[purpose].Key ?? throw new InvalidOperationException($"The installation key {purpose} was shredded.");

    /// <summary>Keys to decrypt with, by subject and generation; a null key was shredded (or never existed).</summary>
    internal async Task<IReadOnlyDictionary<(Guid Subject, int Generation), byte[]?>> ForReadAsync(IReadOnlyCollection<(Guid Subject, int Generation)> wanted, CancellationToken ct)
    {
        var found = new Dictionary<(Guid, int), byte[]?>(wanted.Count);
        var missing = new HashSet<Guid>();
        var now = Environment.TickCount64;
        foreach (var w in wanted)
        {
            if (_read.TryGetValue(w, out var cached) && Fresh(cached.At, now)) found[w] = cached.Key;
            else missing.Add(w.Subject);
        }
        if (missing.Count == 0) return found;
        var epoch = Interlocked.Read(ref _epoch);

        Interlocked.Increment(ref _lookUps);
        await using var command = _dataSource.CreateCommand($"select subject_id, generation, wrapped_key, master_key_id, final from {_table} where subject_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = missing.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var latest = new Dictionary<Guid, Row>();
        while (await reader.ReadAsync(ct))
        {
            var id = (reader.GetGuid(0), reader.GetInt32(1));
            var key = reader.IsDBNull(2) ? null : Unwrap(id.Item1, id.Item2, reader.GetString(3), reader.GetFieldValue<byte[]>(2));
            found[id] = key;
            lock (_gate)
                if (_epoch == epoch && !ShreddedHere(id.Item1, id.Item2)) Remember(_read, id, (key, now));
            if (!latest.TryGetValue(id.Item1, out var row) || row.Generation < id.Item2) latest[id.Item1] = new Row(id.Item2, key, reader.GetBoolean(4));
        }
        // Every generation of each subject was read, so the latest is known too: the key a write seals
        // with, unless a new one is due (none yet, or the latest shredded but not for good). A command
        // that opens a leader's state and then seals new events about them needs no second look-up.
        foreach (var (subject, row) in latest)
            lock (_gate)
            {
                if (_epoch != epoch || ShreddedHere(subject, row.Generation)) continue;
                if (row.Key is not null || row.Final) RememberForWrite(new SubjectKey(subject, row.Generation, row.Key), now);
                // Shredded (another host's erasure), not for good: a key cached for writing before is gone.
                else if (_write.TryGetValue(subject, out var cached) && cached.Key.Generation <= row.Generation) _write.TryRemove(subject, out _);
            }
        foreach (var w in wanted) found.TryAdd(w, null);
        return found;
    }

    /// <summary>
    /// Queues the deletion of the subject's key material in a Marten session: it commits with the
    /// session. <paramref name="final"/>: the subject is erased, and data written about it later is
    /// stored as erased too. Keys cached here are dropped now, and none of the subject's is cached in
    /// this process again (<see cref="Forget"/>), so nothing read while the shred is in flight survives it.
    /// </summary>
    internal void QueueShred(Marten.IDocumentSession session, Guid subject, bool final)
    {
        session.QueueSqlCommand($"""
            with shredded as (
                update {_table} set wrapped_key = null, master_key_id = null, shredded_at = now()
                 where subject_id = ? and wrapped_key is not null
                returning generation)
            insert into {_table} (subject_id, generation, wrapped_key, master_key_id, created_at, shredded_at, final)
            select ?, coalesce((select max(generation) from {_table} where subject_id = ?), 0) + 1, null, null, now(), now(), true
             where ? and not exists (select 1 from {_table} where subject_id = ? and final)
            """, subject, subject, subject, final, subject);
        Forget(subject);
    }

    /// <summary>Drops every cached key of the subject, and keeps keys read before now from being cached again.</summary>
    internal void Forget(Guid subject)
    {
        // Under the same lock as "check, then cache": a key read before the shred cannot be cached after it.
        // The subject is then never cached again in this process (a later generation is read each time).
        lock (_gate)
        {
            _shredded[subject] = int.MaxValue;
            _write.TryRemove(subject, out _);
            // The dictionary's enumerator takes no lock and copies nothing (its Keys would take every lock
            // and copy every key): every host does this for every shred it hears of.
            foreach (var entry in _read)
                if (entry.Key.Item1 == subject) _read.TryRemove(entry.Key, out _);
        }
    }

    /// <summary>
    /// Drops every cached key, and keeps what look-ups already under way read from being cached: for a
    /// process that may have missed shreds (its listener was not connected).
    /// </summary>
    internal void ForgetAll()
    {
        lock (_gate)
        {
            _epoch++;
            _read.Clear();
            _write.Clear();
        }
    }

    /// <summary>Whether the subject's data was erased for good (a final shred).</summary>
    public async Task<bool> IsErasedAsync(Guid subject, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand($"select exists (select 1 from {_table} where subject_id = $1 and final)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = subject });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Key rotation: re-wraps every data key not yet wrapped by the active master key, in batches, each
    /// batch its own transaction (safe to stop and run again). The data itself is not touched. Returns
    /// how many keys were re-wrapped.
    /// </summary>
    public async Task<long> RewrapAsync(IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var done = 0L;
        while (true)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var batch = new List<(Guid Subject, int Generation, string MasterKeyId, byte[] Wrapped)>();
            await using (var select = new NpgsqlCommand($"""
                select subject_id, generation, master_key_id, wrapped_key from {_table}
                 where wrapped_key is not null and master_key_id <> $1 limit 1000 for update skip locked
                """, connection, tx))
            {
                select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _masterKeys.ActiveId });
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) batch.Add((reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3)));
            }
            if (batch.Count == 0) return done;
            var rewrapped = batch.Select(b => _masterKeys.Wrap(_masterKeys.Unwrap(b.MasterKeyId, b.Wrapped, Associated(b.Subject, b.Generation)), Associated(b.Subject, b.Generation))).ToArray();
            await using (var update = new NpgsqlCommand($"""
                update {_table} k set wrapped_key = x.wrapped, master_key_id = $4
                  from unnest($1::uuid[], $2::int[], $3::bytea[]) as x(subject_id, generation, wrapped)
                 where k.subject_id = x.subject_id and k.generation = x.generation and k.wrapped_key is not null
                """, connection, tx))
            {
                update.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = batch.Select(b => b.Subject).ToArray() });
                update.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = batch.Select(b => b.Generation).ToArray() });
                update.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = rewrapped });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _masterKeys.ActiveId });
                await update.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            done += batch.Count;
            progress?.Report(done);
        }
    }

    /// <summary>How many data keys each master key wraps (live keys only).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByMasterKeyAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand($"select master_key_id, count(*) from {_table} where wrapped_key is not null group by 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private sealed record Row(int Generation, byte[]? Key, bool Final);

    private async Task<Dictionary<Guid, Row>> Latest(NpgsqlConnection connection, IReadOnlyCollection<Guid> subjects, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select distinct on (subject_id) subject_id, generation, wrapped_key, master_key_id, final
              from {_table} where subject_id = any($1) order by subject_id, generation desc
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = subjects.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new Dictionary<Guid, Row>();
        while (await reader.ReadAsync(ct))
        {
            var subject = reader.GetGuid(0);
            var generation = reader.GetInt32(1);
            rows[subject] = new Row(generation, reader.IsDBNull(2) ? null : Unwrap(subject, generation, reader.GetString(3), reader.GetFieldValue<byte[]>(2)), reader.GetBoolean(4));
        }
        return rows;
    }

    private async Task Create(NpgsqlConnection connection, Guid[] subjects, int[] generations, CancellationToken ct)
    {
        var wrapped = new byte[subjects.Length][];
        for (var i = 0; i < subjects.Length; i++)
            wrapped[i] = _masterKeys.Wrap(RandomNumberGenerator.GetBytes(MasterKeyRing.KeySize), Associated(subjects[i], generations[i]));
        await using var command = new NpgsqlCommand($"""
            insert into {_table} (subject_id, generation, wrapped_key, master_key_id, created_at)
            select s, g, w, $4, now() from unnest($1::uuid[], $2::int[], $3::bytea[]) as x(s, g, w)
            on conflict do nothing
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = subjects });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = generations });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = wrapped });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _masterKeys.ActiveId });
        await command.ExecuteNonQueryAsync(ct);
    }

    private byte[] Unwrap(Guid subject, int generation, string masterKeyId, byte[] wrapped) =>
        _masterKeys.Unwrap(masterKeyId, wrapped, Associated(subject, generation));

    // A wrapped key is bound to its subject and generation: copied onto another row it does not open.
    private static byte[] Associated(Guid subject, int generation) => [.. subject.ToByteArray(bigEndian: true), .. BitConverter.GetBytes(generation)];

    private bool ShreddedHere(Guid subject, int generation) => _shredded.TryGetValue(subject, out var through) && generation <= through;

    // Under _gate. A look-up that took longer than another may carry an older generation than the one
    // cached since (a shred on another host, then a new key made here): the newer stays.
    private void RememberForWrite(SubjectKey key, long now)
    {
        if (_write.TryGetValue(key.Subject, out var cached) && cached.Key.Generation > key.Generation) return;
        Remember(_write, key.Subject, (key, now));
    }

    private static bool Fresh(long at, long now) => now - at < CacheLifetime.TotalMilliseconds;

    private static void Remember<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value) where TKey : notnull
    {
        if (cache.Count >= MaxCached) cache.Clear();
        cache[key] = value;
    }
}
