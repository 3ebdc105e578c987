using System.Security.Cryptography;
using System.Text;
using LeaderJourney.Storage.PersonalData;

namespace LeaderJourney.Core.Access;

/// <summary>
/// A user's e-mail address, kept so notices can be mailed to them (a mentor's waiting requests, staff's
/// term-end reminders), and the name people know them by (<see cref="SealName"/>): sealed with AES-GCM
/// under a key the installation keeps for this purpose (<see cref="SubjectKeys.InstallationKeyAsync"/>,
/// wrapped by the master key), and bound to the user's id (a name to the id and the word "name"), so a
/// copy of the database alone holds neither and a sealed value cannot be moved to another user or field.
/// They live in the user's row (<c>users.email_sealed</c>, <c>users.name_sealed</c>) and go when the row is deleted.
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

    public byte[] Seal(Guid userId, string email) => Seal(userId.ToByteArray(), email);

    public string Open(Guid userId, byte[] sealedValue) => Open(userId.ToByteArray(), sealedValue);

    public byte[] SealName(Guid userId, string name) => Seal(NameBinding(userId), name);

    public string OpenName(Guid userId, byte[] sealedValue) => Open(NameBinding(userId), sealedValue);

    private static byte[] NameBinding(Guid userId) => [.. userId.ToByteArray(), .. "name"u8];

    private byte[] Seal(byte[] binding, string text)
    {
        var plain = Encoding.UTF8.GetBytes(text);
        var sealedValue = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedValue.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var cipher = new AesGcm(_key.Value, TagSize);
        cipher.Encrypt(nonce, plain, sealedValue.AsSpan(NonceSize, plain.Length), sealedValue.AsSpan(NonceSize + plain.Length), binding);
        return sealedValue;
    }

    private string Open(byte[] binding, byte[] sealedValue)
    {
        var plain = new byte[sealedValue.Length - NonceSize - TagSize];
        using var cipher = new AesGcm(_key.Value, TagSize);
        cipher.Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize, plain.Length), sealedValue.AsSpan(NonceSize + plain.Length), plain, binding);
        return Encoding.UTF8.GetString(plain);
    }
}
