using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Storage;

public sealed class OpeningTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Eight_stores_opening_at_once_on_an_empty_database_all_come_up_and_migrate_once()
    {
        var connectionString = await database.CreateDatabaseAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Store.OpenAsync(new EventStoreOptions { ConnectionString = connectionString, Schema = "journey" }, TestEvents.Registry()))));

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("select count(*) from journey.schema_migrations where component = 'eventstore'");
        ((long)(await command.ExecuteScalarAsync())!).Should().Be(4, "four migrations, each applied once");
        foreach (var store in stores)
        {
            (await store.StartStreamAsync(Guid.NewGuid(), "counter", [new CounterIncreased(1)])).Version.Should().Be(1);
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Opening_again_migrates_nothing_and_keeps_the_data()
    {
        var options = new EventStoreOptions { ConnectionString = database.ConnectionString, Schema = "again" };
        var id = Guid.NewGuid();
        await using (var first = await Store.OpenAsync(options, TestEvents.Registry()))
            await first.StartStreamAsync(id, "counter", [new CounterIncreased(1)]);
        await using var second = await Store.OpenAsync(options, TestEvents.Registry());
        (await second.ReadStreamAsync(id)).Should().ContainSingle();
        (await SchemaMigrator.CurrentVersionAsync(second.DataSource, "again", "eventstore")).Should().Be(4);

        // The store's own indexes on Marten's tables survive Marten's schema migration, and a stream read
        // by id alone (the affiliate leads Marten's keys) can use one instead of scanning every event
        // (sequential scans are switched off so that a tiny table does not hide which index exists).
        var lines = new List<string>();
        await using var connection = await second.DataSource.OpenConnectionAsync();
        await using (var noSeqScan = new NpgsqlCommand("set enable_seqscan = off", connection)) await noSeqScan.ExecuteNonQueryAsync();
        await using (var explain = new NpgsqlCommand("explain select seq_id from again.mt_events where stream_id = $1 and version >= 1 order by version", connection))
        {
            explain.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        }
        await using (var reset = new NpgsqlCommand("reset enable_seqscan", connection)) await reset.ExecuteNonQueryAsync();
        string.Join("\n", lines).Should().Contain("mt_events_stream_id_version");
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=notaport", "The database connection string is not valid")]
    [InlineData("this is not a connection string", "The database connection string is not valid")]
    [InlineData("Database=x;Username=y", "names no Host")]
    public async Task A_malformed_connection_string_is_a_one_line_message(string connectionString, string expected)
    {
        var act = () => Store.OpenAsync(new EventStoreOptions { ConnectionString = connectionString }, TestEvents.Registry());
        var error = (await act.Should().ThrowAsync<EventStoreUnavailableException>()).Which;
        error.Message.Should().Contain(expected).And.NotContain("\n");
    }

    [Fact]
    public async Task A_server_that_is_down_is_a_one_line_message()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var act = () => Store.OpenAsync(new EventStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=3" }, TestEvents.Registry());
        var error = (await act.Should().ThrowAsync<EventStoreUnavailableException>()).Which;
        error.Message.Should().StartWith("PostgreSQL at 127.0.0.1:1").And.Contain("is the server running?").And.NotContain("\n");
    }

    [Fact]
    public async Task Wrong_credentials_and_a_missing_database_are_one_line_messages()
    {
        var csb = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var wrongPassword = new NpgsqlConnectionStringBuilder(csb.ConnectionString) { Password = "wrong-" + Guid.NewGuid() }.ConnectionString;
        var missing = new NpgsqlConnectionStringBuilder(csb.ConnectionString) { Database = "lj_missing_" + Guid.NewGuid().ToString("N") }.ConnectionString;

        var auth = (await FluentActions.Awaiting(() => Store.OpenAsync(new EventStoreOptions { ConnectionString = wrongPassword }, TestEvents.Registry()))
            .Should().ThrowAsync<EventStoreUnavailableException>()).Which;
        auth.Message.Should().Contain("refused the sign-in").And.NotContain("\n");

        var none = (await FluentActions.Awaiting(() => Store.OpenAsync(new EventStoreOptions { ConnectionString = missing }, TestEvents.Registry()))
            .Should().ThrowAsync<EventStoreUnavailableException>()).Which;
        none.Message.Should().Contain("has no such database").And.NotContain("\n");
    }

    [Fact]
    public async Task A_schema_name_that_is_not_a_plain_identifier_is_refused()
    {
        var act = () => Store.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString, Schema = "x; drop table y" }, TestEvents.Registry());
        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*Schema name*");
    }
}
