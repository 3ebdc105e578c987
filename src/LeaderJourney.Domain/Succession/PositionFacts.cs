namespace LeaderJourney.Domain.Succession;

// The facts a Position's state holds.

/// <summary>Who holds the seat and until when. The term end belongs to the seat (an elected or fixed term), so it
/// outlives a vacancy; <see cref="LeaderId"/> and <see cref="Since"/> are null while the position is vacant.</summary>
public sealed record Incumbency(Guid? LeaderId, DateOnly? Since, DateOnly? TermEndsOn)
{
    public static Incumbency None { get; } = new(null, null, null);

    public bool IsVacant => LeaderId is null;

    /// <summary>The day the seat fell vacant (<see cref="IncumbentVacated"/>), while it is; null when held, or never held.</summary>
    public DateOnly? VacantSince { get; init; }
}

/// <summary>A nominated candidate, in nomination order. <see cref="Assessed"/> is a person's call on their readiness,
/// with its justification; null until someone assesses them.</summary>
public sealed record Candidate(
    Guid LeaderId,
    string? Note,
    Guid NominatedBy,
    DateTimeOffset NominatedAt,
    Readiness? Assessed,
    string? Justification,
    Guid? AssessedBy,
    DateTimeOffset? AssessedAt)
{
    /// <summary>The readiness that counts for risk, coverage and bench: a person's call overrides the computed one.</summary>
    public Readiness Effective(Readiness computed) => SuccessionRules.Effective(computed, Assessed);
}

/// <summary>One filling of the position: who, from when, whom they replaced (null when it was vacant), and the closed slate.</summary>
public sealed record AppointmentRecord(
    Guid LeaderId,
    DateOnly On,
    Guid? Replaced,
    IReadOnlyList<SlateRecord> Slate,
    Guid AppointedBy,
    DateTimeOffset AppointedAt,
    long Version);
