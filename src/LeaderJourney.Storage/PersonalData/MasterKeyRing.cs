using System.Security.Cryptography;

namespace LeaderJourney.Storage.PersonalData;

/// <summary>
/// The master keys that wrap every subject's data key. One is active (new data keys are wrapped with
/// it); older ones are kept only until <see cref="SubjectKeys.RewrapAsync"/> has moved every data key to
/// the active one. The master keys never enter the database: only their ids do.
/// </summary>
public sealed class MasterKeyRing
{
    public const int KeySize = 32;
    private readonly Dictionary<string, byte[]> _keys;
    // One cipher per master key, reused under a lock: setting one up costs more than wrapping a key,
    // and a bulk load or a cold read wraps or unwraps thousands.
    private readonly Dictionary<string, AesGcm> _ciphers = new(StringComparer.Ordinal);

    public MasterKeyRing(string activeId, IReadOnlyDictionary<string, byte[]> keys)
    {
        foreach (var (id, key) in keys)
        {
            if (string.IsNullOrWhiteSpace(id) || id.Contains(':') || id.Contains(','))
                throw new ArgumentException($"Master key id '{id}' is not valid: use letters, digits, '-' or '_'.", nameof(keys));
            if (key.Length != KeySize) throw new ArgumentException($"Master key '{id}' must be {KeySize} bytes (base64 of 32 random bytes).", nameof(keys));
        }
        if (!keys.ContainsKey(activeId)) throw new ArgumentException($"The active master key '{activeId}' is not among the keys given.", nameof(activeId));
        ActiveId = activeId;
        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal);
    }

    public string ActiveId { get; }
    public IReadOnlyCollection<string> Ids => _keys.Keys;

    /// <summary>
    /// Parses <c>id:base64</c> for the active key and a comma-separated list of the same for older ones.
    /// Errors name the setting, never the key material.
    /// </summary>
    public static MasterKeyRing Parse(string active, string? previous = null)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var activeId = Add(active, "the active master key");
        foreach (var entry in (previous ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Add(entry, "a previous master key");
        return new MasterKeyRing(activeId, keys);

        string Add(string entry, string what)
        {
            var colon = entry.IndexOf(':');
            if (colon <= 0) throw new FormatException($"{what} must be written 'id:base64-of-32-bytes'.");
            byte[] key;
            try { key = Convert.FromBase64String(entry[(colon + 1)..].Trim()); }
            catch (FormatException) { throw new FormatException($"{what} ('{entry[..colon]}') is not valid base64."); }
            if (key.Length != KeySize) throw new FormatException($"{what} ('{entry[..colon]}') must be {KeySize} bytes, not {key.Length}.");
            var id = entry[..colon].Trim();
            if (!keys.TryAdd(id, key) && !keys[id].AsSpan().SequenceEqual(key))
                throw new FormatException($"Master key id '{id}' is given twice with different keys.");
            return id;
        }
    }

    /// <summary>A new random master key in the <c>id:base64</c> form <see cref="Parse"/> reads.</summary>
    public static string Generate(string id) => $"{id}:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize))}";

    /// <summary>
    /// Seals a secret with the active master key (<see cref="ActiveId"/>, which the caller keeps beside it),
    /// bound to <paramref name="associated"/>: the subjects' data keys, and the pages' keys (Core's PageKeyRing).
    /// </summary>
    public byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associated)
    {
        var output = new byte[NonceSize + dataKey.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var cipher = CipherFor(ActiveId);
        lock (cipher) cipher.Encrypt(nonce, dataKey, output.AsSpan(NonceSize, dataKey.Length), output.AsSpan(NonceSize + dataKey.Length), associated);
        return output;
    }

    /// <summary>Opens what <see cref="Wrap"/> sealed with the master key <paramref name="masterKeyId"/>, for the same <paramref name="associated"/>.</summary>
    public byte[] Unwrap(string masterKeyId, byte[] wrapped, ReadOnlySpan<byte> associated)
    {
        if (!_keys.ContainsKey(masterKeyId))
            // Unavailable, not a bug: the host or command line was started without a key it needs, and
            // says so in one line (the id only, never key material).
            throw new EventStoreUnavailableException($"A data key is wrapped with master key '{masterKeyId}', which is not configured: add it to LEADERJOURNEY_PREVIOUS_MASTER_KEYS (or make it the active key).");
        if (wrapped.Length < NonceSize + TagSize) throw new CryptographicException("The wrapped key is too short.");
        var plaintext = new byte[wrapped.Length - NonceSize - TagSize];
        var cipher = CipherFor(masterKeyId);
        lock (cipher) cipher.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize, plaintext.Length), wrapped.AsSpan(NonceSize + plaintext.Length), plaintext, associated);
        return plaintext;
    }

    // AES-GCM with a random 96-bit nonce, stored as nonce | ciphertext | 128-bit tag.
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private AesGcm CipherFor(string id)
    {
        lock (_ciphers)
        {
            if (!_ciphers.TryGetValue(id, out var cipher)) _ciphers[id] = cipher = new AesGcm(_keys[id], TagSize);
            return cipher;
        }
    }
}
