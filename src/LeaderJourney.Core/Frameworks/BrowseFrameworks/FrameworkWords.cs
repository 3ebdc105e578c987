using LeaderJourney.Core.Leaders;

namespace LeaderJourney.Core.Frameworks.BrowseFrameworks;

/// <summary>
/// The words for the codes people would otherwise read (themes' titles, domains' names), across every
/// edition in the catalog: a code keeps its meaning from one edition to the next, and where an edition
/// renamed it the newest name is shown. The framework's own texts, as the importer wrote them.
/// </summary>
public sealed class FrameworkWords(FrameworkCatalog catalog, FrameworkScopes scopes)
{
    public async Task<CodeWords> LoadAsync(CancellationToken ct)
    {
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        var domains = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var edition in (await catalog.ListAsync(ct)).OrderBy(f => f.PublishedAt))
            if (await scopes.FindAsync(edition.Id, ct) is { } scope)
            {
                foreach (var (code, title) in scope.Titles) titles[code] = title;
                foreach (var (theme, domain) in scope.ThemeToDomain) domains[theme] = domain;
            }
        return new CodeWords(titles, domains);
    }
}

/// <summary>Titles by code, and each theme's domain.</summary>
public sealed record CodeWords(IReadOnlyDictionary<string, string> Titles, IReadOnlyDictionary<string, string> DomainOfTheme)
{
    /// <summary>The theme's or domain's title, else the code itself.</summary>
    public string Of(string code) => Titles.GetValueOrDefault(code, code);

    /// <summary>
    /// A gap between what a position needs and what a candidate has, as a person says it. A domain's level
    /// is its lowest theme's, so a domain gap says that, not "has none": a candidate at Level 0 in a domain
    /// may hold Level 1 in all its themes but one.
    /// </summary>
    public string Gap(string? themeCode, string? domainCode, int required, int current)
    {
        if (themeCode is null)
            return current == 0
                ? $"{Of(domainCode ?? "")}: needs Level {required} in every theme; at least one of its themes has no level yet"
                : $"{Of(domainCode ?? "")}: needs Level {required} in every theme; its lowest theme is at Level {current}";
        var domain = DomainOfTheme.TryGetValue(themeCode, out var code) ? Of(code) + ": " : "";
        return current == 0
            ? $"{domain}needs Level {required} in {Of(themeCode)}, has no level in it yet"
            : $"{domain}needs Level {required} in {Of(themeCode)}, has Level {current}";
    }
}
