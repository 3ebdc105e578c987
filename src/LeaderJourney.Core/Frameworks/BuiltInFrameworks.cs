using System.Reflection;
using LeaderJourney.Core.Frameworks.ImportFramework;

namespace LeaderJourney.Core.Frameworks;

/// <summary>
/// The catalog a fresh install offers with no manual step: the framework documents under
/// <c>frameworks/</c> at the repository root, built into this assembly. Seeding publishes each one
/// whose edition is not yet published, so it runs at every start and is a no-op after the first.
/// </summary>
public sealed class BuiltInFrameworks(FrameworkImporter importer, TimeProvider clock)
{
    public sealed record Entry(string Name, string Edition, string Resource);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("NEA Leadership Competency Framework", "2020", "001_7bb202f0b8b23229.txt"),
        new("BPS Unified Leader Competencies", "v4 (2017-03-20)", "003_eaf4f94e5e771a55.txt"),
    ];

    public const string Actor = "system:built-in-catalog";

    public async Task SeedAsync(CancellationToken ct)
    {
        foreach (var entry in Entries)
        {
            var document = new FrameworkDocument(Read(entry.Resource), entry.Resource);
            await importer.ImportAsync(new ImportFrameworkRequest([document], entry.Name, entry.Edition, Actor, clock.GetUtcNow()), ct);
        }
    }

    public static string Read(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"frameworks/{fileName}")
            ?? throw new InvalidOperationException($"The built-in framework document {fileName} is not in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
