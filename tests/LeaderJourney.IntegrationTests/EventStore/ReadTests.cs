using System.Text.Json;
using LeaderJourney.EventStore;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.IntegrationTests.EventStore;

public sealed class ReadTests(TestDatabase database) : StoreTestBase(database)
{
    private async Task<(Guid Id, IReadOnlyList<StoredEvent> Events)> StreamOfSeparateAppends(int count)
    {
        var id = Guid.NewGuid();
        await Store.StartStreamAsync(id, "counter", Increments(1));
        for (var v = 1; v < count; v++)
            await Store.AppendAsync(id, v, [v % 4 == 3 ? new CounterReset("quarterly") : new CounterIncreased(v + 1)]);
        return (id, await Store.ReadStreamAsync(id));
    }

    [Fact]
    public async Task A_read_all_filtered_by_type_keeps_every_event_in_its_place_but_reads_only_the_asked_types()
    {
        var stream = Guid.NewGuid();
        await Store.StartStreamAsync(stream, "counter", [new CounterIncreased(1), new CounterReset("why"), new CounterIncreased(2)]);
        var head = await Store.ReadLastSequenceAsync();

        var all = new List<StoredEvent>();
        await foreach (var e in Store.ReadAllForwardAsync(0)) all.Add(e);
        var filtered = await Store.ReadAllAsync(0, 10_000, types: new HashSet<string> { "test.counter-reset" });

        filtered.Position.Should().Be(head);
        filtered.Events.Select(e => e.Sequence).Should().Equal(all.Select(e => e.Sequence), "every event keeps its place");
        var mine = filtered.Events.Where(e => e.StreamId == stream).ToList();
        mine.Select(e => e.Version).Should().Equal(1, 2, 3);
        mine.Select(e => e.Data).Should().Equal(SkippedEventData.Instance, new CounterReset("why"), SkippedEventData.Instance);
        mine[0].TypeName.Should().Be("test.counter-increased");
    }

    [Fact]
    public async Task Reading_a_stream_from_and_up_to_a_version()
    {
        var (id, _) = await StreamOfSeparateAppends(10);
        (await Store.ReadStreamAsync(id, new StreamReadOptions { FromVersion = 4 })).Select(e => e.Version).Should().Equal(4, 5, 6, 7, 8, 9, 10);
        (await Store.ReadStreamAsync(id, new StreamReadOptions { ToVersion = 3 })).Select(e => e.Version).Should().Equal(1, 2, 3);
        (await Store.ReadStreamAsync(id, new StreamReadOptions { FromVersion = 3, ToVersion = 5 })).Select(e => e.Version).Should().Equal(3, 4, 5);
        (await Store.ReadStreamAsync(Guid.NewGuid())).Should().BeEmpty();
    }

    [Fact]
    public async Task Folding_up_to_version_k_or_its_timestamp_equals_folding_the_first_k_events()
    {
        var (id, all) = await StreamOfSeparateAppends(12);
        all.Select(e => e.Timestamp).Should().BeInAscendingOrder();

        for (var k = 1; k <= all.Count; k++)
        {
            var expected = all.Take(k).Aggregate((0, 0), TestEvents.Evolve);
            var byVersion = await Store.AggregateStreamAsync(id, (0, 0), TestEvents.Evolve, new StreamReadOptions { ToVersion = k });
            var byTime = await Store.AggregateStreamAsync(id, (0, 0), TestEvents.Evolve, new StreamReadOptions { ToTimestamp = all[k - 1].Timestamp });
            byVersion.Should().Be(expected, $"folding to version {k}");
            byTime.Should().Be(expected, $"folding to the timestamp of version {k}");
        }
        (await Store.AggregateStreamAsync(id, (Total: 0, Events: 0), TestEvents.Evolve)).Events.Should().Be(12);
        (await Store.AggregateStreamAsync(id, (0, 0), TestEvents.Evolve, new StreamReadOptions { ToTimestamp = all[0].Timestamp.AddTicks(-10) }))
            .Should().Be((0, 0), "nothing had happened before the first event");
    }

    [Fact]
    public async Task An_unknown_type_name_on_read_is_a_clear_one_line_error()
    {
        var id = Guid.NewGuid();
        await Store.StartStreamAsync(id, "counter", [new NoteWritten("from an older release")]);
        await using var narrower = await Store.OpenAsync(Store.DataSource, Store.Schema, new EventTypeRegistry().Register<CounterIncreased>("test.counter-increased"));

        var act = () => narrower.ReadStreamAsync(id);

        var error = (await act.Should().ThrowAsync<UnknownEventTypeException>()).Which;
        error.TypeName.Should().Be("test.note-written");
        error.Message.Should().Contain("'test.note-written'").And.Contain(id.ToString()).And.NotContain("\n");
    }

    public sealed record NoteWrittenV2(string Text, string Language);

    [Fact]
    public async Task An_upcaster_reads_an_old_shape_as_the_new_record()
    {
        var id = Guid.NewGuid();
        await Store.StartStreamAsync(id, "notes", [new NoteWritten("bonjour")]);
        var registry = new EventTypeRegistry()
            .Register<NoteWrittenV2>("test.note-written.v2")
            .AddUpcaster("test.note-written", json => new NoteWrittenV2(json.GetProperty("text").GetString()!, "und"));
        await using var upgraded = await Store.OpenAsync(Store.DataSource, Store.Schema, registry);

        var events = await upgraded.ReadStreamAsync(id);

        events.Single().Data.Should().Be(new NoteWrittenV2("bonjour", "und"));
        events.Single().TypeName.Should().Be("test.note-written");
    }

    [Fact]
    public async Task An_archived_stream_is_kept_but_left_out_of_normal_reads_and_takes_no_appends()
    {
        var id = Guid.NewGuid();
        var before = await Store.ReadLastSequenceAsync();
        await Store.StartStreamAsync(id, "counter", Increments(1, 2));
        var kept = Guid.NewGuid();
        await Store.StartStreamAsync(kept, "counter", Increments(3));

        await Store.ArchiveStreamAsync(id);

        (await Store.ReadStreamAsync(id)).Should().BeEmpty();
        (await Store.ReadStreamAsync(id, new StreamReadOptions { IncludeArchived = true })).Should().HaveCount(2);
        (await Store.FetchStreamInfoAsync(id))!.IsArchived.Should().BeTrue();
        var all = await Store.ReadAllAsync(before);
        all.Events.Select(e => e.StreamId).Should().Equal(kept);
        all.Position.Should().Be(await Store.ReadLastSequenceAsync());
        await FluentActions.Awaiting(() => Store.AppendAsync(id, 2, Increments(9))).Should().ThrowAsync<StreamArchivedException>();
        await FluentActions.Awaiting(() => Store.ArchiveStreamAsync(Guid.NewGuid())).Should().ThrowAsync<StreamNotFoundException>();
    }

    [Fact]
    public async Task Bulk_append_writes_new_streams_in_order_and_refuses_an_existing_one_whole()
    {
        var before = await Store.ReadLastSequenceAsync();
        var streams = Enumerable.Range(0, 50)
            .Select(i => new BulkStream(Guid.NewGuid(), "counter", Increments(i, i + 1, i + 2), new AppendMetadata { UserName = "importer", TenantId = "t1" }))
            .ToList();

        (await Store.BulkAppendAsync(streams)).Should().Be(150);

        var read = await Store.ReadAllAsync(before, 1000);
        read.Events.Should().HaveCount(150);
        read.Events.Select(e => e.Sequence).Should().BeInAscendingOrder();
        read.Events.Should().OnlyContain(e => e.UserName == "importer" && e.TenantId == "t1");
        (await Store.ReadStreamAsync(streams[7].StreamId)).Select(e => e.Data).Should().Equal(new CounterIncreased(7), new CounterIncreased(8), new CounterIncreased(9));
        (await Store.FetchStreamInfoAsync(streams[7].StreamId))!.Version.Should().Be(3);

        var again = new[] { new BulkStream(Guid.NewGuid(), "counter", Increments(1)), streams[3] };
        var act = () => Store.BulkAppendAsync(again);
        (await act.Should().ThrowAsync<StreamAlreadyExistsException>()).Which.StreamId.Should().Be(streams[3].StreamId);
        (await Store.FetchStreamInfoAsync(again[0].StreamId)).Should().BeNull();
    }

    [Fact]
    public async Task Read_all_in_batches_returns_everything_after_a_position_once_and_in_order()
    {
        var before = await Store.ReadLastSequenceAsync();
        for (var i = 0; i < 7; i++) await Store.StartStreamAsync(Guid.NewGuid(), "counter", Increments(1, 2, 3));

        var read = new List<StoredEvent>();
        await foreach (var e in Store.ReadAllForwardAsync(before, batchSize: 4)) read.Add(e);

        read.Should().HaveCount(21);
        read.Select(e => e.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        read[0].Sequence.Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task Read_all_waits_at_a_hole_an_open_transaction_may_fill_and_steps_over_a_rolled_back_one()
    {
        var before = await Store.ReadLastSequenceAsync();
        var slow = Guid.NewGuid();
        await using var open = await Store.BeginSessionAsync();
        await open.StartStreamAsync(slow, "counter", Increments(1));      // holds before + 1, not yet committed
        await Store.StartStreamAsync(Guid.NewGuid(), "counter", Increments(2)); // before + 2, committed

        var waiting = await Store.ReadAllAsync(before);
        waiting.Events.Should().BeEmpty("the hole at {0} may still be filled", before + 1);
        waiting.Position.Should().Be(before);

        await open.CommitAsync();
        var filled = await Store.ReadAllAsync(before);
        filled.Events.Select(e => e.Sequence).Should().Equal(before + 1, before + 2);

        await using (var rolledBack = await Store.BeginSessionAsync())
            await rolledBack.StartStreamAsync(Guid.NewGuid(), "counter", Increments(3));      // before + 3, rolled back
        await Store.StartStreamAsync(Guid.NewGuid(), "counter", Increments(4));              // before + 4

        var stepped = await Store.ReadAllAsync(before + 2);
        stepped.Events.Select(e => e.Sequence).Should().Equal(before + 4);
        (await Scalar<long>("select count(*) from {schema}.event_gap_skips where from_seq = $1 and to_seq = $1", before + 3)).Should().Be(1);
    }

    [Fact]
    public async Task Read_all_while_writers_commit_returns_every_committed_event_after_the_position_exactly_once()
    {
        await Store.StartStreamAsync(Guid.NewGuid(), "counter", Increments(1));
        var start = await Store.ReadLastSequenceAsync();
        using var writing = new CancellationTokenSource();

        // Writers commit out of sequence order: sessions hold their numbers open for a while, and some roll back.
        async Task Writer(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 40; i++)
            {
                await using var session = await Store.BeginSessionAsync();
                await session.StartStreamAsync(Guid.NewGuid(), "counter", Increments(Enumerable.Range(0, random.Next(1, 4)).ToArray()));
                await Task.Delay(random.Next(0, 5));
                if (random.Next(10) > 0) await session.CommitAsync();
            }
        }

        var writers = Task.WhenAll(Enumerable.Range(0, 8).Select(s => Task.Run(() => Writer(s))));
        var seen = new List<long>();
        var position = start;
        while (true)
        {
            var finished = writers.IsCompleted;
            var batch = await Store.ReadAllAsync(position, 50);
            seen.AddRange(batch.Events.Select(e => e.Sequence));
            position = batch.Position;
            if (finished && batch.Events.Count == 0 && position >= await Store.ReadLastSequenceAsync()) break;
        }
        await writers;

        await using var command = Store.DataSource.CreateCommand($"select seq_id from {Store.Schema}.mt_events where seq_id > $1 order by seq_id");
        command.Parameters.Add(new NpgsqlParameter { Value = start });
        var committed = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) committed.Add(reader.GetInt64(0));

        committed.Should().NotBeEmpty();
        seen.Should().Equal(committed);
        // About one session in ten rolled back: the reader must have stepped over those holes, not stalled.
        (await Scalar<long>("select count(*) from {schema}.event_gap_skips where from_seq > $1", start)).Should().BePositive();
    }
}
