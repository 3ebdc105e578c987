namespace LeaderJourney.Domain.Succession;

/// <summary>One requirement a candidate does not meet: the level it asks for and the level they stand at.
/// Exactly one of <paramref name="ThemeCode"/> and <paramref name="DomainCode"/> is set, as in the requirement.</summary>
/// <param name="Below">For a domain's gap, where it is known: the domain's themes still below the level, for the pages to name
/// (staff plan trainings by theme). Not part of the report's JSON: an issued report, hashed as issued, keeps its shape.</param>
public sealed record Gap(string? ThemeCode, string? DomainCode, int Required, int Current,
    [property: System.Text.Json.Serialization.JsonIgnore] IReadOnlyList<string>? Below = null)
{
    public int Shortfall => Math.Max(0, Required - Current);
}

/// <summary>How many leaders stand at each readiness on the bench. The property names give the API's JSON names
/// (readyNow, ready1to2Years, ready3PlusYears) under camel casing, hence the lower-case "to".</summary>
public sealed record Bench(int ReadyNow, int Ready1to2Years, int Ready3PlusYears);

/// <summary>The public succession rules (API.md, "Default rules"); pure functions.
/// Wherever a candidate's readiness counts (risk, coverage, bench), it is the effective readiness: a person's
/// assessment when there is one, else the computed readiness (<see cref="Effective"/>). Reports show both.</summary>
public static class SuccessionRules
{
    /// <summary>The requirements not met, in requirement order. A theme requirement is read against the leader's theme
    /// level, a domain requirement against their domain level (the lowest level among the domain's themes); a level
    /// the caller does not know is 0.</summary>
    /// <summary>
    /// Whether every requirement is met (no gaps, so ready now), stopping at the first that is not: the
    /// report asks it of every leader for every key position, and most fail the first requirement.
    /// </summary>
    public static bool MeetsAll(IReadOnlyList<Requirement> requirements, Func<string, int> themeLevel, Func<string, int> domainLevel)
    {
        foreach (var r in requirements)
        {
            var current = r.ThemeCode is { } theme ? themeLevel(theme)
                : r.DomainCode is { } domain ? domainLevel(domain)
                : throw new ArgumentException("A requirement names neither a theme nor a domain.", nameof(requirements));
            if (current < r.Level) return false;
        }
        return true;
    }

    public static IReadOnlyList<Gap> Gaps(IReadOnlyList<Requirement> requirements, Func<string, int> themeLevel, Func<string, int> domainLevel)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        ArgumentNullException.ThrowIfNull(themeLevel);
        ArgumentNullException.ThrowIfNull(domainLevel);
        var gaps = new List<Gap>();
        foreach (var r in requirements)
        {
            var current = r.ThemeCode is { } theme ? themeLevel(theme)
                : r.DomainCode is { } domain ? domainLevel(domain)
                : throw new ArgumentException("A requirement names neither a theme nor a domain.", nameof(requirements));
            if (current < r.Level) gaps.Add(new Gap(r.ThemeCode, r.ThemeCode is null ? r.DomainCode : null, r.Level, current));
        }
        return gaps;
    }

    /// <summary>Required level minus current level, summed over the gaps. A gap that is met counts 0, so a list
    /// built by hand cannot lower the sum.</summary>
    public static int Shortfall(IEnumerable<Gap> gaps)
    {
        ArgumentNullException.ThrowIfNull(gaps);
        return gaps.Sum(g => g.Shortfall);
    }

    /// <summary>No shortfall: ready now; 1 or 2: ready in 1-2 years; more: ready in 3 or more years.</summary>
    public static Readiness Readiness(IEnumerable<Gap> gaps) => Shortfall(gaps) switch
    {
        0 => Succession.Readiness.ReadyNow,
        <= 2 => Succession.Readiness.Ready1To2Years,
        _ => Succession.Readiness.Ready3PlusYears,
    };

    /// <summary>A person's call overrides the computed readiness.</summary>
    public static Readiness Effective(Readiness computed, Readiness? assessed) => assessed ?? computed;

    /// <summary>Risk of a key position as of <paramref name="asOf"/> (the caller applies it to key positions only).
    /// "Within N months" means the term ends on or before asOf.AddMonths(N); a term that has already ended is within.
    /// A position with no term end is never within. <paramref name="readyNowCount"/> counts candidates whose effective
    /// readiness is ready-now.
    /// <list type="bullet">
    /// <item>high: no ready-now candidate, and vacant or the term ends within 12 months;</item>
    /// <item>medium: no ready-now candidate and the term ends within 24 months, or exactly one ready-now candidate and
    /// the term ends within 12 months;</item>
    /// <item>low: otherwise. As the contract reads, a vacant position with a ready-now candidate is low unless its term
    /// end is near, and an occupied open-ended one is low even with no ready-now candidate.</item>
    /// </list></summary>
    public static Risk Risk(bool isVacant, DateOnly? termEndsOn, DateOnly asOf, int readyNowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(readyNowCount);
        var within12 = termEndsOn is { } end12 && end12 <= asOf.AddMonths(12);
        var within24 = termEndsOn is { } end24 && end24 <= asOf.AddMonths(24);
        return readyNowCount switch
        {
            0 when isVacant || within12 => Succession.Risk.High,
            0 when within24 => Succession.Risk.Medium,
            1 when within12 => Succession.Risk.Medium,
            _ => Succession.Risk.Low,
        };
    }

    /// <summary>Why <see cref="Risk"/> says what it says, in a sentence a board member reads beside it.</summary>
    public static string RiskReason(bool isVacant, DateOnly? termEndsOn, DateOnly asOf, int readyNowCount)
    {
        var (ready, seat) = RiskReasonParts(isVacant, termEndsOn, asOf, readyNowCount);
        return ready + "; " + seat + ".";
    }

    /// <summary>The two halves of <see cref="RiskReason"/>, each a sentence of its own for a translation: who is ready, and the seat.</summary>
    public static (string Ready, string Seat) RiskReasonParts(bool isVacant, DateOnly? termEndsOn, DateOnly asOf, int readyNowCount)
    {
        var ready = readyNowCount switch { 0 => "No candidate is ready now", 1 => "One candidate is ready now", _ => $"{readyNowCount} candidates are ready now" };
        var seat = isVacant ? "the seat is vacant"
            : termEndsOn is not { } end ? "the term has no end date"
            // A report as of a later date than the term's end: it has run out, not "ends within 12 months".
            : end < asOf ? $"the term ended on {end:yyyy-MM-dd}"
            : end <= asOf.AddMonths(12) ? $"the term ends within 12 months ({end:yyyy-MM-dd})"
            : end <= asOf.AddMonths(24) ? $"the term ends within 24 months ({end:yyyy-MM-dd})"
            : $"the term ends on {end:yyyy-MM-dd}";
        return (ready, seat);
    }

    /// <summary>Key positions with at least one ready-now nominated candidate, over key positions; non-key positions do
    /// not count. The ratio is 0 when there is no key position, and is not rounded.</summary>
    public static (int KeyPositions, int WithReadyNow, double Ratio) Coverage(IEnumerable<(bool IsKey, bool HasReadyNow)> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        int keyPositions = 0, withReadyNow = 0;
        foreach (var (isKey, hasReadyNow) in positions)
        {
            if (!isKey) continue;
            keyPositions++;
            if (hasReadyNow) withReadyNow++;
        }
        return (keyPositions, withReadyNow, keyPositions == 0 ? 0d : (double)withReadyNow / keyPositions);
    }

    /// <summary>
    /// How many of the key positions could be filled at the same moment, each by a different person ready now
    /// for it: the largest matching of positions to their ready-now candidates. Coverage counts a person ready
    /// for three posts three times, yet they can take only one; this is the figure that holds if several seats
    /// empty together. Each entry is one key position's ready-now candidates (an empty one for a position with none).
    /// </summary>
    public static int FillableAtOnce(IReadOnlyList<IReadOnlyCollection<Guid>> readyNowByPosition)
    {
        ArgumentNullException.ThrowIfNull(readyNowByPosition);
        // Augmenting paths (Kuhn): a board has tens of key positions, so the simple algorithm is plenty.
        var takenBy = new Dictionary<Guid, int>();
        var filled = 0;
        for (var position = 0; position < readyNowByPosition.Count; position++)
            if (Augment(position, [])) filled++;
        return filled;

        bool Augment(int position, HashSet<Guid> tried)
        {
            foreach (var leader in readyNowByPosition[position])
            {
                if (!tried.Add(leader)) continue;
                // The leader is free, or the position they fill now can move to another of its candidates.
                if (!takenBy.TryGetValue(leader, out var other) || Augment(other, tried))
                {
                    takenBy[leader] = position;
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Each leader counted once, at the best readiness among their entries. Pass one entry per nomination to a
    /// key position, with its effective readiness; a leader may appear many times.</summary>
    public static Bench BenchStrength(IEnumerable<(Guid LeaderId, Readiness Best)> nominations)
    {
        ArgumentNullException.ThrowIfNull(nominations);
        var best = new Dictionary<Guid, Readiness>();
        foreach (var (leaderId, readiness) in nominations)
        {
            // The enum is declared best first, so the best readiness is the lowest value.
            best[leaderId] = best.TryGetValue(leaderId, out var seen) && seen < readiness ? seen : readiness;
        }
        return new Bench(
            best.Values.Count(r => r == Succession.Readiness.ReadyNow),
            best.Values.Count(r => r == Succession.Readiness.Ready1To2Years),
            best.Values.Count(r => r == Succession.Readiness.Ready3PlusYears));
    }

    /// <summary>As <see cref="BenchStrength(IEnumerable{ValueTuple{Guid, Readiness}})"/>, given every nomination with
    /// whether its position is key: nominations to non-key positions are left out.</summary>
    public static Bench BenchStrength(IEnumerable<(bool IsKey, Guid LeaderId, Readiness Readiness)> nominations)
    {
        ArgumentNullException.ThrowIfNull(nominations);
        return BenchStrength(nominations.Where(n => n.IsKey).Select(n => (n.LeaderId, n.Readiness)));
    }
}
