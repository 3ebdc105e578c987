using System.CommandLine;
using LeaderJourney.Cli.Commands;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        catch (Exception e) when (e is EventStoreException or CliException or FrameworkDocumentException or DomainRuleException or RequestValidationException or DuplicateException or NotFoundException or ForbiddenException or ArgumentException or Core.Succession.Reports.ReadModelNotReadyException or Core.Demo.DemoRefusedException)
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
    private IHost? _host;

    public IConfiguration Configuration { get; } = configuration;
    public TextWriter Out { get; } = stdout;
    public TextWriter Error { get; } = stderr;

    /// <summary>
    /// The same services as the web host, with the schema migrated, and Wolverine as an in-process
    /// mediator: a write from the command line is the same command the API sends.
    /// </summary>
    public async Task<IServiceProvider> ServicesAsync(CancellationToken ct)
    {
        if (_host is null)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddConfiguration(Configuration);
            builder.Services.AddLeaderJourneyCore(Configuration, Messaging.IntegrateMediator, readsInBulk: true).AddLeaderJourneyMediator();
            _host = builder.Build();
            var startup = _host.Services.GetRequiredService<DatabaseStartup>();
            await startup.RunAsync(ct);
            await _host.StartAsync(ct);
            // The web host logs this; the command line has no log, so it says it here, whatever the command.
            if (startup.Upgrade is { } moved)
                await Error.WriteLineAsync($"Moved the previous event store into Marten's tables: {moved.Streams} streams, {moved.Events} events.");
        }
        return _host.Services;
    }

    /// <summary>Sends a command as the installation's operator (<see cref="CurrentUser.Operator"/>) and returns its answer.</summary>
    public async Task<T> SendAsync<T>(Core.Http.Command command, CancellationToken ct) =>
        await (await ServicesAsync(ct)).GetRequiredService<Wolverine.IMessageBus>().InvokeAsync<T>(command, ct);

    public static Core.Http.Sender Operator(string what) => new(CurrentUser.Operator, new WriteOptions(null, null, "cli " + what));

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
    }
}
