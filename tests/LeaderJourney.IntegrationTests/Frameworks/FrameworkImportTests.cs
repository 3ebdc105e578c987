using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace LeaderJourney.IntegrationTests.Frameworks;

/// <summary>The import and edition mapping, sent through Wolverine in the real host as the API and the command line send it.</summary>
public sealed class FrameworkImportTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly Sender Tester = new(new CurrentUser(Guid.Empty, "tester", Roles.NationalAdmin, null, null), new WriteOptions(null, null, "test"));
    private LeaderJourneyAppFactory _app = null!;
    private Store _store = null!;
    private IMessageBus _bus = null!;
    private FrameworkCatalog _catalog = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        _store = _app.Services.GetRequiredService<Store>();
        _bus = _app.Services.GetRequiredService<IMessageBus>();
        _catalog = _app.Services.GetRequiredService<FrameworkCatalog>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static FrameworkDocument Seed(string file) => new(BuiltInFrameworks.Read(file), file);

    private static readonly FrameworkDocument[] Edition2019 =
        [Seed("000_450ef01f09aa0273.txt"), Seed("002_5a2db35c24dd2d62.txt"), Seed("004_88153d15df47a5a0.txt")];

    private async Task<ImportFrameworkResult> Import(string name, string edition, params FrameworkDocument[] documents) =>
        (await _bus.InvokeAsync<ImportFrameworkAnswer>(ImportFrameworkCommand.Parse(documents, name, edition, Now, Tester))).Result;

    [Fact]
    public async Task The_2019_training_considerations_edition_then_2020_maps_every_theme_of_its_three_domains()
    {
        const string name = "NEA Leadership Competency Framework (lineage test)";
        var first = await Import(name, "2019", Edition2019);
        first.Published.Should().BeTrue();
        first.DomainCount.Should().Be(3);
        first.ThemeCount.Should().Be(16);
        first.Mapping.Should().BeNull();

        var second = await Import(name, "2020", Seed("001_7bb202f0b8b23229.txt"));

        second.Published.Should().BeTrue();
        second.PreviousEditionId.Should().Be(first.EditionId);
        second.FrameworkId.Should().Be(first.FrameworkId);
        var mapping = second.Mapping!;
        mapping.Matches.Should().HaveCount(16);
        mapping.Matches.GroupBy(m => m.DomainCode).ToDictionary(g => g.Key, g => g.Count())
            .Should().Equal(new Dictionary<string, int> { ["LOP"] = 4, ["ADV"] = 6, ["ORG"] = 6 });
        mapping.RemovedThemes.Should().BeEmpty();
        mapping.AddedThemes.Should().BeEmpty();
        mapping.AddedDomains.Select(d => d.Code).Should().BeEquivalentTo(["COM", "GOV", "SEI", "SFH"]);

        // The catalog holds both editions and the theme map, written with the events.
        var list = await _catalog.ListAsync();
        list.Where(f => f.Name == name).Select(f => f.Edition).Should().Equal("2019", "2020");
        foreach (var match in mapping.Matches)
            (await _catalog.CarryOverAsync(first.EditionId, match.EarlierCode, second.EditionId)).Should().Be(match.LaterCode);
        (await _catalog.CarryOverAsync(first.EditionId, "NOPE.1", second.EditionId)).Should().BeNull();

        var stream = await _store.ReadStreamAsync(first.FrameworkId);
        stream.Select(e => e.TypeName).Should().Equal("framework.edition-published", "framework.revision-published");
        stream.Should().OnlyContain(e => e.UserName == "tester");
    }

    [Fact]
    public async Task Importing_the_same_edition_again_changes_nothing()
    {
        const string name = "Repeat test framework";
        var first = await Import(name, "1", Seed("002_5a2db35c24dd2d62.txt"));
        var again = await Import(name, "1", Seed("002_5a2db35c24dd2d62.txt"));

        again.Published.Should().BeFalse();
        again.EditionId.Should().Be(first.EditionId);
        (await _store.ReadStreamAsync(first.FrameworkId)).Should().ContainSingle();
    }

    [Fact]
    public async Task Other_content_under_a_published_edition_label_is_refused_and_nothing_is_stored()
    {
        const string name = "Label clash framework";
        var first = await Import(name, "2024", Seed("002_5a2db35c24dd2d62.txt"));

        var act = () => Import(name, "2024", Seed("004_88153d15df47a5a0.txt"));

        (await act.Should().ThrowAsync<DomainRuleException>()).Which.Message.Should().Contain("already published with other content");
        (await _store.ReadStreamAsync(first.FrameworkId)).Should().ContainSingle();
        (await _catalog.ListAsync()).Count(f => f.Name == name).Should().Be(1);
    }

    [Fact]
    public void A_document_that_fails_to_parse_is_refused_where_it_is_read_naming_its_line()
    {
        var broken = new FrameworkDocument("ORGANIZING\n\nSome description.\n\nCompetency Theme\tLevel 1: Foundational\tLevel 2: Mobilizing\tLevel 3: Agenda Driving\nOnly a title\tone cell\n", "broken.txt");

        var act = () => ImportFrameworkCommand.Parse([broken], "Broken framework", "1", Now, Tester);

        act.Should().Throw<FrameworkDocumentException>().Which.Message.Should().StartWith("broken.txt, line 6");
    }

    [Fact]
    public async Task The_handler_refuses_anyone_but_a_national_admin_before_it_loads_the_framework()
    {
        const string name = "Refused framework";
        var published = await Import(name, "1", Seed("002_5a2db35c24dd2d62.txt"));
        var affiliateAdmin = new Sender(new CurrentUser(Guid.NewGuid(), "oh-admin", Roles.AffiliateAdmin, "OH", null), new WriteOptions(null, null, "test"));

        // The framework's row is held: a handler that loaded it before checking the role would wait here.
        await using var connection = await _app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"select 1 from {_store.Schema}.mt_streams where id = $1 for update", connection, transaction))
        {
            hold.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = published.FrameworkId });
            (await hold.ExecuteScalarAsync()).Should().Be(1);
        }
        using var waitedTooLong = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var act = () => _bus.InvokeAsync<ImportFrameworkAnswer>(ImportFrameworkCommand.Parse([Seed("004_88153d15df47a5a0.txt")], name, "2", Now, affiliateAdmin), waitedTooLong.Token);

        await act.Should().ThrowAsync<ForbiddenException>();
        await transaction.RollbackAsync();
        (await _store.ReadStreamAsync(published.FrameworkId)).Should().ContainSingle();
    }

    [Fact]
    public async Task An_import_that_loses_the_start_of_a_new_framework_to_another_is_handled_again_as_its_revision()
    {
        const string name = "Raced framework";
        var id = FrameworkLineage.StreamIdFor(name);
        var first = FrameworkLineage.Decide(new PublishEdition(name, "A", Framework(Seed("002_5a2db35c24dd2d62.txt")), "first", "other", Now), FrameworkLineage.Empty, Guid.CreateVersion7);

        // Another import has started the framework's stream and not committed yet: this one finds no
        // stream, starts it too, and waits on the first one's row until it commits.
        await using var other = await HeldTransaction.BeginAsync(_store);
        await other.StartStreamAsync(id, ImportFrameworkHandler.StreamType, first);
        var second = Task.Run(() => Import(name, "B", Seed("002_5a2db35c24dd2d62.txt")));
        await WaitForALockWaitAsync(second);
        await other.CommitAsync();

        var result = await second;
        result.Published.Should().BeTrue();
        result.PreviousEdition.Should().Be("A");
        (await _store.ReadStreamAsync(id)).Select(e => e.TypeName).Should().Equal("framework.edition-published", "framework.revision-published");
    }

    [Fact]
    public async Task Two_imports_of_one_framework_at_once_publish_both_editions_in_one_lineage()
    {
        const string name = "Concurrent framework";
        var results = await Task.WhenAll(
            Task.Run(() => Import(name, "A", Seed("002_5a2db35c24dd2d62.txt"))),
            Task.Run(() => Import(name, "B", Seed("002_5a2db35c24dd2d62.txt"))));

        results.Should().OnlyContain(r => r.Published);
        var stream = await _store.ReadStreamAsync(results[0].FrameworkId);
        stream.Select(e => e.TypeName).Should().Equal("framework.edition-published", "framework.revision-published");
    }

    private static Framework Framework(FrameworkDocument document) => FrameworkDocumentParser.Parse(document.Text, document.SourceName);

    /// <summary>Until a session of this database waits on a lock (or <paramref name="writer"/> ended without one, which fails the test).</summary>
    private async Task WaitForALockWaitAsync(Task writer)
    {
        await using var command = _app.Services.GetRequiredService<NpgsqlDataSource>()
            .CreateCommand("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        while ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            writer.IsCompleted.Should().BeFalse("the import waits for the other's stream row");
            await Task.Delay(20);
        }
    }
}
