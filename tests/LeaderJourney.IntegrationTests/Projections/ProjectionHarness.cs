using LeaderJourney.Core;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Projections;

/// <summary>A store, the core tables, a projection runtime and the NEA framework, on a database of the test class's own.</summary>
public sealed class ProjectionHarness : IAsyncDisposable
{
    private ProjectionHarness(NpgsqlDataSource dataSource, Store store, ProjectionRuntime runtime, Guid neaEditionId, IReadOnlyDictionary<string, string> themes)
    {
        DataSource = dataSource;
        Store = store;
        Runtime = runtime;
        NeaEditionId = neaEditionId;
        ThemeToDomain = themes;
    }

    public NpgsqlDataSource DataSource { get; }
    public Store Store { get; }
    public ProjectionRuntime Runtime { get; }
    public Guid NeaEditionId { get; }
    public IReadOnlyDictionary<string, string> ThemeToDomain { get; }

    public static async Task<ProjectionHarness> CreateAsync(string connectionString, string schema, IEnumerable<ProjectionRegistration>? registrations = null)
    {
        var dataSource = Database.CreateDataSource(connectionString);
        var store = await Store.OpenAsync(dataSource, schema, EventTypes.CreateRegistry(),
            projections: ProjectionSetup.For(schema, registrations?.ToList(), batchSize: 500));
        await SchemaMigrator.MigrateAsync(dataSource, schema, CoreSchema.Component, CoreSchema.Migrations);
        var runtime = new ProjectionRuntime(store);
        await runtime.MigrateAsync();
        // The NEA framework's 2020 edition, as its import decides it, written straight to the store (no host here).
        var content = FrameworkDocumentParser.Parse(BuiltInFrameworks.Read(BuiltInFrameworks.Entries[0].Resource));
        var published = FrameworkLineage.Decide(new PublishEdition(BuiltInFrameworks.Entries[0].Name, "2020", content, "001", "test", DateTimeOffset.UtcNow),
            FrameworkLineage.Empty, Guid.CreateVersion7);
        await store.StartStreamAsync(FrameworkLineage.StreamIdFor(BuiltInFrameworks.Entries[0].Name), ImportFrameworkHandler.StreamType, published);
        var nea = (FrameworkEditionPublished)published[0];
        var themes = content.Domains.SelectMany(d => d.Themes.Select(t => (t.Code, Domain: d.Code))).ToDictionary(x => x.Code, x => x.Domain);
        return new ProjectionHarness(dataSource, store, runtime, nea.EditionId, themes);
    }

    /// <summary>Every row of every active table of a projection, as sorted text: two equal dumps are equal read models.</summary>
    public Task<IReadOnlyDictionary<string, string[]>> DumpAsync(string projection, params string[] tables) =>
        Infrastructure.ReadModelDump.DumpAsync(Runtime, DataSource, projection, tables);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
