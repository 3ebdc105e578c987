namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// A competency framework as read from one document (or merged from several).
/// Lists are copied on construction so a framework cannot change after it is built.
/// </summary>
/// <param name="Name">The framework's name when the document states one; otherwise null (the importer supplies it).</param>
/// <param name="LevelScale">The levels every theme is described at; empty for outline documents.</param>
/// <param name="Domains">The domains (competencies) in document order.</param>
public sealed record Framework(string? Name, IReadOnlyList<Level> LevelScale, IReadOnlyList<Domain> Domains)
{
    public IReadOnlyList<Level> LevelScale { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(LevelScale);

    public IReadOnlyList<Domain> Domains { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(Domains);

    /// <summary>
    /// Joins frameworks that each hold some domains of one edition (e.g. one document per domain)
    /// into a single framework, keeping the domains in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Two parts have different (non-empty) level scales, or two domains share a code: either would make
    /// the merged framework ambiguous, so it is refused rather than silently renamed.
    /// </exception>
    public static Framework Merge(string? name, params IReadOnlyList<Framework> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);

        IReadOnlyList<Level> scale = [];
        var domains = new List<Domain>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            if (part.LevelScale.Count > 0)
            {
                if (scale.Count == 0)
                {
                    scale = part.LevelScale;
                }
                else if (!scale.SequenceEqual(part.LevelScale))
                {
                    throw new ArgumentException("The frameworks to merge use different level scales.", nameof(parts));
                }
            }

            foreach (var domain in part.Domains)
            {
                if (!codes.Add(domain.Code))
                {
                    throw new ArgumentException($"Domain code '{domain.Code}' occurs in more than one framework to merge.", nameof(parts));
                }

                domains.Add(domain);
            }
        }

        return new Framework(name, scale, domains);
    }
}

/// <summary>One step of a framework's level scale, e.g. 1 "Foundational".</summary>
public sealed record Level(int Number, string Name);

/// <summary>A domain (NEA) or numbered competency (outline documents) and its themes.</summary>
/// <param name="Code">See <see cref="DomainCodes"/> for table documents; the competency number for outlines.</param>
public sealed record Domain(string Code, string Name, string Description, IReadOnlyList<Theme> Themes)
{
    public IReadOnlyList<Theme> Themes { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(Themes);
}

/// <summary>A competency theme (or outline sub-item) with its per-level descriptions.</summary>
/// <param name="Code">"ADV.1", "ADV.2", ... in document order, or the outline's own number ("1.1").</param>
public sealed record Theme(string Code, string Title, IReadOnlyList<ThemeLevel> Levels)
{
    public IReadOnlyList<ThemeLevel> Levels { get; init => field = ReadOnly.Copy(value); } = ReadOnly.Copy(Levels);
}

/// <summary>What a theme expects at one level, and the learning/training content for reaching it.</summary>
public sealed record ThemeLevel(int Number, string Name, string Descriptor, string Considerations);

internal static class ReadOnly
{
    public static IReadOnlyList<T> Copy<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Array.AsReadOnly(items.ToArray());
    }
}
