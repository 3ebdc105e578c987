using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Core.Demo.Generate;

/// <summary>
/// An affiliate's positions as its staff would have kept them: the officer positions (five of them key)
/// and, in bigger affiliates, a region director per 2,000 leaders; some filled from a slate in the past,
/// the others held since they were defined; each with a current slate of nominees (a few withdrawn),
/// readiness calls on some, and now and then a seat fallen vacant. Every event is decided by
/// <see cref="PositionDecider"/>, in time order, up to the reference date.
/// </summary>
internal sealed class PositionScript
{
    private sealed record Title(string Name, bool IsKey, Requirement[] Requirements);

    private static readonly Title[] Officers =
    [
        new("President", true, [new(null, "GOV.1", 2), new("ADV", null, 1), new(null, "COM.1", 2)]),
        new("Vice President", true, [new(null, "GOV.1", 1), new(null, "ADV.1", 2)]),
        new("Treasurer", true, [new(null, "SFH.1", 2), new(null, "SFH.2", 1)]),
        new("Secretary", true, [new(null, "COM.1", 1), new(null, "GOV.2", 1)]),
        new("Organizing Director", true, [new("ORG", null, 1), new(null, "ORG.1", 2)]),
        new("Communications Committee Chair", false, [new(null, "COM.2", 1)]),
    ];

    public const int LeadersPerRegion = 2000;

    private static readonly string[] Justifications =
    [
        "Strong organizer; needs a term on the budget committee.", "Has chaired two committees and led the last campaign.",
        "Promising, but new to governance work.", "Ready: has done the job in all but name this past year.",
    ];
    private static readonly string[] WithdrawReasons = ["Declined the nomination", "Took a position with another local", "Family reasons"];

    private readonly Random _random;
    private readonly AffiliateCast _cast;
    private readonly FrameworkScope _framework;
    private readonly DateTimeOffset _now;
    // The likeliest nominees first: active leaders with the most attained levels.
    private readonly List<LeaderSummary> _pool;

    private PositionScript(Random random, AffiliateCast cast, FrameworkScope framework, IReadOnlyList<LeaderSummary> leaders, DateTimeOffset now)
    {
        _random = random;
        _cast = cast;
        _framework = framework;
        _now = now;
        _pool = [.. leaders.Where(l => l.ActiveAtEnd).OrderByDescending(l => l.Attained.Count).ThenBy(l => l.Id)];
    }

    /// <summary>The position streams of one affiliate: (position id, events).</summary>
    public static IEnumerable<(Guid Id, IReadOnlyList<object> Events)> Write(
        Random random, AffiliateCast cast, FrameworkScope framework, IReadOnlyList<LeaderSummary> leaders, DateTimeOffset now)
    {
        var script = new PositionScript(random, cast, framework, leaders, now);
        var regions = Enumerable.Range(1, leaders.Count / LeadersPerRegion)
            .Select(n => new Title($"Region {n} Director", false, [new("ORG", null, 1), new(null, "ORG.1", 2)]));
        foreach (var title in Officers.Concat(regions))
            yield return script.One(title);
    }

    private (Guid Id, IReadOnlyList<object> Events) One(Title title)
    {
        var id = _random.NewId();
        var requirements = Known(title.Requirements);
        var state = Position.Initial;
        var events = new List<object>(16);
        void Decide(object command)
        {
            IReadOnlyList<object> decided;
            try
            {
                decided = PositionDecider.Decide(command, state);
            }
            catch (DomainRuleException e)
            {
                throw new InvalidOperationException($"The generator asked for a position step the rules refuse ({command.GetType().Name}, {title.Name}): {e.Message}", e);
            }
            foreach (var e in decided)
            {
                events.Add(e);
                state = Position.Evolve(state, e);
            }
        }

        // Defined three to four years back; every later step falls between the last one and the reference date.
        var at = _now.AddDays(-_random.Next(3 * 365, 4 * 365));
        DateTimeOffset Later() => at = at.AddMinutes(Math.Floor((_now - at).TotalMinutes * (0.05 + 0.2 * _random.NextDouble())));
        DateOnly TermEnd() => DateOnly.FromDateTime(_now.UtcDateTime).AddMonths(_random.Next(2, 31));

        var filledFromSlate = _random.Chance(1.0 / 3);
        var holder = filledFromSlate ? null : Nominees(at, 1, []).FirstOrDefault();
        Decide(new DefinePosition(id, _cast.Code, title.Name, title.IsKey, requirements, holder?.Id,
            holder is not null || _random.Chance(0.5) ? TermEnd() : null, _cast.Staff, at));

        if (filledFromSlate)
        {
            // An earlier filling: a slate of two to four, one readiness call, the appointment with a new term.
            foreach (var nominee in Nominees(Later(), _random.Next(2, 5), []))
                Decide(new NominateCandidate(nominee.Id, null, _cast.Staff, at));
            if (state.Candidates.Count > 0)
            {
                Decide(new AssessReadiness(state.Candidates[0].LeaderId, Readiness.ReadyNow, _random.Pick(Justifications), _cast.Staff, Later()));
                var on = DateOnly.FromDateTime(Later().UtcDateTime);
                var slate = state.Candidates.Select(c => new SlateEntry(c.LeaderId, Computed(c.LeaderId, requirements, at))).ToList();
                var appointee = _random.Chance(0.7) ? state.Candidates[0].LeaderId : _random.Pick(state.Candidates).LeaderId;
                Decide(new Appoint(appointee, on, slate, TermEnd(), _cast.Staff, at));
            }
        }

        // The current slate: three to six nominees over time, now and then one withdrawn, calls on a few.
        var taken = state.Incumbent.LeaderId is { } incumbent ? new HashSet<Guid> { incumbent } : [];
        foreach (var nominee in Nominees(Later(), _random.Next(3, 7), taken))
        {
            Decide(new NominateCandidate(nominee.Id, _random.Chance(0.2) ? "Nominated by the local president." : null, _cast.Staff, at));
            Later();
        }
        if (state.Candidates.Count > 3 && _random.Chance(0.15))
            Decide(new WithdrawCandidate(_random.Pick(state.Candidates).LeaderId, _random.Pick(WithdrawReasons), _cast.Staff, Later()));
        foreach (var candidate in state.Candidates.Take(_random.Next(0, 3)).ToList())
            Decide(new AssessReadiness(candidate.LeaderId, (Readiness)_random.Weighted([30, 50, 20]), _random.Pick(Justifications), _cast.Staff, Later()));
        if (title.IsKey && state.Incumbent.LeaderId is { } sitting && _random.Chance(0.1))
            Decide(new VacateIncumbent(sitting, DateOnly.FromDateTime(Later().UtcDateTime), _cast.Staff, at));
        return (id, events);
    }

    /// <summary>Up to <paramref name="count"/> leaders enrolled by <paramref name="at"/>, drawn from the front of the pool with some luck.</summary>
    private List<LeaderSummary> Nominees(DateTimeOffset at, int count, HashSet<Guid> taken)
    {
        var picked = new List<LeaderSummary>(count);
        bool Eligible(LeaderSummary leader) => leader.EnrolledAt <= at && !taken.Contains(leader.Id) && picked.All(p => p.Id != leader.Id);
        if (_pool.Count == 0) return picked;
        var window = Math.Min(_pool.Count, 10 + _pool.Count / 20);
        for (var tries = 0; picked.Count < count && tries < count * 20; tries++)
        {
            var leader = _pool[_random.Next(window)];
            if (Eligible(leader)) picked.Add(leader);
        }
        // A young or small affiliate may have too few eligible leaders up front: look through the rest in order.
        foreach (var leader in _pool)
        {
            if (picked.Count >= count) break;
            if (Eligible(leader)) picked.Add(leader);
        }
        return picked;
    }

    /// <summary>The readiness the app would compute for the leader at that moment (the slate of an appointment records it).</summary>
    private Readiness Computed(Guid leaderId, IReadOnlyList<Requirement> requirements, DateTimeOffset at)
    {
        var leader = _pool.First(l => l.Id == leaderId);
        int ThemeLevel(string theme) => leader.LevelAt(theme, at);
        int DomainLevel(string domain) => _framework.DomainThemes.TryGetValue(domain, out var themes) ? themes.Min(ThemeLevel) : 0;
        return SuccessionRules.Readiness(SuccessionRules.Gaps(requirements, ThemeLevel, DomainLevel));
    }

    /// <summary>The requirements the leaders' framework has; a position whose requirements it lacks asks for Level 1 of its first theme.</summary>
    private Requirement[] Known(Requirement[] requirements)
    {
        var known = requirements.Where(r => r.ThemeCode is { } t ? _framework.ThemeToDomain.ContainsKey(t) : _framework.DomainThemes.ContainsKey(r.DomainCode!)).ToArray();
        return known.Length > 0 ? known : [new Requirement(null, _framework.ThemeCodes[0], 1)];
    }
}
