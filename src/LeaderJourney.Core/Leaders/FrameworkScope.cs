using System.Collections.Concurrent;
using System.Text.Json;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;

namespace LeaderJourney.Core.Leaders;

/// <summary>What a leader's framework edition allows: its theme codes, their domains, and its levels.</summary>
public sealed record FrameworkScope(Guid EditionId, IReadOnlyList<string> ThemeCodes, IReadOnlyDictionary<string, string> ThemeToDomain, int MaxLevel)
{
    /// <summary>Each theme's title and each domain's name, as the framework's importer wrote them: what pages show instead of codes.</summary>
    public IReadOnlyDictionary<string, string> Titles { get; init; } = new Dictionary<string, string>();

    /// <summary>The theme's (or domain's) title, else its code.</summary>
    public string TitleOf(string code) => Titles.TryGetValue(code, out var title) ? title : code;

    /// <summary>What each level of each theme asks of a leader, as the framework says it (an outline framework says none).</summary>
    public IReadOnlyDictionary<(string ThemeCode, int Level), string> Descriptors { get; init; } = new Dictionary<(string, int), string>();

    /// <summary>The framework's descriptor of the theme's level, if it has one.</summary>
    public string? DescriptorOf(string themeCode, int level) => Descriptors.GetValueOrDefault((themeCode, level));

    /// <summary>Each domain's themes, for domain levels (the lowest of them).</summary>
    public IReadOnlyDictionary<string, string[]> DomainThemes { get; } =
        ThemeToDomain.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToArray());

    public void ValidateTheme(string? themeCode, string field = "themeCode")
    {
        if (string.IsNullOrWhiteSpace(themeCode) || !ThemeToDomain.ContainsKey(themeCode))
            throw new RequestValidationException(field, $"'{themeCode}' is not a theme of this leader's framework; valid codes: {string.Join(", ", ThemeCodes)}.");
    }

    public void ValidateLevel(int? level, string field = "level")
    {
        if (level is null || level < 1 || level > MaxLevel)
            throw new RequestValidationException(field, $"Level must be a whole number from 1 to {MaxLevel}.");
    }
}

/// <summary>Framework scopes by edition. Published editions never change, so each is read once and kept.</summary>
public sealed class FrameworkScopes(FrameworkCatalog catalog)
{
    private readonly ConcurrentDictionary<Guid, FrameworkScope> _scopes = new();

    public async Task<FrameworkScope?> FindAsync(Guid editionId, CancellationToken ct)
    {
        if (_scopes.TryGetValue(editionId, out var known)) return known;
        if (await catalog.GetAsync(editionId, ct) is not { } content) return null;
        using var json = JsonDocument.Parse(content.ToJsonString());
        var themeToDomain = new Dictionary<string, string>(StringComparer.Ordinal);
        var codes = new List<string>();
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        var descriptors = new Dictionary<(string, int), string>();
        foreach (var domain in json.RootElement.GetProperty("domains").EnumerateArray())
        {
            var domainCode = domain.GetProperty("code").GetString()!;
            if (domain.TryGetProperty("name", out var name) && name.GetString() is { Length: > 0 } domainName) titles[domainCode] = domainName;
            foreach (var theme in domain.GetProperty("themes").EnumerateArray())
            {
                var code = theme.GetProperty("code").GetString()!;
                codes.Add(code);
                themeToDomain[code] = domainCode;
                if (theme.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 } themeTitle) titles[code] = themeTitle;
                if (theme.TryGetProperty("levels", out var levels) && levels.ValueKind == JsonValueKind.Array)
                    foreach (var level in levels.EnumerateArray())
                        if (level.TryGetProperty("number", out var number) && level.TryGetProperty("descriptor", out var descriptor) && descriptor.GetString() is { Length: > 0 } said)
                            descriptors[(code, number.GetInt32())] = said;
            }
        }
        var maxLevel = json.RootElement.GetProperty("levelScale").GetArrayLength();
        // An outline framework describes no levels; it is still tracked on the common three-level scale.
        var scope = new FrameworkScope(editionId, codes, themeToDomain, maxLevel == 0 ? 3 : maxLevel) { Titles = titles, Descriptors = descriptors };
        return _scopes.GetOrAdd(editionId, scope);
    }
}
