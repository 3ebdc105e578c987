using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;
using LeaderJourney.Storage;

namespace LeaderJourney.IntegrationTests.Storage;

/// <summary>Opens a store on the class's own database and closes it after each test.</summary>
public abstract class StoreTestBase(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    protected TestDatabase Database { get; } = database;
    protected Store Store { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Store = await Store.OpenAsync(new EventStoreOptions { ConnectionString = Database.ConnectionString }, TestEvents.Registry());

    public async Task DisposeAsync() => await Store.DisposeAsync();

    protected async Task<T> Scalar<T>(string sql, params object[] parameters)
    {
        await using var command = Store.DataSource.CreateCommand(sql.Replace("{schema}", Store.Schema));
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected static object[] Increments(params int[] values) => values.Select(v => (object)new CounterIncreased(v)).ToArray();
}
