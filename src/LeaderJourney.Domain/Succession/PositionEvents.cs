namespace LeaderJourney.Domain.Succession;

// One stream per position, id = the position's id. Every event carries the position id, the acting user's id and
// the moment (from the command's Now). Published events are never reshaped: add a new event rather than change one.

/// <summary>What a position asks of its holder: a level in exactly one theme or one domain.
/// Exactly one of <paramref name="DomainCode"/> and <paramref name="ThemeCode"/> is set; <paramref name="Level"/> is 1..3.</summary>
public sealed record Requirement(string? DomainCode, string? ThemeCode, int Level);

/// <summary>One candidate as the slate stood when the position was filled: the readiness computed from their progress
/// at that moment, and a person's assessment if there was one. Kept so the decision can be reviewed later.</summary>
public sealed record SlateRecord(Guid LeaderId, Readiness Computed, Readiness? Assessed);

public sealed record PositionDefined(Guid PositionId, string Affiliate, string Title, bool IsKey, IReadOnlyList<Requirement> Requirements, Guid DefinedBy, DateTimeOffset DefinedAt);

public sealed record RequirementsChanged(Guid PositionId, IReadOnlyList<Requirement> Requirements, Guid ChangedBy, DateTimeOffset ChangedAt);

/// <summary>The position is no longer one of the affiliate's (abolished, or defined by mistake): it leaves today's lists and reports; those as of earlier days still show it.</summary>
public sealed record PositionRetired(Guid PositionId, Guid RetiredBy, DateTimeOffset RetiredAt);

/// <summary><paramref name="TermEndsOn"/> is the term end from then on (the one already set when the command gave none).</summary>
public sealed record IncumbentSeated(Guid PositionId, Guid LeaderId, DateOnly Since, DateOnly? TermEndsOn, Guid SeatedBy, DateTimeOffset SeatedAt);

/// <summary>The position became vacant. The term end stays: it belongs to the seat, not to the person.</summary>
public sealed record IncumbentVacated(Guid PositionId, Guid LeaderId, DateOnly On, Guid VacatedBy, DateTimeOffset VacatedAt);

/// <summary>A new term end for the seat; null means the term is open-ended.</summary>
public sealed record TermEndSet(Guid PositionId, DateOnly? TermEndsOn, Guid SetBy, DateTimeOffset SetAt);

public sealed record CandidateNominated(Guid PositionId, Guid LeaderId, [PersonalData(nameof(LeaderId))] string? Note, Guid NominatedBy, DateTimeOffset NominatedAt);

public sealed record CandidateWithdrawn(Guid PositionId, Guid LeaderId, [PersonalData(nameof(LeaderId))] string? Reason, Guid WithdrawnBy, DateTimeOffset WithdrawnAt);

/// <summary>A person's call on a candidate's readiness. It overrides the computed readiness for risk, coverage and
/// bench strength; reports show both.</summary>
public sealed record ReadinessAssessed(Guid PositionId, Guid LeaderId, Readiness Readiness, [PersonalData(nameof(LeaderId))] string Justification, Guid AssessedBy, DateTimeOffset AssessedAt);

/// <summary>The position was filled from its slate. The appointee is the incumbent from <paramref name="On"/>, replacing
/// any incumbent; the slate (every candidate, appointee included) is kept in <paramref name="Slate"/> and closed, unless
/// <paramref name="KeepOthers"/>: then the other candidates stay nominated, with their readiness judgements, as the bench
/// for the next filling. The term end stays as set (a new one follows as <see cref="TermEndSet"/>).</summary>
public sealed record Appointed(Guid PositionId, Guid LeaderId, DateOnly On, IReadOnlyList<SlateRecord> Slate, Guid AppointedBy, DateTimeOffset AppointedAt, bool KeepOthers = false);
