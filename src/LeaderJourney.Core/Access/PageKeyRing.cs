using System.Text;
using System.Xml.Linq;
using LeaderJourney.Core.Hosting;
using LeaderJourney.EventStore.PersonalData;
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
            // Two hosts starting on an empty ring may each make a key: both are kept, and the framework
            // reads the ring again when it meets a key it does not know.
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
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var keys = services.GetRequiredService<MasterKeyRing>();
        var secret = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedSecret = new XElement("sealedWithMasterKey",
            new XAttribute("masterKey", keys.ActiveId), Convert.ToBase64String(keys.Wrap(secret, PageKeyRing.Purpose)));
        return new EncryptedXmlInfo(sealedSecret, typeof(MasterKeyDecryptor));
    }
}

/// <summary>
/// Opens what <see cref="MasterKeyEncryptor"/> sealed. The framework makes it by its type's name, with the
/// host's services. A key sealed with a master key no longer configured cannot be opened: the framework
/// then leaves that key aside and makes a new one (those signed in with the old one sign in again).
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
