using System.Reflection;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain;
using Microsoft.Extensions.Hosting;
using Wolverine;

namespace LeaderJourney.Core.Frameworks;

/// <summary>
/// The catalog a fresh install offers with no manual step: the framework documents under
/// <c>frameworks/</c> at the repository root, built into this assembly. Seeding imports each one as
/// a national admin would (<see cref="ImportFrameworkCommand"/>), so it runs at every start and publishes
/// nothing after the first. It runs as the host starts, after Wolverine (whose bus it sends through) and
/// before the host takes requests (registered right after Wolverine, Hosting/Messaging.cs).
/// </summary>
public sealed class BuiltInFrameworks(DatabaseStartup startup, IMessageBus bus, TimeProvider clock) : IHostedService
{
    public sealed record Entry(string Name, string Edition, string Resource);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("NEA Leadership Competency Framework", "2020", "001_7bb202f0b8b23229.txt"),
        new("BPS Unified Leader Competencies", "v4 (2017-03-20)", "003_eaf4f94e5e771a55.txt"),
    ];

    public const string Actor = "system:built-in-catalog";

    /// <summary>Who the built-in catalog's editions are published by (<see cref="Actor"/>).</summary>
    private static readonly Sender Seeder = new(new CurrentUser(Guid.Empty, Actor, Roles.NationalAdmin, null, null), new WriteOptions(null, null, "built-in catalog"));

    public async Task StartAsync(CancellationToken ct)
    {
        await startup.RunAsync(ct);
        foreach (var entry in Entries)
        {
            var command = ImportFrameworkCommand.Parse([new FrameworkDocument(Read(entry.Resource), entry.Resource)], entry.Name, entry.Edition, clock.GetUtcNow(), Seeder);
            try
            {
                await bus.InvokeAsync<ImportFrameworkAnswer>(command, ct);
            }
            catch (DomainRuleException e)
            {
                // Other content stored under a built-in edition (a database changed by hand, say): the host
                // does not start, and says which edition and why in one line (Hosting.RunLeaderJourneyAsync).
                throw new DomainRuleException($"The built-in framework '{entry.Name}' edition {entry.Edition} cannot be published: {e.Message}");
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    public static string Read(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"frameworks/{fileName}")
            ?? throw new InvalidOperationException($"The built-in framework document {fileName} is not in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
