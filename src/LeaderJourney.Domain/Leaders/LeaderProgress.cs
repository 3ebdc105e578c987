namespace LeaderJourney.Domain.Leaders;

/// <summary>Where a leader stands in one theme. Level 0 means Level 1 is not yet attained.</summary>
public sealed record ThemeProgress(string Code, int Level, int? PendingLevel, DateTimeOffset? AttainedAt);

/// <summary>Where a leader stands in one domain of the framework.</summary>
public sealed record DomainProgress(string Code, int Level);

public sealed record ProgressView(Guid LeaderId, IReadOnlyList<ThemeProgress> Themes, IReadOnlyList<DomainProgress> Domains);

/// <summary>Read-side views computed from a leader's state; pure functions.</summary>
public static class LeaderProgress
{
    /// <param name="themeToDomain">Every theme of the leader's framework edition, mapped to its domain code.</param>
    public static ProgressView Of(Leader state, IReadOnlyDictionary<string, string> themeToDomain)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(themeToDomain);
        var themes = themeToDomain.Keys
            .Order(StringComparer.Ordinal)
            .Select(code => ThemeOf(state, code))
            .ToList();
        var levelOf = themes.ToDictionary(t => t.Code, t => t.Level, StringComparer.Ordinal);
        // API rule: a domain stands at the lowest level among its themes.
        var domains = themeToDomain
            .GroupBy(pair => pair.Value, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DomainProgress(g.Key, g.Min(pair => levelOf[pair.Key])))
            .ToList();
        return new ProgressView(state.Id, themes, domains);
    }

    /// <summary>The clauses of the standing attainment of that level, or null when it is not attained.</summary>
    public static IReadOnlyList<AttainmentClause>? Provenance(Leader state, string themeCode, int level)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.AttainmentOf(themeCode, level)?.Provenance;
    }

    private static ThemeProgress ThemeOf(Leader state, string code)
    {
        var level = state.LevelOf(code);
        var pending = state.PendingSignOffs
            .Where(p => p.ThemeCode == code && p.Level > level)
            .Select(p => (int?)p.Level)
            .Min();
        return new ThemeProgress(code, level, pending, state.AttainmentOf(code, level)?.AttainedAt);
    }
}
