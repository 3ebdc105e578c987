using System.Collections.Immutable;

namespace LeaderJourney.Domain.Leaders;

// The facts a Leader's state holds. Each fact keeps the stream versions of the events that
// recorded it, so an attainment can name the events that satisfied its rule.

public enum LeaderStatus { NotEnrolled, Active, Paused, Withdrawn }

/// <summary>One spell of a mentor's assignment; open while <see cref="UnassignedVersion"/> is null.</summary>
public sealed record MentorAssignment(Guid MentorUserId, long AssignedVersion, DateTimeOffset AssignedAt, long? UnassignedVersion, DateTimeOffset? UnassignedAt)
{
    public bool CoversVersion(long version) => AssignedVersion < version && (UnassignedVersion is null || UnassignedVersion > version);

    public bool CoversMoment(DateTimeOffset moment) => AssignedAt <= moment && (UnassignedAt is null || UnassignedAt > moment);
}

public sealed record Attainment(string ThemeCode, int Level, DateTimeOffset AttainedAt, long Version, IReadOnlyList<AttainmentClause> Provenance);

public sealed record PendingSignOff(string ThemeCode, int Level, DateTimeOffset RequestedAt, long Version);

/// <summary>
/// A mentor's decline that is still the last word on its level (nothing asked, answered or attained there since): the
/// mentor may withdraw it, and the request waits again as old as it was (<see cref="RequestWaitingSince"/>).
/// </summary>
public sealed record StandingDecline(string ThemeCode, int Level, Guid MentorUserId, long Version, DateTimeOffset RequestWaitingSince);

/// <param name="AnsweredRequestAt">When the request this sign-off answered was asked (none answered: null), so that a sign-off undone puts the request back as old as it was.</param>
public sealed record StandingSignOff(string ThemeCode, int Level, Guid MentorUserId, long Version, DateTimeOffset At, DateTimeOffset? AnsweredRequestAt = null);

public enum LearningSource { Training, MentorAssessment, PeerAssessment }

/// <summary>Learning that counts toward attainment, of one source at one level of a theme: the stream versions
/// of the events that showed it, in stream order. Self-assessments never become one. Kept grouped so a leader
/// with 300 trainings in a theme holds one fact of 300 numbers, not 300 facts.</summary>
public sealed record LearningFact(string ThemeCode, int Level, LearningSource Source, ImmutableList<long> Versions)
{
    // Public contract: a training counts at its own level; a mentor or peer assessment
    // at Level L shows learning for every level up to L.
    public bool CountsFor(int level) => Source == LearningSource.Training ? Level == level : Level >= level;

    /// <summary>The learning with the event at <paramref name="version"/> added to its fact.</summary>
    public static ImmutableList<LearningFact> Add(ImmutableList<LearningFact> learning, string themeCode, int level, LearningSource source, long version)
    {
        var i = learning.FindIndex(f => f.ThemeCode == themeCode && f.Level == level && f.Source == source);
        return i < 0
            ? learning.Add(new LearningFact(themeCode, level, source, [version]))
            : learning.SetItem(i, learning[i] with { Versions = learning[i].Versions.Add(version) });
    }

    /// <summary>The learning without the event at <paramref name="version"/> (a training withdrawn); a fact left with no event goes.</summary>
    public static ImmutableList<LearningFact> Remove(ImmutableList<LearningFact> learning, string themeCode, int level, LearningSource source, long version)
    {
        var i = learning.FindIndex(f => f.ThemeCode == themeCode && f.Level == level && f.Source == source);
        if (i < 0) return learning;
        var versions = learning[i].Versions.Remove(version);
        return versions.IsEmpty ? learning.RemoveAt(i) : learning.SetItem(i, learning[i] with { Versions = versions });
    }
}

public sealed record PositionRecord(string Title, DateOnly From, DateOnly? To, long Version);
