using LeaderJourney.Storage;
using Microsoft.Extensions.Configuration;

namespace LeaderJourney.Core.Hosting;

/// <summary>Where the web host and the command line find their database (API.md, Configuration).</summary>
public sealed record DatabaseSettings(string ConnectionString, string Schema)
{
    public const string EnvironmentVariable = "LEADERJOURNEY_DB";
    public const string ConnectionStringName = "LeaderJourney";
    public const string SchemaKey = "LeaderJourney:Schema";

    /// <summary>LEADERJOURNEY_DB first, then ConnectionStrings:LeaderJourney; the schema from LeaderJourney:Schema.</summary>
    public static DatabaseSettings From(IConfiguration configuration)
    {
        var connectionString = configuration[EnvironmentVariable] is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new EventStoreUnavailableException(
                $"No database is configured: set {EnvironmentVariable} to an Npgsql connection string (or ConnectionStrings:{ConnectionStringName} in the settings), or start with ./run.sh.");
        var schema = configuration[SchemaKey] is { Length: > 0 } configured ? configured : EventStoreOptions.DefaultSchema;
        try
        {
            SchemaName.Validate(schema);
        }
        catch (ArgumentException e)
        {
            throw new EventStoreUnavailableException($"{SchemaKey}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
        return new DatabaseSettings(connectionString, schema);
    }
}
