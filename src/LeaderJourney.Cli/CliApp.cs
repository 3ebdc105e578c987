using System.CommandLine;
using LeaderJourney.Cli.Commands;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.EventStore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Cli;

/// <summary>
/// The `leaderjourney` command line. Exit code 0 on success; otherwise non-zero with a one-line
/// reason on stderr (API.md), never a stack trace for a condition a person can fix.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IConfiguration? configuration = null)
    {
        configuration ??= new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var context = new CliContext(configuration, stdout, stderr);

        var root = new RootCommand("LeaderJourney: an event-sourced tracker of leaders' competency journeys.");
        root.Subcommands.Add(MigrateCommand.Create(context));
        root.Subcommands.Add(FrameworkCommand.Create(context));
        root.Subcommands.Add(AccessCommands.Users(context));
        root.Subcommands.Add(AccessCommands.Affiliates(context));
        root.Subcommands.Add(ProjectionsCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(KeysCommand.Create(context));

        var parsed = root.Parse(args);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is EventStoreException or CliException or FrameworkDocumentException or DomainRuleException or RequestValidationException or DuplicateException or ArgumentException or Core.Succession.Reports.ReadModelNotReadyException or Core.Demo.DemoRefusedException)
        {
            await stderr.WriteLineAsync($"leaderjourney: {e.Message}");
            return 1;
        }
        finally
        {
            await context.DisposeAsync();
        }
    }
}

/// <summary>A condition the user can fix, reported as one line.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>What commands share: settings, output, and services built only when a command needs the database.</summary>
public sealed class CliContext(IConfiguration configuration, TextWriter stdout, TextWriter stderr) : IAsyncDisposable
{
    private ServiceProvider? _services;

    public IConfiguration Configuration { get; } = configuration;
    public TextWriter Out { get; } = stdout;
    public TextWriter Error { get; } = stderr;

    /// <summary>The same services as the web host, with the schema migrated.</summary>
    public async Task<IServiceProvider> ServicesAsync(CancellationToken ct)
    {
        if (_services is null)
        {
            _services = new ServiceCollection().AddLeaderJourneyCore(Configuration).BuildServiceProvider();
            var startup = _services.GetRequiredService<DatabaseStartup>();
            await startup.RunAsync(ct);
            // The web host logs this; the command line has no log, so it says it here, whatever the command.
            if (startup.Upgrade is { } moved)
                await Error.WriteLineAsync($"Moved the previous event store into Marten's tables: {moved.Streams} streams, {moved.Events} events.");
        }
        return _services;
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
    }
}
