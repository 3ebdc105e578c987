using Microsoft.Extensions.DependencyInjection.Extensions;
using Marten;
using Microsoft.Extensions.Logging;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Projections;
using LeaderJourney.Storage.Projections;
using LeaderJourney.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeaderJourney.Core.Hosting;

public static class LeaderJourneyServices
{
    /// <summary>The database, the event store and everything the use cases share; the same for the web host and the command line.</summary>
    /// <param name="marten">More of Marten's registration (the web host integrates Wolverine with it).</param>
    /// <param name="readsInBulk">The command line's rebuilds, loads and catch-ups: every statement is planned for its values (<see cref="Database.CreateDataSource"/>).</param>
    public static IServiceCollection AddLeaderJourneyCore(this IServiceCollection services, IConfiguration configuration,
        Action<MartenServiceCollectionExtensions.MartenConfigurationExpression>? marten = null, bool readsInBulk = false)
    {
        // Resolved lazily, so a missing or bad setting surfaces as one clear line when the host starts.
        services.AddLogging();
        services.AddSingleton(_ => DatabaseSettings.From(configuration));
        services.AddSingleton(sp => Database.CreateDataSource(sp.GetRequiredService<DatabaseSettings>().ConnectionString, planEveryRun: readsInBulk));
        services.AddSingleton(_ => EventTypes.CreateRegistry());
        services.TryAddSingleton<Http.ISentences, Http.EnglishSentences>();
        services.AddSingleton(_ => Privacy.Keys.MasterKeySettings.From(configuration));
        services.AddSingleton(sp => Store.Create(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<DatabaseSettings>().Schema, sp.GetRequiredService<EventTypeRegistry>(),
            sp.GetRequiredService<Storage.PersonalData.MasterKeyRing>(), ProjectionSetup.For(configuration, sp.GetRequiredService<DatabaseSettings>().Schema),
            hostedMarten: () => (DocumentStore)sp.GetRequiredService<IDocumentStore>(),
            // A rebuild reads the whole log (the web host builds a new version at start-up): planned per run there too.
            buildDataSource: readsInBulk ? null : Database.CreateDataSource(sp.GetRequiredService<DatabaseSettings>().ConnectionString, planEveryRun: true)));
        // Marten's store is built by the container, from the event store's options, so that Wolverine's
        // integration (outbox, sessions for handlers) configures the very store the events are in.
        var martenRegistration = services.AddMarten(sp => sp.GetRequiredService<Store>().NewMartenOptions());
        marten?.Invoke(martenRegistration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RecentTokens>();
        services.AddSingleton(sp => new FrameworkCatalog(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<DatabaseSettings>().Schema));
        SignInLimits.AddSignInLimits(services, configuration);
        services.AddSingleton(sp => new AccessDirectory(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<DatabaseSettings>().Schema,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Http.RequestHashes>(), sp.GetRequiredService<SignInLimits>(), sp.GetRequiredService<UserEmails>()));
        services.AddSingleton(sp => new UserEmails(sp.GetRequiredService<Store>().PersonalData?.Keys
            ?? throw new InvalidOperationException("The store was opened without master keys.")));
        services.AddSingleton<FrameworkScopes>();
        services.AddSingleton<Frameworks.BrowseFrameworks.FrameworkWords>();
        services.AddSingleton<LeaderReader>();
        services.AddSingleton<Access.AccountAddresses>();
        services.AddSingleton<AttainmentPolicies>(_ => new AttainmentPolicies(configuration));
        services.AddSingleton<Http.IdempotentAnswers>();
        services.AddScoped<Http.StreamCommandBus>();
        services.AddSingleton(sp => new Http.RequestHashes(sp.GetRequiredService<Store>().PersonalData?.Keys
            ?? throw new InvalidOperationException("The store was opened without master keys.")));
        services.AddSingleton<LeaderWrites>();
        services.AddLeaderJourneyProjections();
        services.AddSingleton<Leaders.View.LeaderProgressQueries>();
        services.AddSingleton<Leaders.MentorQueue.MentorQueueQuery>();
        services.AddSingleton<Leaders.MentorActivity.MentorActivityQuery>();
        services.AddSingleton<Leaders.Import.LeaderImport>();
        services.AddSingleton<LeaderLists>();
        services.AddSingleton<Succession.Positions.PositionWrites>();
        services.AddSingleton<Succession.Reports.SuccessionData>();
        services.AddSingleton<Succession.LeaderPositions.LeaderPositionsQuery>();
        services.AddSingleton<Succession.Reports.PipelineData>();
        services.AddSingleton<Succession.Reports.ReportService>();
        services.AddSingleton<Succession.TalentReview.TalentReviewQuery>();
        services.AddSingleton<Demo.Load.DataLoader>();
        services.AddSingleton<Demo.DemoData>();
        services.AddSingleton<Leaders.Demographics.DemographicsWrites>();
        services.AddSingleton(_ => Leaders.Demographics.DemographicSettings.From(configuration));
        services.AddSingleton<Privacy.Audit.SensitiveReads>();
        services.AddSingleton<Privacy.Erasure.LeaderErasure>();
        services.AddSingleton<Privacy.SubjectAccess.SubjectAccessExport>();
        services.AddSingleton<Notifications.NotificationBox>();
        services.AddSingleton<Notifications.TermEndReminders>();
        services.AddSingleton<Notifications.Mail.SignOffRequestReminders>();
        services.AddSingleton(_ => Notifications.Mail.MailSettings.From(configuration));
        services.AddSingleton<Notifications.Mail.Mailer>();
        // The mails' stop links are protected with the same key ring as the pages' cookies, in the database.
        services.AddPageKeyRing();
        services.AddSingleton<Access.MailStopLinks>();
        services.AddSingleton<Notifications.Mail.MailClaims>();
        services.AddSingleton<DatabaseStartup>();
        return services;
    }
}

/// <summary>
/// Connects and brings every component's tables up to date (moving a database of the previous store into
/// Marten's tables first), once per process however often it is asked. Every step is idempotent and
/// safe when several hosts start at once. The built-in framework catalog is seeded after it, through
/// Wolverine once it runs (<see cref="BuiltInFrameworks"/>).
/// </summary>
public sealed class DatabaseStartup(Store store, ProjectionRuntime projections, IServiceProvider services, ILogger<DatabaseStartup> logger)
{
    private Lazy<Task>? _run;

    /// <summary>What this start-up moved from the previous store, if anything.</summary>
    public Engine.LegacyStoreUpgrade.Outcome? Upgrade { get; private set; }

    public Task RunAsync(CancellationToken ct) => LazyInitializer.EnsureInitialized(ref _run, () => new Lazy<Task>(RunOnceAsync)).Value.WaitAsync(ct);

    private async Task RunOnceAsync()
    {
        await store.MigrateAsync();
        await store.Hashes.WarmAsync(CancellationToken.None);
        var moved = await Engine.LegacyStoreUpgrade.MoveAsync(store.DataSource, store.Marten, store.Schema, store.Types);
        if (moved.Moved)
        {
            Upgrade = moved;
            logger.LogWarning("Moved the previous event store into Marten's tables: {Streams} streams and {Events} events, through sequence {LastSequence}; the old tables were dropped",
                moved.Streams, moved.Events, moved.LastSequence);
        }
        await SchemaMigrator.MigrateAsync(store.DataSource, store.Schema, CoreSchema.Component, CoreSchema.Migrations);
        await projections.MigrateAsync();
        await Access.PageKeyRing.EnsureActiveKeyAsync(services, CancellationToken.None);
        await Notifications.Reactions.StartFromPresentAsync(store, CancellationToken.None);
    }
}
