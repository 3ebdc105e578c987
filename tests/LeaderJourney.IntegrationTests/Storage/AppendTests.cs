using JasperFx.Events;
using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Marten.Exceptions;

namespace LeaderJourney.IntegrationTests.Storage;

/// <summary>
/// Appends as the product's handlers make them, through Marten's session API on the store's Marten
/// configuration (its stream kinds, published names, tenancy, sealing): what Marten writes, and what it
/// refuses, as Marten refuses it.
/// </summary>
public sealed class AppendTests(TestDatabase database) : StoreTestBase(database)
{
    /// <summary>The exception of type <typeparamref name="T"/> a refused write threw, or that it wraps.</summary>
    private static async Task<T> Refusal<T>(Func<Task> write) where T : Exception
    {
        var thrown = (await FluentActions.Awaiting(write).Should().ThrowAsync<Exception>()).Which;
        for (var e = (Exception?)thrown; e is not null; e = e.InnerException)
            if (e is T found) return found;
        throw new Xunit.Sdk.XunitException($"Expected {typeof(T).Name}, got {thrown}");
    }

    [Fact]
    public async Task Starting_a_stream_writes_its_events_with_versions_and_metadata()
    {
        var id = Guid.NewGuid();
        var metadata = new AppendMetadata
        {
            TenantId = "affiliate-7", CorrelationId = "corr-1", CausationId = "cause-1", UserName = "user-42",
            Headers = new Dictionary<string, string> { ["source"] = "test" },
        };

        var result = await Store.StartStreamAsync(id, "counter", [new CounterIncreased(2), new NoteWritten("hello")], metadata);

        result.Version.Should().Be(2);
        result.LastSequence.Should().Be(result.FirstSequence + 1);
        var events = await Store.ReadStreamAsync(id);
        events.Select(e => e.Version).Should().Equal(1, 2);
        events.Select(e => e.TypeName).Should().Equal("test.counter-increased", "test.note-written");
        events[0].Data.Should().Be(new CounterIncreased(2));
        events[1].Data.Should().Be(new NoteWritten("hello"));
        events.Should().AllSatisfy(e =>
        {
            e.StreamId.Should().Be(id);
            e.TenantId.Should().Be("affiliate-7");
            e.CorrelationId.Should().Be("corr-1");
            e.CausationId.Should().Be("cause-1");
            e.UserName.Should().Be("user-42");
            e.Headers.Should().Equal(new Dictionary<string, string> { ["source"] = "test" });
            e.Timestamp.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        });
        var info = await Store.FetchStreamInfoAsync(id);
        info!.Type.Should().Be("counter");
        info.Version.Should().Be(2);
        info.TenantId.Should().Be("affiliate-7");
    }

    [Fact]
    public async Task Starting_an_existing_stream_fails_and_changes_nothing()
    {
        var id = Guid.NewGuid();
        await Store.StartStreamAsync(id, "counter", Increments(1));

        var refused = await Refusal<Marten.Exceptions.ExistingStreamIdCollisionException>(() => Store.StartStreamAsync(id, "counter", Increments(5)));

        refused.Id.Should().Be(id);
        (await Store.ReadStreamAsync(id)).Should().ContainSingle();
    }

    [Fact]
    public async Task Starting_a_stream_under_an_id_another_affiliate_holds_fails_and_starts_no_second_stream()
    {
        var id = Guid.NewGuid();
        await Store.StartStreamAsync(id, "counter", Increments(1), new AppendMetadata { TenantId = "OH" });

        // Marten's key is (affiliate, id): the store's unique index on the id refuses the second stream.
        var refused = await Refusal<Marten.Exceptions.ExistingStreamIdCollisionException>(
            () => Store.StartStreamAsync(id, "notes", [new NoteWritten("mine now")], new AppendMetadata { TenantId = "WV" }));

        refused.Id.Should().Be(id);
        (await Scalar<long>("select count(*) from {schema}.mt_streams where id = $1", id)).Should().Be(1);
        var stream = await Store.FetchStreamInfoAsync(id);
        (stream!.TenantId, stream.Type, stream.Version).Should().Be(("OH", "counter", 1L));
    }

    [Fact]
    public async Task Starting_a_stream_of_a_kind_never_registered_is_refused_before_anything_is_written()
    {
        var id = Guid.NewGuid();

        var act = () => Store.StartStreamAsync(id, "gossip", Increments(1));

        (await act.Should().ThrowAsync<UnregisteredStreamKindException>()).Which.Message.Should().Contain("'gossip'");
        (await Store.FetchStreamInfoAsync(id)).Should().BeNull();
    }

    [Fact]
    public async Task A_session_starting_a_stream_of_no_declared_kind_is_refused_whole_before_anything_is_written()
    {
        var undeclared = Guid.NewGuid();
        var declared = Guid.NewGuid();
        var before = await Store.ReadLastSequenceAsync();

        // As a handler would that fetched a new stream as some fold's type and never declared its kind:
        // Marten alone would store the stream under that type's alias.
        await using (var session = Store.OpenWriteSession(AppendMetadata.DefaultTenant))
        {
            Store.StartStream(session, declared, "counter", Increments(1));
            session.Events.StartStream<CounterIncreased>(undeclared, new CounterIncreased(2));
            (await FluentActions.Awaiting(() => session.SaveChangesAsync()).Should().ThrowAsync<UnregisteredStreamKindException>())
                .Which.Message.Should().Contain("'counter_increased'");
        }
        await using (var session = Store.OpenWriteSession(AppendMetadata.DefaultTenant))
            FluentActions.Invoking(() => session.Events.StartStream(undeclared, new CounterIncreased(3))).Should().Throw<StreamTypeMissingException>("Marten is told to refuse a stream of no type");

        (await Store.FetchStreamInfoAsync(undeclared)).Should().BeNull();
        (await Store.FetchStreamInfoAsync(declared)).Should().BeNull();
        (await Store.ReadLastSequenceAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Append_at_the_wrong_version_names_the_stream_and_both_versions()
    {
        var id = Guid.NewGuid();
        await Store.StartStreamAsync(id, "counter", Increments(1, 2, 3));
        var before = await Store.ReadLastSequenceAsync();

        var conflict = await Refusal<EventStreamUnexpectedMaxEventIdException>(() => Store.AppendAsync(id, 2, Increments(4)));

        conflict.Id.Should().Be(id);
        (await Store.FetchStreamInfoAsync(id))!.Version.Should().Be(3);
        // The version is checked before a sequence number is drawn: the loser leaves no hole.
        (await Scalar<long>("select last_value from {schema}.mt_events_sequence")).Should().Be(before);
    }

    [Fact]
    public async Task Append_at_the_right_version_continues_the_stream()
    {
        var id = Guid.NewGuid();
        await Store.StartStreamAsync(id, "counter", Increments(1));
        var result = await Store.AppendAsync(id, 1, Increments(2, 3));
        result.Version.Should().Be(3);
        var events = await Store.ReadStreamAsync(id);
        events.Select(e => ((CounterIncreased)e.Data).By).Should().Equal(1, 2, 3);
        events.Select(e => e.Sequence).Should().BeInAscendingOrder("global order follows stream order within an append");
        result.FirstSequence.Should().Be(events[1].Sequence);
        result.LastSequence.Should().Be(events[2].Sequence);
    }

    [Fact]
    public async Task Appending_to_a_missing_stream_says_so()
    {
        var id = Guid.NewGuid();
        (await Refusal<EventStreamUnexpectedMaxEventIdException>(() => Store.AppendAsync(id, 1, Increments(1)))).Id.Should().Be(id);
        (await Store.FetchStreamInfoAsync(id)).Should().BeNull();
    }

    [Fact]
    public async Task An_unregistered_event_type_is_refused_before_anything_is_written()
    {
        var id = Guid.NewGuid();
        var act = () => Store.StartStreamAsync(id, "counter", [new { Anonymous = true }]);
        await act.Should().ThrowAsync<UnregisteredEventTypeException>();
        (await Store.FetchStreamInfoAsync(id)).Should().BeNull();
    }

    [Fact]
    public async Task An_append_that_fails_midway_leaves_no_event_and_no_stream()
    {
        var id = Guid.NewGuid();
        var before = await Scalar<long>("select count(*) from {schema}.mt_events where type <> 'tombstone'");

        // The second event holds a NUL character: JSON allows it, PostgreSQL's jsonb does not, so the
        // database fails the insert after the stream row and the first event were written. (Marten then
        // writes a tombstone for the sequence numbers the failed append drew; its daemon passes over it.)
        var act = () => Store.StartStreamAsync(id, "counter", [new CounterIncreased(1), new NoteWritten("bad\u0000text")]);

        // The product's handlers tell their callers this as a 400 (Store.AsRejectedData, StreamCommandBus).
        var rejected = LeaderJourney.Storage.Store.AsRejectedData((await act.Should().ThrowAsync<Exception>()).Which);
        rejected.Should().NotBeNull();
        rejected!.Message.Should().NotContain("\n");
        (await Store.FetchStreamInfoAsync(id)).Should().BeNull();
        (await Scalar<long>("select count(*) from {schema}.mt_events where type <> 'tombstone'")).Should().Be(before);

        // Marten writes its tombstone for the drawn numbers on its own, in a stream of its own with one
        // fixed id and a row per tenant: a failure in a second affiliate gets its tombstone too (the
        // store's index keeping a stream id to one affiliate once refused that row, and Marten's writer
        // tried it again without end).
        var elsewhere = Guid.NewGuid();
        var elsewhereAct = () => Store.StartStreamAsync(elsewhere, "counter", [new CounterIncreased(1), new NoteWritten("bad\u0000text")], new AppendMetadata { TenantId = "TB" });
        await elsewhereAct.Should().ThrowAsync<Exception>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        string[] tenants = [AppendMetadata.DefaultTenant, "TB"];
        while (await Scalar<long>("select count(distinct tenant_id) from {schema}.mt_events where type = 'tombstone' and tenant_id = any($1)", (object)tenants) < 2)
        {
            waited.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "Marten writes a tombstone for a failed append's sequence numbers, in each affiliate");
            await Task.Delay(50);
        }
        (await Scalar<long>("select count(*) from {schema}.mt_streams where id = $1 and tenant_id = any($2)", JasperFx.Events.Tombstone.StreamId, tenants))
            .Should().Be(2, "one tombstone stream row per affiliate");
        // Each process draws its own tombstone stream id, which no index made ahead could know: the rows
        // the index lets stand in several affiliates are those without a stream type, as Marten's are.
        var anotherProcesses = Guid.NewGuid();
        foreach (var tenant in new[] { "TC", "TD" })
            await Scalar<int>("insert into {schema}.mt_streams (id, tenant_id, version, is_archived) values ($1, $2, 0, false) returning 1", anotherProcesses, tenant);
        var typed = Guid.NewGuid();
        await Scalar<int>("insert into {schema}.mt_streams (id, tenant_id, type, version, is_archived) values ($1, 'TC', 'counter', 0, false) returning 1", typed);
        var twice = () => Scalar<int>("insert into {schema}.mt_streams (id, tenant_id, type, version, is_archived) values ($1, 'TD', 'counter', 0, false) returning 1", typed);
        (await twice.Should().ThrowAsync<Npgsql.PostgresException>()).Which.SqlState.Should().Be(Npgsql.PostgresErrorCodes.UniqueViolation, "a stream of ours is one stream across affiliates");
        var next = Guid.NewGuid();
        await Store.StartStreamAsync(next, "counter", [new CounterIncreased(2)]);
        (await Store.ReadStreamAsync(next)).Single().Data.Should().Be(new CounterIncreased(2));
        (await Store.ReadStreamAsync(id, new StreamReadOptions { IncludeArchived = true })).Should().BeEmpty("the tombstone belongs to no stream of ours");
    }

    [Fact]
    public async Task A_session_that_fails_in_its_second_append_rolls_back_the_first()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        await Store.StartStreamAsync(second, "counter", Increments(1));

        await using (var session = Store.OpenWriteSession(AppendMetadata.DefaultTenant))
        {
            Store.StartStream(session, first, "counter", Increments(1, 2));
            session.Append(second, 7, Increments(3));
            (await Refusal<EventStreamUnexpectedMaxEventIdException>(() => session.SaveChangesAsync())).Id.Should().Be(second);
        }

        (await Store.FetchStreamInfoAsync(first)).Should().BeNull();
        (await Store.ReadStreamAsync(first)).Should().BeEmpty();
        (await Store.ReadStreamAsync(second)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_committed_session_writes_all_its_streams()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var c = Guid.NewGuid();
        await Store.StartStreamAsync(c, "counter", Increments(1));
        await using (var session = Store.OpenWriteSession(AppendMetadata.DefaultTenant))
        {
            Store.StartStream(session, a, "counter", Increments(1, 2));
            Store.StartStream(session, b, "counter", Increments(2));
            session.Append(c, 1, Increments(3));
            await session.SaveChangesAsync();
        }
        (await Store.ReadStreamAsync(a)).Should().HaveCount(2);
        (await Store.ReadStreamAsync(b)).Should().HaveCount(1);
        (await Store.ReadStreamAsync(c)).Select(e => e.Version).Should().Equal(1, 2);
    }

    [Fact]
    public async Task Thirty_two_writers_on_one_stream_each_version_once_losers_get_the_conflict_and_no_hole()
    {
        var id = Guid.NewGuid();
        await Store.StartStreamAsync(id, "counter", Increments(0));
        var firstSequence = (await Store.ReadStreamAsync(id))[0].Sequence;
        const int writers = 32, appendsEach = 5;
        var conflicts = 0;

        async Task Writer(int writer)
        {
            for (var done = 0; done < appendsEach;)
            {
                var version = (await Store.FetchStreamInfoAsync(id))!.Version;
                try
                {
                    await Store.AppendAsync(id, version, Increments(writer));
                    done++;
                }
                catch (EventStreamUnexpectedMaxEventIdException e)
                {
                    e.Id.Should().Be(id);
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => Writer(w))));

        var events = await Store.ReadStreamAsync(id);
        const int total = writers * appendsEach + 1;
        events.Select(e => e.Version).Should().Equal(Enumerable.Range(1, total).Select(v => (long)v));
        events.Skip(1).GroupBy(e => ((CounterIncreased)e.Data).By).Should().HaveCount(writers).And.OnlyContain(g => g.Count() == appendsEach);
        conflicts.Should().BePositive("32 writers racing on one stream must collide");
        // Only this test writes to this stream's range: every number drawn belongs to a committed event.
        var sequences = events.Select(e => e.Sequence).ToArray();
        sequences.Should().Equal(Enumerable.Range(0, total).Select(i => firstSequence + i));
        (await Scalar<long>("select count(*) from {schema}.mt_events where seq_id between $1 and $2", sequences[0], sequences[^1])).Should().Be(total);
    }
}
