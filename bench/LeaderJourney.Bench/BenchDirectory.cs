using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.EventStore.PersonalData;
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
