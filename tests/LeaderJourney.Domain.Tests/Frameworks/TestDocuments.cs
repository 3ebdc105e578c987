using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

// Inside LeaderJourney.*, a bare "Domain" names the LeaderJourney.Domain namespace.
using Domain = LeaderJourney.Domain.Frameworks.Domain;

/// <summary>Finds the seed framework documents and the documents written for these tests.</summary>
internal static class TestDocuments
{
    public const string Nea2020 = "001_7bb202f0b8b23229.txt";
    public const string LeadingOurProfessions2019 = "000_450ef01f09aa0273.txt";
    public const string Advocacy2019 = "002_5a2db35c24dd2d62.txt";
    public const string Organizing2019 = "004_88153d15df47a5a0.txt";
    public const string BostonOutline = "003_eaf4f94e5e771a55.txt";

    private static readonly Lazy<string> SeedFolder = new(FindSeedFolder);

    public static string Seed(string fileName) => File.ReadAllText(Path.Combine(SeedFolder.Value, fileName));

    public static Framework ParseSeed(string fileName) => FrameworkDocumentParser.Parse(Seed(fileName), fileName);

    public static string Own(string fileName) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Frameworks", "Documents", fileName));

    public static Framework ParseOwn(string fileName) => FrameworkDocumentParser.Parse(Own(fileName), fileName);

    /// <summary>The seeds live in &lt;repo&gt;/frameworks; walk up from the test output folder to find it.</summary>
    private static string FindSeedFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "frameworks");
            if (File.Exists(Path.Combine(candidate, Nea2020)))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No 'frameworks' folder holding {Nea2020} above {AppContext.BaseDirectory}.");
    }
}

internal static class FrameworkTestExtensions
{
    public static IEnumerable<Theme> AllThemes(this Framework framework) => framework.Domains.SelectMany(domain => domain.Themes);

    public static Theme Theme(this Framework framework, string code) => framework.AllThemes().Single(theme => theme.Code == code);

    public static Domain Domain(this Framework framework, string code) => framework.Domains.Single(domain => domain.Code == code);

    /// <summary>Every piece of text the parser produced, for checks that must hold everywhere.</summary>
    public static IEnumerable<string> AllText(this Framework framework) =>
        framework.LevelScale.Select(level => level.Name)
            .Concat(framework.Domains.SelectMany(domain => new[] { domain.Name, domain.Description }
                .Concat(domain.Themes.SelectMany(theme => new[] { theme.Title }
                    .Concat(theme.Levels.SelectMany(level => new[] { level.Name, level.Descriptor, level.Considerations }))))));
}
