namespace LeaderJourney.Domain.Frameworks;

/// <summary>How a theme changed between two editions. Both flags may be set.</summary>
[Flags]
public enum ThemeChange
{
    /// <summary>Same title and the same text at every level.</summary>
    Unchanged = 0,

    /// <summary>The title changed (it matched by near-same title, not by equal title).</summary>
    Renamed = 1,

    /// <summary>A level's descriptor or considerations text changed, or the levels differ.</summary>
    Reworded = 2,
}

/// <summary>A theme of the earlier edition and the theme of the later edition that continues it.</summary>
/// <param name="TitleSimilarity">1 for equal (normalised) titles, otherwise the token-set Jaccard similarity.</param>
/// <param name="ChangedLevels">Numbers of the levels whose text changed (empty unless <see cref="ThemeChange.Reworded"/>).</param>
public sealed record ThemeMatch(
    string DomainCode,
    string EarlierCode,
    string LaterCode,
    string EarlierTitle,
    string LaterTitle,
    ThemeChange Change,
    double TitleSimilarity,
    IReadOnlyList<int> ChangedLevels)
{
    public IReadOnlyList<int> ChangedLevels { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(ChangedLevels);
}

/// <summary>A theme named by its code and title.</summary>
public sealed record ThemeReference(string Code, string Title);

/// <summary>A domain named by its code and name.</summary>
public sealed record DomainReference(string Code, string Name);

/// <summary>
/// The result of <see cref="EditionMapper.Map"/>. Added and removed themes are only listed for domains
/// present in both editions; a domain present in one edition only is listed as a whole in
/// <see cref="AddedDomains"/> or <see cref="RemovedDomains"/>, not as a list of its themes.
/// </summary>
public sealed record EditionMapping(
    IReadOnlyList<ThemeMatch> Matches,
    IReadOnlyList<ThemeReference> AddedThemes,
    IReadOnlyList<ThemeReference> RemovedThemes,
    IReadOnlyList<DomainReference> AddedDomains,
    IReadOnlyList<DomainReference> RemovedDomains)
{
    public IReadOnlyList<ThemeMatch> Matches { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(Matches);

    public IReadOnlyList<ThemeReference> AddedThemes { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(AddedThemes);

    public IReadOnlyList<ThemeReference> RemovedThemes { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(RemovedThemes);

    public IReadOnlyList<DomainReference> AddedDomains { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(AddedDomains);

    public IReadOnlyList<DomainReference> RemovedDomains { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(RemovedDomains);
}
