using System.Text;
using System.Xml.Linq;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Storage.PersonalData;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeaderJourney.Core.Access;

/// <summary>
/// The keys that protect the pages' cookies and forms and the mails' stop links (ASP.NET Core's data
/// protection) live in the database, sealed with the active master key. By default each host kept its own ring in its home
/// folder, in plain text: a page cookie one host wrote was refused by another (the person was sent back
/// to sign in), and in a container a restart lost the ring, with everyone's session and every form
/// opened before it. Now every host of one database reads one ring, and a restart keeps it. The
/// framework still makes, rotates and chooses the keys; only where they are kept is ours.
/// </summary>
public static class PageKeyRing
{
    /// <summary>The same on every host, whatever folder it runs from (the framework's default is the content root).</summary>
    public const string ApplicationName = "LeaderJourney";

    public static IServiceCollection AddPageKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        // The database and the master key are looked up when a key is first read or made, not when the
        // framework's services are made: a host without them ends at start with its own one line.
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new DatabaseKeyRepository(sp);
            options.XmlEncryptor = new MasterKeyEncryptor(sp);
        }));
        return services;
    }

    /// <summary>
    /// At start, after the migrations: makes the ring's first key (or a new one once none is active), one
    /// host at a time under an advisory lock. Left to the framework, hosts starting together on an empty
    /// ring each made a key of their own, and a host reads the ring again only about once a day: for that
    /// long one host's cookies were refused by another. The next keys the framework makes itself, two days
    /// before they are needed, which every host has read by then.
    /// </summary>
    public static async Task EnsureActiveKeyAsync(IServiceProvider services, CancellationToken ct)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var schema = services.GetRequiredService<DatabaseSettings>().Schema;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            // Waits as long as another host takes (it only reads the ring and maybe makes one key).
            await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended('leaderjourney.page-keys.' || $1, 0))", connection) { CommandTimeout = 0 })
            {
                take.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
                await take.ExecuteNonQueryAsync(ct);
            }
            var keys = services.GetRequiredService<IKeyManager>();
            var now = DateTimeOffset.UtcNow;
            if (!keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now))
                keys.CreateNewKey(now, now + services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.NewKeyLifetime);
        }
        finally
        {
            // A pooled connection is not reset when returned (NoResetOnClose): the lock is released here,
            // also when taking it failed after the server granted it.
            await using var release = new NpgsqlCommand("select pg_advisory_unlock_all()", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>How many of the ring's keys each master key seals (for `keys status`).</summary>
    public static async Task<IReadOnlyDictionary<string, int>> CountByMasterKeyAsync(IServiceProvider services, CancellationToken ct)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, xml) in await RowsAsync(services, ct))
            if (SealedOf(xml) is { } sealedSecret && (string?)sealedSecret.Attribute("masterKey") is { } masterKey)
                counts[masterKey] = counts.GetValueOrDefault(masterKey) + 1;
        return counts;
    }

    /// <summary>
    /// Seals again with the active master key every key of the ring sealed with another (`keys rotate`), so
    /// that the old master key can go without signing everyone out or breaking the stop links of mails
    /// already sent. Safe to run again. Keys sealed with a master key no longer configured cannot be
    /// opened, by this or by the hosts: they are left as they are, and counted.
    /// </summary>
    public static async Task<(int Resealed, int Unreadable)> RewrapAsync(IServiceProvider services, CancellationToken ct)
    {
        var masterKeys = services.GetRequiredService<MasterKeyRing>();
        var (done, unreadable) = (0, 0);
        foreach (var (name, xml) in await RowsAsync(services, ct))
        {
            var key = XElement.Parse(xml);
            if (SealedOf(key) is not { } sealedSecret || (string?)sealedSecret.Attribute("masterKey") is not { } masterKey || masterKey == masterKeys.ActiveId) continue;
            if (!masterKeys.Ids.Contains(masterKey))
            {
                unreadable++;
                continue;
            }
            var secret = masterKeys.Unwrap(masterKey, Convert.FromBase64String(sealedSecret.Value), Purpose);
            sealedSecret.SetAttributeValue("masterKey", masterKeys.ActiveId);
            sealedSecret.Value = Convert.ToBase64String(masterKeys.Wrap(secret, Purpose));
            await using var update = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
                $"update {services.GetRequiredService<DatabaseSettings>().Schema}.page_keys set xml = $2 where name = $1 and xml = $3");
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.ToString(SaveOptions.DisableFormatting) });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = xml });
            done += await update.ExecuteNonQueryAsync(ct);
        }
        return (done, unreadable);
    }

    private static XElement? SealedOf(string xml) => SealedOf(XElement.Parse(xml));

    private static XElement? SealedOf(XElement key) => key.Descendants(MasterKeyEncryptor.ElementName).FirstOrDefault();

    private static async Task<List<(string Name, string Xml)>> RowsAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"select name, xml from {services.GetRequiredService<DatabaseSettings>().Schema}.page_keys order by created_at, name");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    /// <summary>What the sealed keys are bound to: a sealed subject key cannot be passed off as one of these.</summary>
    internal static readonly byte[] Purpose = Encoding.UTF8.GetBytes("leaderjourney.page-keys");

    /// <summary>
    /// The ring's rows (core migration 17). The framework reads them when a host first needs a key and
    /// again about once a day, so the reads are synchronous, as its interface is.
    /// </summary>
    private sealed class DatabaseKeyRepository(IServiceProvider services) : IXmlRepository
    {
        private NpgsqlCommand Command(string sql) =>
            services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql.Replace("{schema}", services.GetRequiredService<DatabaseSettings>().Schema));

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var command = Command("select xml from {schema}.page_keys order by created_at, name");
            using var reader = command.ExecuteReader();
            var elements = new List<XElement>();
            while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
            return elements;
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            // The first key is made at start under a lock (EnsureActiveKeyAsync); a later one the framework
            // makes two days before it is needed. Should two hosts still make one each, both are kept.
            using var command = Command("insert into {schema}.page_keys (name, xml, created_at) values ($1, $2, now()) on conflict (name) do nothing");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = friendlyName });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = element.ToString(SaveOptions.DisableFormatting) });
            command.ExecuteNonQuery();
        }
    }
}

/// <summary>Seals a page key's secret with the active master key (AES-GCM, as the subjects' keys are wrapped).</summary>
public sealed class MasterKeyEncryptor(IServiceProvider services) : IXmlEncryptor
{
    /// <summary>The element a sealed secret is stored as, naming its master key.</summary>
    public const string ElementName = "sealedWithMasterKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var keys = services.GetRequiredService<MasterKeyRing>();
        var secret = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedSecret = new XElement(ElementName,
            new XAttribute("masterKey", keys.ActiveId), Convert.ToBase64String(keys.Wrap(secret, PageKeyRing.Purpose)));
        return new EncryptedXmlInfo(sealedSecret, typeof(MasterKeyDecryptor));
    }
}

/// <summary>
/// Opens what <see cref="MasterKeyEncryptor"/> sealed. The framework makes it by its type's name, which is
/// stored with every key: keep this type's name and assembly. A key sealed with a master key no longer
/// configured cannot be opened (`keys rotate` seals the ring again first): the framework then leaves that
/// key aside, and those signed in with it sign in again.
/// </summary>
public sealed class MasterKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var keys = services.GetRequiredService<MasterKeyRing>();
        var masterKey = (string?)encryptedElement.Attribute("masterKey") ?? throw new InvalidOperationException("A page key names no master key.");
        var secret = keys.Unwrap(masterKey, Convert.FromBase64String(encryptedElement.Value), PageKeyRing.Purpose);
        return XElement.Parse(Encoding.UTF8.GetString(secret));
    }
}
