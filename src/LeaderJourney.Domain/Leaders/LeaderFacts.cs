namespace LeaderJourney.Domain.Leaders;

// The facts a Leader's state holds. Each fact keeps the stream version of the event that
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

public sealed record StandingSignOff(string ThemeCode, int Level, Guid MentorUserId, long Version, DateTimeOffset At);

public enum LearningSource { Training, MentorAssessment, PeerAssessment }

/// <summary>Learning that counts toward attainment. Self-assessments never become one.</summary>
public sealed record LearningFact(string ThemeCode, int Level, LearningSource Source, long Version)
{
    // Public contract: a training counts at its own level; a mentor or peer assessment
    // at Level L shows learning for every level up to L.
    public bool CountsFor(int level) => Source == LearningSource.Training ? Level == level : Level >= level;
}

public sealed record TrainingRecord(Guid TrainingId, string Title, string ThemeCode, int Level, decimal? Hours, DateOnly CompletedOn, long Version);

public sealed record AssessmentRecord(Guid AssessmentId, string ThemeCode, int Level, AssessmentKind Kind, string? Note, Guid AssessorUserId, long Version);

public sealed record EvidenceRecord(Guid EvidenceId, string ThemeCode, int Level, string? Link, string? Note, long Version);

public sealed record PositionRecord(string Title, DateOnly From, DateOnly? To, long Version);
