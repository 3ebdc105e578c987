using Microsoft.Extensions.Configuration;
using LeaderJourney.Storage;
using LeaderJourney.Storage.PersonalData;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Storage;

public sealed record ProfileWritten(Guid PersonId, string Name, string? Note, IReadOnlyList<string> Tags, int Score);
public sealed record RemarkMade(Guid AboutId, string Remark);
public sealed record NoteFiled(string Note, string Label, NoteContext Context);
public sealed record NoteContext(string Note);

/// <summary>The store's encryption of declared personal data, shredding, and master-key rotation.</summary>
public sealed class PersonalDataTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly MasterKeyRing Keys = MasterKeyRing.Parse(MasterKeyRing.Generate("k1"));
    private Store _store = null!;

    /// <summary>Test events with personal data: a profile about its stream's person, a remark about another.</summary>
    internal static EventTypeRegistry Registry() => TestEvents.WithTestStreams(new EventTypeRegistry())
        .Register<ProfileWritten>("test.profile-written")
        .Register<RemarkMade>("test.remark-made")
        .Register<NoteFiled>("test.note-filed")
        .DeclarePersonalData(typeof(NoteFiled), [new PersonalField("Note")])
        .DeclarePersonalData(typeof(ProfileWritten), [new PersonalField("Name"), new PersonalField("Note"), new PersonalField("Tags")])
        .DeclarePersonalData(typeof(RemarkMade), [new PersonalField("Remark", SubjectProperty: "AboutId")]);

    public async Task InitializeAsync() => _store = await Open(Keys);

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private Task<Store> Open(MasterKeyRing? keys, string schema = "personal") =>
        Store.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString, Schema = schema }, Registry(), masterKeys: keys);

    private async Task<string> RawData(Guid streamId)
    {
        await using var command = _store.DataSource.CreateCommand("select string_agg(data::text, ' ' order by version) from personal.mt_events where stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Declared_properties_are_stored_encrypted_and_read_back_as_written()
    {
        var id = Guid.NewGuid();
        var written = new ProfileWritten(id, "Ada Quillfeather", "met at the Tuesday caucus", ["organizer", "bilingual"], 7);
        await _store.StartStreamAsync(id, "person", [written]);

        var raw = await RawData(id);
        raw.Should().NotContain("Quillfeather").And.NotContain("Tuesday caucus").And.NotContain("bilingual");
        raw.Should().Contain("\"score\": 7", "only the declared properties are encrypted");
        var read = (await _store.ReadStreamAsync(id)).Single().Data.Should().BeOfType<ProfileWritten>().Subject;
        read.Should().BeEquivalentTo(written);
    }

    [Fact]
    public async Task Sealing_touches_only_the_declared_top_level_values_and_gives_back_text_json_must_escape()
    {
        var id = Guid.NewGuid();
        // The codec splices sealed values into the serializer's bytes and opened ones into the row's:
        // escapes, non-ASCII text, a look-alike sealed value and a nested namesake must all come back as written.
        var written = new NoteFiled("She said \"yes\" \\ 100% — ✊🏽\nnext line</script>", $"pd1:{Guid.NewGuid():N}:1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
            new NoteContext("nested, not declared"));
        await _store.StartStreamAsync(id, "person", [written]);

        var raw = await RawData(id);
        raw.Should().NotContain("She said").And.NotContain("next line");
        raw.Should().Contain(written.Label).And.Contain("nested, not declared");
        ((NoteFiled)(await _store.ReadStreamAsync(id)).Single().Data).Should().Be(written);
        await using (var query = _store.Marten.QuerySession())
            ((NoteFiled)(await query.Events.FetchStreamAsync(id)).Single().Data).Should().Be(written);

        await using (var session = await HeldTransaction.BeginAsync(_store))
        {
            await session.ShredSubjectAsync(id, final: true);
            await session.CommitAsync();
        }
        ((NoteFiled)(await _store.ReadStreamAsync(id)).Single().Data).Should().Be(written with { Note = PersonalDataCodec.ErasedText });
    }

    [Fact]
    public async Task The_keys_a_read_looked_up_serve_the_next_write_about_the_same_subject()
    {
        var (kept, renewed, erased) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var id in new[] { kept, renewed, erased }) await _store.StartStreamAsync(id, "person", [Profile(id, "Ada Quillfeather")]);
        await using (var shred = await HeldTransaction.BeginAsync(_store))
        {
            await shred.ShredSubjectAsync(renewed, final: false);
            await shred.ShredSubjectAsync(erased, final: true);
            await shred.CommitAsync();
        }

        // Another process, with nothing cached: a command reads the subject's stream, then writes about them.
        await using var other = await Open(Keys);
        var keys = other.PersonalData!.Keys;
        foreach (var id in new[] { kept, renewed, erased }) await other.ReadStreamAsync(id);
        keys.LookUps.Should().Be(3);

        await other.AppendAsync(kept, 1, [Profile(kept, "Ada Q. Quillfeather")]);
        keys.LookUps.Should().Be(3, "the read found the key the write seals with");
        await other.AppendAsync(erased, 1, [Profile(erased, "Written after the erasure")]);
        keys.LookUps.Should().Be(3, "the read found the subject erased for good");
        await other.AppendAsync(renewed, 1, [Profile(renewed, "Ada Renewed")]);
        keys.LookUps.Should().Be(4, "a key shredded but not for good is followed by a new one, made by the write");

        (await other.ReadStreamAsync(kept))[^1].Data.Should().BeOfType<ProfileWritten>().Which.Name.Should().Be("Ada Q. Quillfeather");
        (await other.ReadStreamAsync(erased))[^1].Data.Should().BeOfType<ProfileWritten>().Which.Name.Should().Be(PersonalDataCodec.ErasedText);
        (await other.ReadStreamAsync(renewed)).Select(e => ((ProfileWritten)e.Data).Name).Should().Equal(PersonalDataCodec.ErasedText, "Ada Renewed");
        (await RawData(kept)).Should().NotContain("Quillfeather");
        (await RawData(erased)).Should().NotContain("Written after the erasure");

        // A shred in this process drops what the read cached: the next write looks the subject up again and seals under a new key.
        await using (var shred = await HeldTransaction.BeginAsync(other))
        {
            await shred.ShredSubjectAsync(kept, final: false);
            await shred.CommitAsync();
        }
        var before = keys.LookUps;
        await other.AppendAsync(kept, 2, [Profile(kept, "Ada After")]);
        keys.LookUps.Should().Be(before + 1);
        (await other.ReadStreamAsync(kept)).Select(e => ((ProfileWritten)e.Data).Name).Should().Equal(PersonalDataCodec.ErasedText, PersonalDataCodec.ErasedText, "Ada After");

        static ProfileWritten Profile(Guid id, string name) => new(id, name, null, [], 1);
    }

    [Fact]
    public async Task A_shred_committed_by_another_process_stops_this_one_opening_the_subject_at_once()
    {
        var person = Guid.NewGuid();
        await using var other = await AnotherProcessListening(person, "Ida Brennan");
        var keys = other.Store.PersonalData!.Keys;
        (await NameIn(other.Store, person)).Should().Be("Ida Brennan");
        var lookUps = keys.LookUps;
        (await NameIn(other.Store, person)).Should().Be("Ida Brennan");
        keys.LookUps.Should().Be(lookUps, "the other process keeps the key for a minute");

        // Heard as the shred commits, not when the other process's cache runs out a minute later.
        await ShredAndWaitUntilErasedIn(other.Store, person);
    }

    [Fact]
    public async Task A_listener_that_lost_its_connection_drops_every_cached_key_when_it_listens_again()
    {
        var person = Guid.NewGuid();
        await using var other = await AnotherProcessListening(person, "Jo Okafor");
        var keys = other.Store.PersonalData!.Keys;
        (await NameIn(other.Store, person)).Should().Be("Jo Okafor");

        // The connection is cut (a restarted server, a network fault): a shred made before it listens again
        // would not be heard, so it forgets every key when it does.
        await using (var cut = _store.DataSource.CreateCommand("select pg_terminate_backend($1)"))
        {
            cut.Parameters.Add(new NpgsqlParameter<int> { TypedValue = other.Listener.ServerProcessId });
            await cut.ExecuteScalarAsync();
        }
        await Waiting.Until(() => Task.FromResult(other.Listener.Connections == 2), "the listener to listen again");
        var lookUps = keys.LookUps;
        (await NameIn(other.Store, person)).Should().Be("Jo Okafor");
        keys.LookUps.Should().Be(lookUps + 1, "what was cached before the listener listened again is looked up afresh");

        // And it hears the shreds made after.
        await ShredAndWaitUntilErasedIn(other.Store, person);
    }

    /// <summary>Another process on the database, listening for shreds, after this one wrote the person's profile.</summary>
    private async Task<ListeningProcess> AnotherProcessListening(Guid person, string name)
    {
        await _store.StartStreamAsync(person, "person", [new ProfileWritten(person, name, null, [], 1)]);
        var other = await Open(Keys);
        var listener = new KeyShredListener(other.DataSource, other.PersonalData!.Keys);
        var stop = new CancellationTokenSource();
        var running = listener.RunAsync(stop.Token);
        await listener.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        return new ListeningProcess(other, listener, stop, running);
    }

    private sealed record ListeningProcess(Store Store, KeyShredListener Listener, CancellationTokenSource Stop, Task Running) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stop.CancelAsync();
            await Running;
            Stop.Dispose();
            await Store.DisposeAsync();
        }
    }

    /// <summary>This process erases the person; the other must read them as erased well within its cache's minute.</summary>
    private async Task ShredAndWaitUntilErasedIn(Store other, Guid person)
    {
        await using (var shred = await HeldTransaction.BeginAsync(_store))
        {
            await shred.ShredSubjectAsync(person, final: true);
            await shred.CommitAsync();
        }
        await Waiting.Until(async () => await NameIn(other, person) == PersonalDataCodec.ErasedText,
            "the other process to read the person as erased", TimeSpan.FromSeconds(15));
    }

    private static async Task<string> NameIn(Store store, Guid person) => ((ProfileWritten)(await store.ReadStreamAsync(person)).Single().Data).Name;

    [Fact]
    public async Task A_sealed_value_does_not_give_its_length_away()
    {
        var shortName = Guid.NewGuid();
        var longName = Guid.NewGuid();
        await _store.StartStreamAsync(shortName, "person", [new ProfileWritten(shortName, "Al", "man", [], 1)]);
        await _store.StartStreamAsync(longName, "person", [new ProfileWritten(longName, "Bartholomew Quintanilla", "non-binary", [], 1)]);
        (await RawData(shortName)).Length.Should().Be((await RawData(longName)).Length);
    }

    [Fact]
    public async Task A_final_shred_makes_the_subjects_data_read_as_erased_everywhere_and_later_writes_store_nothing_of_it()
    {
        var person = Guid.NewGuid();
        var other = Guid.NewGuid();
        await _store.StartStreamAsync(person, "person", [new ProfileWritten(person, "Bo Marchetti", "note", ["a"], 3)]);
        // A remark about the person in someone else's stream is the person's data too.
        await _store.StartStreamAsync(other, "person", [new ProfileWritten(other, "Cy Other", null, [], 1), new RemarkMade(person, "Bo is ready to chair")]);
        (await _store.ReadStreamAsync(person)).Should().ContainSingle(); // the key is now cached here

        await using (var session = await HeldTransaction.BeginAsync(_store))
        {
            await session.ShredSubjectAsync(person, final: true);
            await session.CommitAsync();
        }

        var erased = (ProfileWritten)(await _store.ReadStreamAsync(person)).Single().Data;
        erased.Should().Be(erased with { Name = PersonalDataCodec.ErasedText, Note = PersonalDataCodec.ErasedText, Score = 3 });
        erased.Tags.Should().BeEmpty();
        var others = await _store.ReadStreamAsync(other);
        ((ProfileWritten)others[0].Data).Name.Should().Be("Cy Other");
        ((RemarkMade)others[1].Data).Remark.Should().Be(PersonalDataCodec.ErasedText);
        // Marten's own read path (its daemon's, too) opens values through the same codec.
        await using (var query = _store.Marten.QuerySession())
            ((RemarkMade)(await query.Events.FetchStreamAsync(other))[1].Data).Remark.Should().Be(PersonalDataCodec.ErasedText);

        await _store.AppendAsync(person, 1, [new ProfileWritten(person, "Bo Again", null, [], 4)]);
        (await RawData(person)).Should().NotContain("Bo Again");
        ((ProfileWritten)(await _store.ReadStreamAsync(person))[1].Data).Name.Should().Be(PersonalDataCodec.ErasedText);
        (await _store.PersonalData!.Keys.IsErasedAsync(person)).Should().BeTrue();
    }

    [Fact]
    public async Task A_shred_that_is_not_final_erases_what_was_written_and_a_later_write_gets_a_new_key()
    {
        var subject = Guid.NewGuid();
        await _store.StartStreamAsync(subject, "person", [new ProfileWritten(subject, "First Consent", null, ["x"], 1)]);
        await using (var session = await HeldTransaction.BeginAsync(_store))
        {
            await session.ShredSubjectAsync(subject, final: false);
            await session.CommitAsync();
        }
        await _store.AppendAsync(subject, 1, [new ProfileWritten(subject, "Second Consent", null, ["y"], 2)]);

        var events = (await _store.ReadStreamAsync(subject)).Select(e => (ProfileWritten)e.Data).ToList();
        events[0].Name.Should().Be(PersonalDataCodec.ErasedText);
        events[1].Name.Should().Be("Second Consent");
        events[1].Tags.Should().Equal("y");
        (await _store.PersonalData!.Keys.IsErasedAsync(subject)).Should().BeFalse();
    }

    [Fact]
    public async Task A_shred_rolled_back_with_its_transaction_erases_nothing()
    {
        var subject = Guid.NewGuid();
        await _store.StartStreamAsync(subject, "person", [new ProfileWritten(subject, "Still Here", null, [], 1)]);
        await using (var session = await HeldTransaction.BeginAsync(_store))
            await session.ShredSubjectAsync(subject, final: true); // disposed without commit

        ((ProfileWritten)(await _store.ReadStreamAsync(subject)).Single().Data).Name.Should().Be("Still Here");
    }

    [Fact]
    public async Task The_bulk_path_encrypts_too()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();
        await _store.BulkAppendAsync(ids.Select((id, i) => new BulkStream(id, "person", [new ProfileWritten(id, $"Bulk Person {i:000}", null, [], i)])));

        (await RawData(ids[7])).Should().NotContain("Bulk Person");
        ((ProfileWritten)(await _store.ReadStreamAsync(ids[7])).Single().Data).Name.Should().Be("Bulk Person 007");
    }

    [Fact]
    public async Task Rotation_rewraps_every_data_key_under_the_new_master_key_and_the_old_one_can_then_go()
    {
        // A schema of its own: the other tests' keys are wrapped by a master key this one never sees.
        const string schema = "rotation";
        var subjects = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var oldKey = MasterKeyRing.Generate("old");
        await using (var old = await Open(MasterKeyRing.Parse(oldKey), schema))
            foreach (var s in subjects) await old.StartStreamAsync(s, "person", [new ProfileWritten(s, "Rotated Name", null, [], 1)]);

        var newKey = MasterKeyRing.Generate("new");
        await using (var rotating = await Open(MasterKeyRing.Parse(newKey, previous: oldKey), schema))
        {
            (await rotating.PersonalData!.Keys.RewrapAsync()).Should().Be(subjects.Count);
            (await rotating.PersonalData.Keys.CountByMasterKeyAsync()).Keys.Should().Equal("new");
            (await rotating.PersonalData.Keys.RewrapAsync()).Should().Be(0, "running it again finds nothing left to do");
        }
        await using var rotated = await Open(MasterKeyRing.Parse(newKey), schema);
        foreach (var s in subjects) ((ProfileWritten)(await rotated.ReadStreamAsync(s)).Single().Data).Name.Should().Be("Rotated Name");

        await using var withoutOld = await Open(MasterKeyRing.Parse(MasterKeyRing.Generate("unrelated")), schema);
        var refused = async () => await withoutOld.ReadStreamAsync(subjects[0]);
        (await refused.Should().ThrowAsync<EventStoreUnavailableException>()).WithMessage("*master key 'new'*not configured*");
    }

    [Fact]
    public async Task Without_master_keys_the_store_keeps_data_as_given()
    {
        await using var plain = await Open(null);
        var id = Guid.NewGuid();
        await plain.StartStreamAsync(id, "person", [new ProfileWritten(id, "Plain Text", null, [], 1)]);
        (await RawData(id)).Should().Contain("Plain Text");
        plain.PersonalData.Should().BeNull();
    }

    [Fact]
    public void Master_key_settings_are_checked_and_errors_never_show_the_key()
    {
        var parse = () => MasterKeyRing.Parse("k1:c2hvcnQ=");
        parse.Should().Throw<FormatException>().WithMessage("*must be 32 bytes*").Which.Message.Should().NotContain("c2hvcnQ");
        ((Action)(() => MasterKeyRing.Parse("no-colon"))).Should().Throw<FormatException>().WithMessage("*id:base64*");
        ((Action)(() => MasterKeyRing.Parse("k1:%%%"))).Should().Throw<FormatException>().WithMessage("*not valid base64*");
    }
}

/// <summary>Where the host finds its master key when none is configured: a file it makes once, readable by its owner only.</summary>
public sealed class MasterKeySettingsTests
{
    [Fact]
    public void Without_a_configured_key_one_is_generated_once_into_a_private_file_and_reused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"lj-key-{Guid.NewGuid():N}", "master-key");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [LeaderJourney.Core.Privacy.Keys.MasterKeySettings.FileConfigKey] = file }).Build();
        try
        {
            var first = LeaderJourney.Core.Privacy.Keys.MasterKeySettings.From(configuration);
            var second = LeaderJourney.Core.Privacy.Keys.MasterKeySettings.From(configuration);
            second.ActiveId.Should().Be(first.ActiveId);
            File.ReadAllText(file).Should().StartWith(first.ActiveId + ":");
            if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public void A_configured_key_that_is_not_valid_is_one_clear_line_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [LeaderJourney.Core.Privacy.Keys.MasterKeySettings.EnvironmentVariable] = "prod:tooshort" }).Build();
        var open = () => LeaderJourney.Core.Privacy.Keys.MasterKeySettings.From(configuration);
        open.Should().Throw<EventStoreUnavailableException>().WithMessage("LEADERJOURNEY_MASTER_KEY: *");
    }
}
