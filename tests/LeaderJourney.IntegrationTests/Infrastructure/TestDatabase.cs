using Npgsql;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database for one test class, dropped afterwards, so classes run in parallel
/// and leave nothing behind, on the server <see cref="TestServer"/> chose (its role needs CREATEDB).
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private readonly List<string> _created = [];

    /// <summary>The class's own database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await CreateDatabaseAsync();

    /// <summary>Another empty database, dropped with this one (for tests that need a database of their own).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"lj_test_{Guid.NewGuid():N}";
        var server = await TestServer.AdminConnectionStringAsync();
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"create database {name}", admin);
            await command.ExecuteNonQueryAsync();
        }
        lock (_created) _created.Add(name);
        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(await TestServer.AdminConnectionStringAsync());
        await admin.OpenAsync();
        foreach (var name in _created)
        {
            try
            {
                await using var command = new NpgsqlCommand($"drop database if exists {name} with (force)", admin);
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // FORCE may not terminate an autovacuum worker (it runs as the superuser); a plain drop
                // cancels autovacuum itself, and the test's own connections are gone by now.
                await using var command = new NpgsqlCommand($"drop database if exists {name}", admin);
                await command.ExecuteNonQueryAsync();
            }
        }
    }
}
