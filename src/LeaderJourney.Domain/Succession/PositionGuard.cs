namespace LeaderJourney.Domain.Succession;

/// <summary>Input checks of the position decisions; each failure is a rule break a person can fix.</summary>
internal static class PositionGuard
{
    public const int MaxTitleLength = 200;
    public const int MaxJustificationLength = 4000;
    public const int MaxLevel = 3;

    /// <summary>Required text, trimmed, at most <paramref name="max"/> characters after trimming.</summary>
    public static string Text(string? text, string what, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new DomainRuleException($"{what} must not be empty.");
        var trimmed = text.Trim();
        return trimmed.Length <= max
            ? trimmed
            : throw new DomainRuleException($"{what} has {trimmed.Length} characters; keep it to {max} or fewer.");
    }

    public static Guid Leader(Guid leaderId) =>
        leaderId != Guid.Empty ? leaderId : throw new DomainRuleException("Name the leader.");

    public static Readiness Readiness(Readiness readiness) =>
        Enum.IsDefined(readiness)
            ? readiness
            : throw new DomainRuleException(
                $"Choose a readiness: {ReadinessNames.ReadyNow}, {ReadinessNames.Ready1To2Years} or {ReadinessNames.Ready3PlusYears}.");

    /// <summary>Requirements, normalised: codes trimmed, the unused code null. Numbered from 1 in messages, as a person
    /// reads the list. Codes are opaque here (the caller checks them against the framework) and compared ordinally.
    /// An empty list is allowed: such a position asks nothing, so every candidate is ready now.</summary>
    public static IReadOnlyList<Requirement> Requirements(IReadOnlyList<Requirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var result = new List<Requirement>(requirements.Count);
        var targets = new HashSet<(bool IsTheme, string Code)>();
        for (var i = 0; i < requirements.Count; i++)
        {
            var n = i + 1;
            var r = requirements[i] ?? throw new DomainRuleException($"Requirement {n} is empty; name a domain or a theme and a level.");
            var domain = string.IsNullOrWhiteSpace(r.DomainCode) ? null : r.DomainCode.Trim();
            var theme = string.IsNullOrWhiteSpace(r.ThemeCode) ? null : r.ThemeCode.Trim();
            if (domain is not null && theme is not null)
                throw new DomainRuleException($"Requirement {n} names both domain {domain} and theme {theme}; name exactly one.");
            if (domain is null && theme is null)
                throw new DomainRuleException($"Requirement {n} names neither a domain nor a theme; name exactly one.");
            if (r.Level is < 1 or > MaxLevel)
                throw new DomainRuleException($"Requirement {n} asks for Level {r.Level}; levels run from 1 to {MaxLevel}.");
            // Two levels of one theme or domain would contradict each other (or the lower one says nothing).
            if (!targets.Add((theme is not null, theme ?? domain!)))
                throw new DomainRuleException(theme is not null
                    ? $"Theme {theme} is required more than once; list each theme once."
                    : $"Domain {domain} is required more than once; list each domain once.");
            result.Add(new Requirement(domain, theme, r.Level));
        }
        return result;
    }
}
