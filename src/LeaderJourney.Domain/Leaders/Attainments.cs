namespace LeaderJourney.Domain.Leaders;

/// <summary>Appends attainments and their revocations to a decision. Public contract: the attainment is recorded as its
/// own event, in the same append as the event that completed the rule, naming the events that satisfied it.</summary>
internal static class Attainments
{
    /// <summary>The decision's events followed by every level of the theme they complete, in level order.
    /// Attaining Level N can complete Level N+1 (its learning and sign-off already standing): the cascade is one decision.</summary>
    public static IReadOnlyList<object> Following(Leader state, IReadOnlyList<object> events, string themeCode, AttainmentPolicy policy, DateTimeOffset now)
    {
        var result = new List<object>(events);
        var s = events.Aggregate(state, Leader.Evolve);
        while (true)
        {
            var next = s.LevelOf(themeCode) + 1;
            if (AttainmentRule.Evaluate(s, themeCode, next, policy) is not { } clauses) return result;
            var attained = new LevelAttained(s.Id, themeCode, next, clauses, now);
            result.Add(attained);
            s = Leader.Evolve(s, attained);
        }
    }

    /// <summary>Revokes the level and every higher attained level of the theme, highest first, so the attained levels
    /// stay 1..n at every point of the stream.</summary>
    public static IEnumerable<object> RevokedFrom(Leader s, string themeCode, int level, string reason, Guid revokedBy, DateTimeOffset now)
    {
        for (var l = s.LevelOf(themeCode); l >= level; l--)
            yield return new LevelAttainmentRevoked(s.Id, themeCode, l, reason, revokedBy, now);
    }
}
