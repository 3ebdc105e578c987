using JasperFx.Events;
using LeaderJourney.Core;
using LeaderJourney.Core.Engine;
using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Marten;
using Marten.Exceptions;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Engine;

/// <summary>What LeaderJourney's configuration of Marten promises (docs/architecture.md, "Moving onto Marten").</summary>
public sealed class MartenEngineTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string Schema = "leaderjourney";
    private NpgsqlDataSource _dataSource = null!;
    private DocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _dataSource = Database.CreateDataSource(database.ConnectionString);
        _store = MartenEngine.Create(_dataSource, Schema, TestEvents.Registry());
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _dataSource.DisposeAsync();
    }

    private async Task<StreamAction> Start(string tenant, Guid id, params object[] events)
    {
        await using var session = _store.LightweightSession(tenant);
        var action = session.Events.StartStream<TestStreams.Counter>(id, events);
        await session.SaveChangesAsync();
        return action;
    }

    private async Task<T> Scalar<T>(string sql, params object[] parameters)
    {
        await using var command = _dataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Events_are_stored_under_their_published_names_as_camelCase_json_in_a_declared_kind_of_stream()
    {
        var id = Guid.NewGuid();
        await Start("OH", id, new CounterIncreased(2), new NoteWritten("hello"));

        (await Scalar<string>($"select string_agg(type || ' ' || data::text, ' | ' order by version) from {Schema}.mt_events where stream_id = $1", id))
            .Should().Be("test.counter-increased {\"by\": 2} | test.note-written {\"text\": \"hello\"}");
        (await Scalar<string>($"select type || ' ' || tenant_id || ' ' || version from {Schema}.mt_streams where id = $1", id))
            .Should().Be("counter OH 2");
        _store.Events.AggregateAliasFor(typeof(StreamKinds.ReportIssues)).Should().Be("report_issues");
    }

    [Fact]
    public async Task An_event_type_without_a_published_name_is_refused_and_nothing_is_written()
    {
        var id = Guid.NewGuid();
        await using var session = _store.LightweightSession("OH");
        session.Events.StartStream<TestStreams.Counter>(id, new CounterIncreased(1), new Unpublished(1));

        var act = () => session.SaveChangesAsync();

        await act.Should().ThrowAsync<UnregisteredEventTypeException>();
        (await Scalar<long>($"select count(*) from {Schema}.mt_events where stream_id = $1", id)).Should().Be(0);
    }

    [Fact]
    public async Task Timestamps_are_utc_and_taken_at_the_append_whatever_the_servers_time_zone()
    {
        await using (var command = _dataSource.CreateCommand($"alter database {new NpgsqlConnectionStringBuilder(database.ConnectionString).Database} set timezone = 'America/Chicago'"))
            await command.ExecuteNonQueryAsync();
        NpgsqlConnection.ClearAllPools();
        var id = Guid.NewGuid();
        var before = DateTimeOffset.UtcNow;
        await Start("OH", id, new CounterIncreased(1));
        await using (var session = _store.LightweightSession("OH"))
        {
            session.Events.Append(id, new CounterIncreased(2));
            await session.SaveChangesAsync();
        }
        var after = DateTimeOffset.UtcNow;

        await using var read = _store.QuerySession("OH");
        var events = await read.Events.FetchStreamAsync(id);
        events.Should().HaveCount(2);
        foreach (var e in events)
        {
            e.Timestamp.Offset.Should().Be(TimeSpan.Zero);
            e.Timestamp.Should().BeOnOrAfter(before.AddSeconds(-2)).And.BeOnOrBefore(after.AddSeconds(2));
        }
    }

    [Fact]
    public async Task An_append_to_another_affiliates_stream_is_refused_and_starts_no_second_stream()
    {
        var id = Guid.NewGuid();
        await Start("OH", id, new CounterIncreased(1));

        await using var session = _store.LightweightSession("WV");
        session.Events.Append(id, new CounterIncreased(5));
        var act = () => session.SaveChangesAsync();

        await act.Should().ThrowAsync<Exception>();
        (await Scalar<long>($"select count(*) from {Schema}.mt_streams where id = $1", id)).Should().Be(1);
        (await Scalar<long>($"select count(*) from {Schema}.mt_events where stream_id = $1", id)).Should().Be(1);
    }

    [Fact]
    public async Task A_stale_expected_version_is_refused()
    {
        var id = Guid.NewGuid();
        await Start("OH", id, new CounterIncreased(1), new CounterIncreased(2));
        await using (var first = _store.LightweightSession("OH"))
        {
            first.Events.Append(id, 3, new CounterIncreased(3));
            await first.SaveChangesAsync();
        }

        await using var stale = _store.LightweightSession("OH");
        stale.Events.Append(id, 3, new CounterIncreased(4));
        var act = () => stale.SaveChangesAsync();

        await act.Should().ThrowAsync<Exception>().Where(e => e is ConcurrencyException || e is EventStreamUnexpectedMaxEventIdException);
        (await Scalar<long>($"select version from {Schema}.mt_streams where id = $1", id)).Should().Be(3);
    }

    [Fact]
    public async Task Thirty_two_concurrent_writers_to_one_stream_lose_nothing_and_never_share_a_version()
    {
        var id = Guid.NewGuid();
        await Start("OH", id, new CounterIncreased(0));

        // Each writer appends at the version it read and tries again on a conflict, as commands do.
        await Task.WhenAll(Enumerable.Range(1, 32).Select(async n =>
        {
            for (var attempt = 0; ; attempt++)
            {
                await using var session = _store.LightweightSession("OH");
                var state = await session.Events.FetchStreamStateAsync(id);
                session.Events.Append(id, state!.Version + 1, new CounterIncreased(n));
                try
                {
                    await session.SaveChangesAsync();
                    return;
                }
                catch (Exception e) when ((e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException) && attempt < 500)
                {
                }
            }
        }));

        await using var read = _store.QuerySession("OH");
        var events = await read.Events.FetchStreamAsync(id);
        events.Select(e => e.Version).Should().Equal(Enumerable.Range(1, 33).Select(v => (long)v));
        events.Skip(1).Select(e => ((CounterIncreased)e.Data).By).Should().BeEquivalentTo(Enumerable.Range(1, 32));
        (await Scalar<long>($"select count(distinct seq_id) from {Schema}.mt_events where stream_id = $1", id)).Should().Be(33);
    }

    [Fact]
    public void Every_event_type_LeaderJourney_publishes_is_mapped_to_its_published_name()
    {
        var types = EventTypes.CreateRegistry();
        using var store = MartenEngine.Create(_dataSource, Schema, types);

        foreach (var name in types.Names)
            store.Events.EventMappingFor(types.TypeOfName(name)!).EventTypeName.Should().Be(name);
    }

    private sealed record Unpublished(int Value);
}
