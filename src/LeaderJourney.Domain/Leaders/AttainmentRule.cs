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

        long[] learning = [.. state.Learning
            .Where(f => f.ThemeCode == themeCode && f.CountsFor(level))
            .SelectMany(f => f.Versions)
            .Order()];
        if (learning.Length == 0) return null;
        clauses.Add(new AttainmentClause(AttainmentClause.Learning, learning));

        // "A mentor assigned to the leader at that moment": a sign-off counts when its mentor was assigned
        // when it was made; unassigning the mentor later does not undo it.
        var signOffs = state.SignOffs
            .Where(s => s.ThemeCode == themeCode && s.Level == level && state.WasMentorAtVersion(s.MentorUserId, s.Version))
            .OrderBy(s => s.Version)
            .ToList();
        if (signOffs.Select(s => s.MentorUserId).Distinct().Count() < policy.RequiredSignOffs(level)) return null;
        clauses.Add(new AttainmentClause(AttainmentClause.SignOff, [.. signOffs.Select(s => s.Version)]));

        return clauses;
    }
}
