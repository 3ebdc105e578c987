namespace LeaderJourney.Domain.Leaders;

// One stream per leader. Published events are never reshaped: add a new event rather than change one.

public enum AssessmentKind { Self, Mentor, Peer }

/// <summary>One clause of the attainment rule and the stream versions of the events that satisfied it.
/// Rule is one of <see cref="AttainmentClause.PreviousLevel"/>, <see cref="AttainmentClause.Learning"/>, <see cref="AttainmentClause.SignOff"/>.</summary>
public sealed record AttainmentClause(string Rule, IReadOnlyList<long> EventVersions)
{
    public const string PreviousLevel = "previous-level";
    public const string Learning = "learning";
    public const string SignOff = "sign-off";
}

public sealed record LeaderEnrolled(Guid LeaderId, string Affiliate, string? Local, [PersonalData] string DisplayName, [PersonalData] string Email, Guid FrameworkEditionId, Guid EnrolledBy, DateTimeOffset EnrolledAt);

public sealed record LeaderProfileChanged(Guid LeaderId, [PersonalData] string DisplayName, [PersonalData] string Email, string? Local, Guid ChangedBy, DateTimeOffset ChangedAt);

public sealed record MentorAssigned(Guid LeaderId, Guid MentorUserId, Guid AssignedBy, DateTimeOffset AssignedAt);

public sealed record MentorUnassigned(Guid LeaderId, Guid MentorUserId, Guid UnassignedBy, DateTimeOffset UnassignedAt);

public sealed record TrainingCompleted(Guid LeaderId, Guid TrainingId, string Title, string ThemeCode, int Level, decimal? Hours, DateOnly CompletedOn, Guid RecordedBy, DateTimeOffset RecordedAt);

public sealed record AssessmentRecorded(Guid LeaderId, Guid AssessmentId, string ThemeCode, int Level, AssessmentKind Kind, [PersonalData] string? Note, Guid AssessorUserId, DateTimeOffset RecordedAt);

public sealed record EvidenceAdded(Guid LeaderId, Guid EvidenceId, string ThemeCode, int Level, [PersonalData] string? Link, [PersonalData] string? Note, Guid AddedBy, DateTimeOffset AddedAt);

/// <summary>A training recorded by mistake (the wrong theme, level or leader, or twice) no longer counts.</summary>
/// <param name="TrainingVersion">The stream version of the training's own event: the learning it counted as goes with it.</param>
public sealed record TrainingWithdrawn(Guid LeaderId, Guid TrainingId, string ThemeCode, int Level, long TrainingVersion, [PersonalData] string? Reason, Guid WithdrawnBy, DateTimeOffset WithdrawnAt)
{
    /// <summary>The reason a level taken back with a training withdrawn without one keeps (said in the reader's language).</summary>
    public const string LevelTakenBackReason = "The training it stood on was withdrawn.";
}

/// <summary>An assessment recorded by mistake (the wrong theme, level or leader, or a tap too many) no longer counts.</summary>
/// <param name="Kind">The assessment's kind: a mentor's or a peer's was learning, and that learning goes with it.</param>
/// <param name="AssessmentVersion">The stream version of the assessment's own event.</param>
public sealed record AssessmentWithdrawn(Guid LeaderId, Guid AssessmentId, string ThemeCode, int Level, AssessmentKind Kind, long AssessmentVersion,
    [PersonalData] string? Reason, Guid WithdrawnBy, DateTimeOffset WithdrawnAt)
{
    /// <summary>The reason a level taken back with an assessment withdrawn without one keeps (said in the reader's language).</summary>
    public const string LevelTakenBackReason = "The assessment it stood on was withdrawn.";
}

/// <summary>A piece of evidence added by mistake is no longer shown to the mentors.</summary>
public sealed record EvidenceWithdrawn(Guid LeaderId, Guid EvidenceId, string ThemeCode, int Level, [PersonalData] string? Reason, Guid WithdrawnBy, DateTimeOffset WithdrawnAt);

/// <param name="WaitingSince">Set when a request is put back (a mentor's undo): when the request the undone sign-off answered was asked, so the wait does not start over while the event keeps its own date.</param>
public sealed record SignOffRequested(Guid LeaderId, string ThemeCode, int Level, Guid RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? WaitingSince = null)
{
    /// <summary>When the wait for a sign-off began (a method, so that no third date is stored with the event).</summary>
    public DateTimeOffset Waiting() => WaitingSince ?? RequestedAt;
}

/// <summary>A request still waiting was taken back by the leader or staff: it leaves the mentors' queue.</summary>
public sealed record SignOffRequestWithdrawn(Guid LeaderId, string ThemeCode, int Level, Guid WithdrawnBy, DateTimeOffset WithdrawnAt);

public sealed record LevelSignedOff(Guid LeaderId, string ThemeCode, int Level, Guid MentorUserId, [PersonalData] string? Note, DateTimeOffset SignedOffAt);

public sealed record SignOffDeclined(Guid LeaderId, string ThemeCode, int Level, Guid MentorUserId, [PersonalData] string Reason, DateTimeOffset DeclinedAt);

/// <summary>
/// The mentor took back their decline while it was still the last word on its level (a wrong tap, a mind changed):
/// the request it answered waits again, since <paramref name="RequestWaitingSince"/> as before. The decline at
/// <paramref name="DeclineVersion"/> stays in the stream; readers show it as withdrawn.
/// </summary>
public sealed record SignOffDeclineWithdrawn(Guid LeaderId, string ThemeCode, int Level, Guid MentorUserId, long DeclineVersion,
    DateTimeOffset RequestWaitingSince, DateTimeOffset WithdrawnAt);

/// <summary>Withdraws the standing sign-off of <paramref name="MentorUserId"/> for that theme and level.</summary>
public sealed record SignOffRevoked(Guid LeaderId, string ThemeCode, int Level, Guid MentorUserId, [PersonalData] string Reason, Guid RevokedBy, DateTimeOffset RevokedAt);

public sealed record LevelAttained(Guid LeaderId, string ThemeCode, int Level, IReadOnlyList<AttainmentClause> Provenance, DateTimeOffset AttainedAt);

public sealed record LevelAttainmentRevoked(Guid LeaderId, string ThemeCode, int Level, [PersonalData] string Reason, Guid RevokedBy, DateTimeOffset RevokedAt);

public sealed record LeaderPaused(Guid LeaderId, [PersonalData] string? Reason, Guid PausedBy, DateTimeOffset PausedAt);

public sealed record LeaderWithdrawn(Guid LeaderId, [PersonalData] string? Reason, Guid WithdrawnBy, DateTimeOffset WithdrawnAt);

public sealed record LeaderReactivated(Guid LeaderId, Guid ReactivatedBy, DateTimeOffset ReactivatedAt);

/// <summary>
/// The leader's personal data was erased (their keys shredded) at an admin's request. It carries no
/// personal data itself: the reason is checked to name neither the leader nor their email.
/// </summary>
public sealed record LeaderErased(Guid LeaderId, string Reason, Guid ErasedBy, DateTimeOffset ErasedAt);

public sealed record PositionHeld(Guid LeaderId, string Title, DateOnly From, DateOnly? To, Guid RecordedBy, DateTimeOffset RecordedAt);
