using System.Security.Cryptography;
using System.Text;
using LeaderJourney.EventStore.PersonalData;

namespace LeaderJourney.Core.Access;

/// <summary>
/// A user's e-mail address, kept so notices can be mailed to them (a mentor's waiting requests, staff's
/// term-end reminders): sealed with AES-GCM under a key the installation keeps for this purpose
/// (<see cref="SubjectKeys.InstallationKeyAsync"/>, wrapped by the master key), and bound to the user's id,
/// so a copy of the database alone holds no address and a sealed value cannot be moved to another user.
/// It lives in the user's row (<c>users.email_sealed</c>) and goes when the row is deleted.
/// </summary>
public sealed class UserEmails
{
    /// <summary>The id the key is kept under (no person's).</summary>
    public static readonly Guid KeyId = new("6b1f0c2e-4a8d-4e3b-9c57-2d8e1f4a7b93");

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Lazy<byte[]> _key;

    public UserEmails(SubjectKeys keys) =>
        _key = new(() => Task.Run(() => keys.InstallationKeyAsync(KeyId)).GetAwaiter().GetResult(), LazyThreadSafetyMode.PublicationOnly);

    /// <summary>With a key of the caller's (tools that keep nothing, such as the benchmarks).</summary>
    public UserEmails(byte[] key) => _key = new(() => key);

    public byte[] Seal(Guid userId, string email)
    {
        var plain = Encoding.UTF8.GetBytes(email);
        var sealedValue = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedValue.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var cipher = new AesGcm(_key.Value, TagSize);
        cipher.Encrypt(nonce, plain, sealedValue.AsSpan(NonceSize, plain.Length), sealedValue.AsSpan(NonceSize + plain.Length), userId.ToByteArray());
        return sealedValue;
    }

    public string Open(Guid userId, byte[] sealedValue)
    {
        var plain = new byte[sealedValue.Length - NonceSize - TagSize];
        using var cipher = new AesGcm(_key.Value, TagSize);
        cipher.Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize, plain.Length), sealedValue.AsSpan(NonceSize + plain.Length), plain, userId.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }
}
