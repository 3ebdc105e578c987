using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Storage.PersonalData;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace LeaderJourney.Bench;

/// <summary>The user directory, for setting up a benchmark's affiliate and users (no host needed).</summary>
internal static class BenchDirectory
{
    public static AccessDirectory Open(NpgsqlDataSource dataSource, string schema) =>
        new(dataSource, schema, TimeProvider.System, new RequestHashes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            new SignInLimits(new ConfigurationBuilder().Build()));
}

/// <summary>The web host in a process of its own on the bench's schema, with an affiliate and a signed-in admin of it.</summary>
internal sealed class BenchSite : IAsyncDisposable
{
    private BenchSite(WebHostProcess host, NpgsqlDataSource dataSource, AccessDirectory directory, HttpClient admin) =>
        (Host, DataSource, Directory, Admin) = (host, dataSource, directory, admin);

    public WebHostProcess Host { get; }
    public NpgsqlDataSource DataSource { get; }
    public AccessDirectory Directory { get; }
    public HttpClient Admin { get; }

    public static async Task<BenchSite> StartAsync(string connectionString, string schema, int port, string affiliate, string adminName, CancellationToken ct)
    {
        var host = await WebHostProcess.StartAsync(connectionString, ct, port: port, schema: schema);
        var dataSource = LeaderJourney.Storage.Database.CreateDataSource(connectionString);
        try
        {
            var directory = BenchDirectory.Open(dataSource, schema);
            await directory.CreateAffiliateAsync(affiliate, $"{affiliate} bench affiliate", ct);
            await directory.CreateUserAsync(adminName, "bench-password-1", Roles.AffiliateAdmin, affiliate, null, null, ct);
            return new BenchSite(host, dataSource, directory, await HttpSignOffBench.SignedIn(host.BaseUrl, adminName));
        }
        catch
        {
            // A failed setup would otherwise leave the host process running after the bench exits.
            await dataSource.DisposeAsync();
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await DataSource.DisposeAsync();
        await Host.DisposeAsync();
    }
}
