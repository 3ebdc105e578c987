namespace LeaderJourney.Domain.Leaders;

// Commands carry who acts and when, so a decision is repeatable and needs no clock.
// All but Enroll address the leader by the stream they are decided against.

public sealed record Enroll(Guid LeaderId, string Affiliate, string? Local, string DisplayName, string Email, Guid FrameworkEditionId, Actor Actor, DateTimeOffset Now);

public sealed record ChangeProfile(string DisplayName, string Email, string? Local, Actor Actor, DateTimeOffset Now);

public sealed record AssignMentor(Guid MentorUserId, Actor Actor, DateTimeOffset Now);

public sealed record UnassignMentor(Guid MentorUserId, Actor Actor, DateTimeOffset Now);

public sealed record RecordTraining(Guid TrainingId, string Title, string ThemeCode, int Level, decimal? Hours, DateOnly CompletedOn, Actor Actor, DateTimeOffset Now);

public sealed record RecordAssessment(Guid AssessmentId, string ThemeCode, int Level, AssessmentKind Kind, string? Note, Actor Actor, DateTimeOffset Now);

public sealed record AddEvidence(Guid EvidenceId, string ThemeCode, int Level, string? Link, string? Note, Actor Actor, DateTimeOffset Now);

public sealed record RequestSignOff(string ThemeCode, int Level, Actor Actor, DateTimeOffset Now);

public sealed record SignOff(string ThemeCode, int Level, string? Note, Actor Actor, DateTimeOffset Now);

public sealed record DeclineSignOff(string ThemeCode, int Level, string Reason, Actor Actor, DateTimeOffset Now);

public sealed record RevokeSignOff(string ThemeCode, int Level, Guid MentorUserId, string Reason, Actor Actor, DateTimeOffset Now);

public sealed record RevokeAttainment(string ThemeCode, int Level, string Reason, Actor Actor, DateTimeOffset Now);

public sealed record Pause(string? Reason, Actor Actor, DateTimeOffset Now);

public sealed record Withdraw(string? Reason, Actor Actor, DateTimeOffset Now);

public sealed record Reactivate(Actor Actor, DateTimeOffset Now);

/// <summary>Erase the leader's personal data (admins only); the journey's facts and counts stay.</summary>
public sealed record EraseLeader(string Reason, Actor Actor, DateTimeOffset Now);

public sealed record RecordPositionHeld(string Title, DateOnly From, DateOnly? To, Actor Actor, DateTimeOffset Now);
