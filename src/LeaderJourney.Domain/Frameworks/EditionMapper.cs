using System.Text;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Maps the themes of one edition of a framework onto the next, so progress recorded against the
/// earlier edition can follow its themes into the later one.
/// </summary>
/// <remarks>
/// <para>Themes are only matched within domains of the same code. Within a domain:</para>
/// <list type="number">
/// <item>equal titles first, after normalising (lower case, punctuation as space, white space folded),
/// in document order;</item>
/// <item>then near-same titles: token-set Jaccard similarity (shared distinct words ÷ all distinct
/// words of both titles) of at least <see cref="NearTitleThreshold"/>; the highest-scoring pair is
/// taken first, ties go to the earlier theme in document order; every theme is used at most once;</item>
/// <item>what is left is removed (earlier only) or added (later only).</item>
/// </list>
/// <para>A pair is <see cref="ThemeChange.Renamed"/> when it matched by near-same title, and
/// <see cref="ThemeChange.Reworded"/> when any level's descriptor or considerations differ (ordinal
/// comparison of the repaired text), or a level exists in one edition only.</para>
/// </remarks>
public static class EditionMapper
{
    /// <summary>The least token-set Jaccard similarity for two different titles to be the same theme.</summary>
    public const double NearTitleThreshold = 0.6;

    /// <exception cref="ArgumentException">A framework has two domains with the same code.</exception>
    public static EditionMapping Map(Framework earlier, Framework later)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);

        var laterByCode = later.Domains.ToDictionary(domain => domain.Code, StringComparer.Ordinal);
        var earlierCodes = earlier.Domains.Select(domain => domain.Code).ToHashSet(StringComparer.Ordinal);
        if (earlierCodes.Count != earlier.Domains.Count)
        {
            throw new ArgumentException("The earlier framework has two domains with the same code.", nameof(earlier));
        }

        var matches = new List<ThemeMatch>();
        var added = new List<ThemeReference>();
        var removed = new List<ThemeReference>();
        var removedDomains = new List<DomainReference>();
        foreach (var domain in earlier.Domains)
        {
            if (laterByCode.TryGetValue(domain.Code, out var next))
            {
                MapDomain(domain, next, matches, added, removed);
            }
            else
            {
                removedDomains.Add(new DomainReference(domain.Code, domain.Name));
            }
        }

        var addedDomains = later.Domains
            .Where(domain => !earlierCodes.Contains(domain.Code))
            .Select(domain => new DomainReference(domain.Code, domain.Name))
            .ToArray();
        return new EditionMapping(matches, added, removed, addedDomains, removedDomains);
    }

    /// <summary>Token-set Jaccard similarity of two titles after normalising; 1 for equal titles.</summary>
    public static double TitleSimilarity(string first, string second)
    {
        var a = Tokens(first);
        var b = Tokens(second);
        var union = a.Union(b).Count();
        return union == 0 ? 1 : (double)a.Intersect(b).Count() / union;
    }

    private static void MapDomain(Domain earlier, Domain later, List<ThemeMatch> matches, List<ThemeReference> added, List<ThemeReference> removed)
    {
        var pairs = new List<(int Earlier, int Later, double Similarity)>();
        var laterTaken = new bool[later.Themes.Count];
        var earlierTaken = new bool[earlier.Themes.Count];

        for (var e = 0; e < earlier.Themes.Count; e++)
        {
            var title = Normalise(earlier.Themes[e].Title);
            var l = Enumerable.Range(0, later.Themes.Count)
                .FirstOrDefault(i => !laterTaken[i] && Normalise(later.Themes[i].Title) == title, -1);
            if (l >= 0)
            {
                pairs.Add((e, l, 1));
                earlierTaken[e] = laterTaken[l] = true;
            }
        }

        var candidates =
            from e in Enumerable.Range(0, earlier.Themes.Count)
            where !earlierTaken[e]
            from l in Enumerable.Range(0, later.Themes.Count)
            where !laterTaken[l]
            let similarity = TitleSimilarity(earlier.Themes[e].Title, later.Themes[l].Title)
            where similarity >= NearTitleThreshold
            orderby similarity descending, e, l
            select (e, l, similarity);
        foreach (var (e, l, similarity) in candidates.ToList())
        {
            if (!earlierTaken[e] && !laterTaken[l])
            {
                pairs.Add((e, l, similarity));
                earlierTaken[e] = laterTaken[l] = true;
            }
        }

        foreach (var (e, l, similarity) in pairs.OrderBy(pair => pair.Earlier))
        {
            matches.Add(Compare(earlier.Code, earlier.Themes[e], later.Themes[l], similarity));
        }

        removed.AddRange(earlier.Themes.Where((_, e) => !earlierTaken[e]).Select(theme => new ThemeReference(theme.Code, theme.Title)));
        added.AddRange(later.Themes.Where((_, l) => !laterTaken[l]).Select(theme => new ThemeReference(theme.Code, theme.Title)));
    }

    private static ThemeMatch Compare(string domainCode, Theme earlier, Theme later, double similarity)
    {
        var numbers = earlier.Levels.Select(level => level.Number).Union(later.Levels.Select(level => level.Number)).Order();
        var changedLevels = numbers.Where(number => !SameText(
            earlier.Levels.FirstOrDefault(level => level.Number == number),
            later.Levels.FirstOrDefault(level => level.Number == number))).ToArray();

        var change = ThemeChange.Unchanged;
        if (Normalise(earlier.Title) != Normalise(later.Title))
        {
            change |= ThemeChange.Renamed;
        }

        if (changedLevels.Length > 0)
        {
            change |= ThemeChange.Reworded;
        }

        return new ThemeMatch(domainCode, earlier.Code, later.Code, earlier.Title, later.Title, change, similarity, changedLevels);
    }

    private static bool SameText(ThemeLevel? earlier, ThemeLevel? later) =>
        earlier is not null && later is not null
        && string.Equals(earlier.Descriptor, later.Descriptor, StringComparison.Ordinal)
        && string.Equals(earlier.Considerations, later.Considerations, StringComparison.Ordinal);

    private static string Normalise(string title)
    {
        var result = new StringBuilder(title.Length);
        foreach (var c in title)
        {
            result.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }

        return TextRepair.FoldWhiteSpace(result.ToString());
    }

    private static HashSet<string> Tokens(string title) =>
        Normalise(title).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}
