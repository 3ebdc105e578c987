using System.Text.Json;
using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Storage;

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
    public async Task Reading_a_stream_from_and_up_to_a_version()
    {
        var (id, _) = await StreamOfSeparateAppends(10);
        (await Store.ReadStreamAsync(id, new StreamReadOptions { FromVersion = 4 })).Select(e => e.Version).Should().Equal(4, 5, 6, 7, 8, 9, 10);
        (await Store.ReadStreamAsync(id, new StreamReadOptions { ToVersion = 3 })).Select(e => e.Version).Should().Equal(1, 2, 3);
        (await Store.ReadStreamAsync(id, new StreamReadOptions { FromVersion = 3, ToVersion = 5 })).Select(e => e.Version).Should().Equal(3, 4, 5);
        (await Store.ReadStreamAsync(Guid.NewGuid())).Should().BeEmpty();
    }

    [Fact]
    public async Task Several_streams_read_at_once_equal_each_read_alone_and_leave_out_archived_and_unknown_ones()
    {
        var (first, firstAlone) = await StreamOfSeparateAppends(5);
        var (second, secondAlone) = await StreamOfSeparateAppends(3);
        var archived = Guid.NewGuid();
        await Store.StartStreamAsync(archived, "counter", Increments(7));
        await using (var marten = Store.Marten.LightweightSession((await Store.FetchStreamInfoAsync(archived))!.TenantId))
        {
            marten.Events.ArchiveStream(archived);
            await marten.SaveChangesAsync();
        }

        var read = await Store.ReadStreamsAsync([second, first, archived, Guid.NewGuid()]);

        read.Keys.Should().BeEquivalentTo([first, second]);
        read[first].Should().BeEquivalentTo(firstAlone, o => o.WithStrictOrdering());
        read[second].Should().BeEquivalentTo(secondAlone, o => o.WithStrictOrdering());
        (await Store.ReadStreamsAsync([])).Should().BeEmpty();
    }

    [Fact]
    public async Task Folding_a_read_up_to_version_k_or_its_timestamp_equals_folding_the_first_k_events()
    {
        // Time travel as the use cases do it (a leader's record as of a date): read up to a bound, fold.
        var (id, all) = await StreamOfSeparateAppends(12);
        all.Select(e => e.Timestamp).Should().BeInAscendingOrder();

        async Task<(int, int)> FoldAsync(StreamReadOptions? options = null) => (await Store.ReadStreamAsync(id, options)).Aggregate((0, 0), TestEvents.Evolve);
        for (var k = 1; k <= all.Count; k++)
        {
            var expected = all.Take(k).Aggregate((0, 0), TestEvents.Evolve);
            (await FoldAsync(new StreamReadOptions { ToVersion = k })).Should().Be(expected, $"folding to version {k}");
            (await FoldAsync(new StreamReadOptions { ToTimestamp = all[k - 1].Timestamp })).Should().Be(expected, $"folding to the timestamp of version {k}");
        }
        (await FoldAsync()).Item2.Should().Be(12);
        (await FoldAsync(new StreamReadOptions { ToTimestamp = all[0].Timestamp.AddTicks(-10) })).Should().Be((0, 0), "nothing had happened before the first event");
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
        await Store.StartStreamAsync(id, "counter", Increments(1, 2));
        var kept = Guid.NewGuid();
        await Store.StartStreamAsync(kept, "counter", Increments(3));

        // Archiving is Marten's (the product archives nothing yet); the store's reads and Marten's appends honour it.
        await using (var marten = Store.Marten.LightweightSession((await Store.FetchStreamInfoAsync(id))!.TenantId))
        {
            marten.Events.ArchiveStream(id);
            await marten.SaveChangesAsync();
        }

        (await Store.ReadStreamAsync(id)).Should().BeEmpty();
        (await Store.ReadStreamAsync(id, new StreamReadOptions { IncludeArchived = true })).Should().HaveCount(2);
        (await Store.FetchStreamInfoAsync(id))!.IsArchived.Should().BeTrue();
        await FluentActions.Awaiting(() => Store.AppendAsync(id, 2, Increments(9))).Should().ThrowAsync<Exception>("Marten appends nothing to an archived stream");
        (await Store.ReadStreamAsync(id, new StreamReadOptions { IncludeArchived = true })).Should().HaveCount(2);
    }

    [Fact]
    public async Task Bulk_append_writes_new_streams_in_order_and_refuses_an_existing_one_whole()
    {
        var before = await Store.ReadLastSequenceAsync();
        var streams = Enumerable.Range(0, 50)
            .Select(i => new BulkStream(Guid.NewGuid(), "counter", Increments(i, i + 1, i + 2), new AppendMetadata { UserName = "importer", TenantId = "t1" }))
            .ToList();

        (await Store.BulkAppendAsync(streams)).Should().Be(150);

        var read = (await Task.WhenAll(streams.Select(s => Store.ReadStreamAsync(s.StreamId)))).SelectMany(e => e).ToList();
        read.Should().HaveCount(150);
        read.Select(e => e.Sequence).Should().BeInAscendingOrder("the streams are written in the order given").And.OnlyHaveUniqueItems();
        read.Min(e => e.Sequence).Should().BeGreaterThan(before);
        read.Should().OnlyContain(e => e.UserName == "importer" && e.TenantId == "t1");
        (await Store.ReadStreamAsync(streams[7].StreamId)).Select(e => e.Data).Should().Equal(new CounterIncreased(7), new CounterIncreased(8), new CounterIncreased(9));
        (await Store.FetchStreamInfoAsync(streams[7].StreamId))!.Version.Should().Be(3);

        var again = new[] { new BulkStream(Guid.NewGuid(), "counter", Increments(1)), streams[3] };
        var act = () => Store.BulkAppendAsync(again);
        (await act.Should().ThrowAsync<StreamAlreadyExistsException>()).Which.StreamId.Should().Be(streams[3].StreamId);
        (await Store.FetchStreamInfoAsync(again[0].StreamId)).Should().BeNull();
    }
}
