using System.Security.Cryptography;
using System.Text;
using LeaderJourney.Storage.PersonalData;

namespace LeaderJourney.Storage.Projections;

/// <summary>
/// Keyed hashes (HMAC-SHA-256) a read model keeps in place of a personal value it is looked up by, such as
/// a leader's e-mail address, and that a reader computes to look it up. The key is the installation's own
/// (<see cref="SubjectKeys.InstallationKeyAsync"/>, kept wrapped by the master key), so a copy of the database
/// alone cannot test likely addresses against them. A store opened without master keys (benchmarks, some
/// tests) keeps none: <see cref="OfAsync"/> answers null.
/// </summary>
public sealed class LookupHashes
{
    /// <summary>The id the key is kept under (no person's).</summary>
    public static readonly Guid KeyId = new("5a7d2e1c-3b84-4f60-9c2e-8d41b6a0f3e7");

    private readonly SubjectKeys? _keys;
    private byte[]? _key;

    internal LookupHashes(SubjectKeys? keys) => _keys = keys;

    /// <summary>
    /// Reads the key (made on first start) before any append needs it: read first inside an inline projection,
    /// it would take a second connection while the append holds its own, for each of many appends at once.
    /// </summary>
    public async Task WarmAsync(CancellationToken ct)
    {
        if (_keys is not null) _key ??= await _keys.InstallationKeyAsync(KeyId, ct);
    }

    public async ValueTask<string?> OfAsync(string value, CancellationToken ct)
    {
        if (_keys is null) return null;
        // Read once and kept: the key is never rotated or shredded (two hosts that raced to make it read the one kept).
        var key = _key ??= await _keys.InstallationKeyAsync(KeyId, ct);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));
    }
}
