using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Infrastructure;

public static class ReadModelDump
{
    /// <summary>Every row of every active table of a projection, as sorted text: two equal dumps are equal read models.</summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> DumpAsync(ProjectionRuntime runtime, NpgsqlDataSource dataSource, string projection, params string[] tables)
    {
        var dump = new Dictionary<string, string[]>();
        foreach (var table in tables)
        {
            var name = await runtime.ActiveTableAsync(projection, table) ?? throw new InvalidOperationException($"{projection} has no active generation.");
            await using var command = dataSource.CreateCommand($"select t::text from {name} t");
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            dump[table] = rows.Order(StringComparer.Ordinal).ToArray();
        }
        return dump;
    }
}
