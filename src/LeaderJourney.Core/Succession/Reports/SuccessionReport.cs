using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Core.Succession.Reports;

/// <param name="Below">A domain's themes still below the level (<see cref="Gap.Below"/>): for the pages, not in the report's JSON.</param>
public sealed record GapView(string? ThemeCode, string? DomainCode, int Required, int Current,
    [property: System.Text.Json.Serialization.JsonIgnore] IReadOnlyList<string>? Below = null);
public sealed record CandidateView(Guid LeaderId, string DisplayName, string Readiness, string ComputedReadiness, string? AssessedReadiness, string? Justification, IReadOnlyList<GapView> Gaps)
{
    /// <summary>The day (UTC) of the judgement in <see cref="AssessedReadiness"/>: a call of long ago weighs less than the levels attained since.</summary>
    public DateOnly? AssessedOn { get; init; }
}
public sealed record IncumbentView(Guid LeaderId, string DisplayName);
public sealed record PositionView(Guid Id, string Title, IncumbentView? Incumbent, DateOnly? TermEndsOn, string Risk, IReadOnlyList<CandidateView> Candidates)
{
    /// <summary>The day a vacant seat fell vacant, when it was held before: an empty seat of long standing is the board's to know.</summary>
    public DateOnly? VacantSince { get; init; }

    /// <summary>
    /// Nominated, but withdrawn from the programme on the report's day: not among the candidates, so no readiness, risk,
    /// coverage or bench counts someone who has left; named for the pages, so the board and staff see why the slate shrank
    /// (a nomination stays on the position, and counts again if staff make the journey active again).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<IncumbentView> Left { get; init; } = [];
}
/// <param name="FillableAtOnce">How many key positions could be filled at once, each by a different person ready now
/// (<see cref="SuccessionRules.FillableAtOnce"/>); null in a report issued before it was counted.</param>
public sealed record CoverageView(int KeyPositions, int WithReadyNowSuccessor, double Ratio, int? FillableAtOnce)
{
    /// <summary>Whether some people are ready now for more than one key position, so fewer could be filled at once than are covered.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Shared => FillableAtOnce < WithReadyNowSuccessor;
}
public sealed record SuggestedView(Guid PositionId, Guid LeaderId, string DisplayName)
{
    /// <summary>Whether the leader's journey was paused on the report's day: the board's page says so (a break is not a no), the API's contract does not carry it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Paused { get; init; }
}

/// <summary>The succession report of API.md: key positions with incumbent, term end, risk and slate; coverage; bench strength; suggested leaders.</summary>
public sealed record SuccessionReport(
    string Affiliate, DateTimeOffset AsOf, DateTimeOffset GeneratedAt, CoverageView Coverage, IReadOnlyList<PositionView> Positions, Bench BenchStrength,
    IReadOnlyList<SuggestedView> Suggested)
{
    /// <summary>
    /// Builds the report from the affiliate's positions and leaders as they stood at <paramref name="asOf"/>.
    /// A person's readiness assessment overrides the computed readiness wherever readiness counts (risk,
    /// coverage, bench); both are shown. Withdrawn leaders are neither candidates (<see cref="PositionView.Left"/>) nor suggested.
    /// </summary>
    /// <param name="suggest">Whether to weigh <paramref name="leaders"/> (then every leader of the affiliate) for the suggested list.</param>
    public static SuccessionReport Build(string affiliate, DateTimeOffset asOf, DateTimeOffset generatedAt, IReadOnlyList<Position> positions, IReadOnlyList<LeaderAt> leaders,
        bool suggest = true)
    {
        var byId = leaders.ToDictionary(l => l.Id);
        var asOfDate = DateOnly.FromDateTime(asOf.UtcDateTime);
        var keyPositions = positions.Where(p => p.IsKey).OrderBy(p => p.Title, StringComparer.Ordinal).ThenBy(p => p.Id).ToList();
        var views = new List<PositionView>();
        var coverage = new List<(bool IsKey, bool HasReadyNow)>();
        var readyNowByPosition = new List<IReadOnlyCollection<Guid>>();
        var bench = new List<(Guid LeaderId, Readiness Best)>();
        var suggested = new List<SuggestedView>();

        foreach (var position in keyPositions)
        {
            var candidates = new List<CandidateView>();
            var left = new List<IncumbentView>();
            foreach (var candidate in position.Candidates)
            {
                if (!byId.TryGetValue(candidate.LeaderId, out var leader)) continue;
                if (leader.Status == "withdrawn")
                {
                    left.Add(new IncumbentView(leader.Id, leader.DisplayName));
                    continue;
                }
                var gaps = Gaps(position, leader);
                var computed = SuccessionRules.Readiness(gaps);
                var effective = candidate.Effective(computed);
                bench.Add((leader.Id, effective));
                candidates.Add(new CandidateView(leader.Id, leader.DisplayName, ReadinessNames.ToApi(effective), ReadinessNames.ToApi(computed),
                    candidate.Assessed is { } assessed ? ReadinessNames.ToApi(assessed) : null, candidate.Justification,
                    gaps.Select(g => new GapView(g.ThemeCode, g.DomainCode, g.Required, g.Current, g.Below)).ToArray())
                {
                    AssessedOn = candidate.Assessed is null || candidate.AssessedAt is not { } at ? null : DateOnly.FromDateTime(at.UtcDateTime),
                });
            }
            var readyNow = candidates.Count(c => c.Readiness == ReadinessNames.ToApi(Readiness.ReadyNow));
            coverage.Add((true, readyNow > 0));
            readyNowByPosition.Add(candidates.Where(c => c.Readiness == ReadinessNames.ToApi(Readiness.ReadyNow)).Select(c => c.LeaderId).ToArray());
            var risk = SuccessionRules.Risk(position.IsVacant, position.Incumbent.TermEndsOn, asOfDate, readyNow);
            var incumbent = position.Incumbent.LeaderId is { } holder
                ? new IncumbentView(holder, byId.TryGetValue(holder, out var h) ? h.DisplayName : "")
                : null;
            views.Add(new PositionView(position.Id, position.Title, incumbent, position.Incumbent.TermEndsOn, RiskNames.ToApi(risk), candidates)
                { VacantSince = position.Incumbent.VacantSince, Left = left });

            if (!suggest) continue;
            suggested.AddRange(Suggest(position, leaders).Select(leader => new SuggestedView(position.Id, leader.Id, leader.DisplayName) { Paused = leader.Status == "paused" }));
        }

        var (keys, withReadyNow, ratio) = SuccessionRules.Coverage(coverage);
        return new SuccessionReport(affiliate, asOf, generatedAt, new CoverageView(keys, withReadyNow, ratio, SuccessionRules.FillableAtOnce(readyNowByPosition)), views, SuccessionRules.BenchStrength(bench), suggested);
    }

    /// <summary>The positions' own people (candidates and incumbents): all a report without suggestions names.</summary>
    public static IEnumerable<Guid> PeopleOf(IEnumerable<Position> positions) =>
        positions.SelectMany(p => p.Candidates.Select(c => c.LeaderId).Concat(p.Incumbent.LeaderId is { } holder ? [holder] : []));

    /// <summary>The leaders who meet every requirement of the position and neither hold it nor are nominated to it; withdrawn and erased ones left out (an erased one has no name to nominate by).</summary>
    public static IEnumerable<LeaderAt> Suggest(Position position, IEnumerable<LeaderAt> leaders) =>
        leaders.Where(l => l.Status != "withdrawn" && l.DisplayName != Domain.Leaders.Leader.ErasedName && l.Id != position.Incumbent.LeaderId && !position.IsNominated(l.Id)
            && SuccessionRules.MeetsAll(position.Requirements, l.ThemeLevel, l.DomainLevel));

    /// <summary>
    /// When nobody meets every requirement: the <paramref name="count"/> leaders who could be nominated and
    /// fall short by the least (levels missing, summed), each with their gaps, nearest first, then by name.
    /// </summary>
    public static IReadOnlyList<(LeaderAt Leader, IReadOnlyList<Gap> Gaps)> Closest(Position position, IEnumerable<LeaderAt> leaders, int count) =>
        [.. leaders.Where(l => l.Status != "withdrawn" && l.DisplayName != Domain.Leaders.Leader.ErasedName && l.Id != position.Incumbent.LeaderId && !position.IsNominated(l.Id))
            .Select(l => (Leader: l, Gaps: SuccessionRules.Gaps(position.Requirements, l.ThemeLevel, l.DomainLevel)))
            .OrderBy(c => SuccessionRules.Shortfall(c.Gaps)).ThenBy(c => c.Leader.DisplayName, StringComparer.CurrentCulture)
            .Take(count)
            // The themes below are named for those shown only: every leader of the affiliate is weighed above.
            .Select(c => (c.Leader, WithThemesBelow(c.Gaps, c.Leader)))];

    /// <summary>The requirements not met, a domain's naming its themes still below the level.</summary>
    public static IReadOnlyList<Gap> Gaps(Position position, LeaderAt leader) =>
        WithThemesBelow(SuccessionRules.Gaps(position.Requirements, leader.ThemeLevel, leader.DomainLevel), leader);

    /// <summary>A domain's gap with its themes below the level, in the framework's order: a domain stands at its lowest theme, so
    /// "needs Level 1 in every theme" alone does not say which.</summary>
    private static IReadOnlyList<Gap> WithThemesBelow(IReadOnlyList<Gap> gaps, LeaderAt leader) =>
        [.. gaps.Select(g => g.DomainCode is { } domain && leader.Scope.DomainThemes.ContainsKey(domain)
            ? g with { Below = [.. leader.Scope.ThemeCodes.Where(t => leader.Scope.ThemeToDomain[t] == domain && leader.ThemeLevel(t) < g.Required)] }
            : g)];
}
