namespace LeaderJourney.Domain.Leaders;

/// <summary>The public attainment rule: Level N of a theme is attained when (1) N is 1 or Level N-1 is attained,
/// (2) there is learning at Level N (a training at N, or a mentor or peer assessment at N or above), and
/// (3) enough mentors, each assigned to the leader when they signed, have signed off Level N
/// (<see cref="AttainmentPolicy.RequiredSignOffs"/>, 1 by default).</summary>
public static class AttainmentRule
{
    /// <summary>The clauses naming the stream versions that satisfy the rule now, or null when the rule is not met.
    /// "previous-level" is left out for Level 1, where no event is needed to satisfy it.</summary>
    public static IReadOnlyList<AttainmentClause>? Evaluate(Leader state, string themeCode, int level, AttainmentPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        var clauses = new List<AttainmentClause>(3);

        if (level > 1)
        {
            var previous = state.AttainmentOf(themeCode, level - 1);
            if (previous is null) return null;
            clauses.Add(new AttainmentClause(AttainmentClause.PreviousLevel, [previous.Version]));
        }

        long[] learning = [.. LearningAt(state, themeCode, level)
            .SelectMany(f => f.Versions)
            .Order()];
        if (learning.Length == 0) return null;
        clauses.Add(new AttainmentClause(AttainmentClause.Learning, learning));

        // "A mentor assigned to the leader at that moment": a sign-off counts when its mentor was assigned
        // when it was made; unassigning the mentor later does not undo it.
        var signOffs = CountingSignOffs(state, themeCode, level).OrderBy(s => s.Version).ToList();
        if (signOffs.Select(s => s.MentorUserId).Distinct().Count() < policy.RequiredSignOffs(level)) return null;
        clauses.Add(new AttainmentClause(AttainmentClause.SignOff, [.. signOffs.Select(s => s.Version)]));

        return clauses;
    }

    /// <summary>
    /// What Level N of a theme still lacks under the rule, clause by clause: nothing when it is attained.
    /// Mentors and leaders are told this, so that a sign-off given before any learning is not mistaken
    /// for an attained level, and nobody asks again for a sign-off that already stands.
    /// </summary>
    public static LevelNeeds Needs(Leader state, string themeCode, int level, AttainmentPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        if (state.HasAttained(themeCode, level)) return LevelNeeds.None;
        var signOffs = CountingSignOffs(state, themeCode, level).Select(s => s.MentorUserId).Distinct().Count();
        return new LevelNeeds(
            PreviousLevel: level > 1 && state.AttainmentOf(themeCode, level - 1) is null,
            Learning: !LearningAt(state, themeCode, level).Any(),
            SignOffs: Math.Max(0, policy.RequiredSignOffs(level) - signOffs));
    }

    private static IEnumerable<LearningFact> LearningAt(Leader state, string themeCode, int level) =>
        state.Learning.Where(f => f.ThemeCode == themeCode && f.CountsFor(level));

    private static IEnumerable<StandingSignOff> CountingSignOffs(Leader state, string themeCode, int level) =>
        state.SignOffs.Where(s => s.ThemeCode == themeCode && s.Level == level && state.WasMentorAtVersion(s.MentorUserId, s.Version));
}

/// <summary>What a level still lacks: the level below it, learning at it, and how many more mentors' sign-offs.</summary>
public sealed record LevelNeeds(bool PreviousLevel, bool Learning, int SignOffs)
{
    public static readonly LevelNeeds None = new(false, false, 0);

    /// <summary>Every sign-off it needs stands, and it waits for learning or the level below: a request would reach mentors whose sign-off can change nothing.</summary>
    public bool SignedOffAndWaiting => SignOffs == 0 && (Learning || PreviousLevel);
}
