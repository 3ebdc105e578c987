using DotNet.Testcontainers.Builders;
using Testcontainers.PostgreSql;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>
/// The PostgreSQL server the test databases are made on, chosen once per test run:
/// LEADERJOURNEY_TEST_DB when set; else a Testcontainers PostgreSQL 15 where a Docker engine answers;
/// else the local server that test.sh installs and starts (no Docker engine runs on the project's
/// own machines). The choice is logged to stderr and to <see cref="LogFile"/>, which test.sh prints.
/// </summary>
public static class TestServer
{
    public const string LocalDefault = "Host=127.0.0.1;Port=5432;Database=leaderjourney_test;Username=leaderjourney;Password=leaderjourney";

    public static string LogFile => Path.Combine(AppContext.BaseDirectory, "test-database.txt");

    private static readonly Lazy<Task<string>> Chosen = new(ChooseAsync);

    /// <summary>A connection string whose role may create databases.</summary>
    public static Task<string> AdminConnectionStringAsync() => Chosen.Value;

    private static async Task<string> ChooseAsync()
    {
        if (Environment.GetEnvironmentVariable("LEADERJOURNEY_TEST_DB") is { Length: > 0 } given)
            return Log(given, "LEADERJOURNEY_TEST_DB");
        try
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            // Testcontainers' reaper removes the container when the test process ends.
            return Log(container.GetConnectionString(), "a Testcontainers PostgreSQL 15 container");
        }
        catch (DockerUnavailableException)
        {
            return Log(LocalDefault, "the local server (no Docker engine answers)");
        }
    }

    private static string Log(string connectionString, string source)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var line = $"test database server: {source}, {builder.Host}:{builder.Port} as {builder.Username}";
        Console.Error.WriteLine(line);
        File.WriteAllText(LogFile, line + Environment.NewLine);
        return connectionString;
    }
}
