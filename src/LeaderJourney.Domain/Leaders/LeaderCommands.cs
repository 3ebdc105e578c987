namespace LeaderJourney.Domain.Leaders;

// Commands carry who acts and when, so a decision is repeatable and needs no clock.
// All but Enroll address the leader by the stream they are decided against.

public sealed record Enroll(Guid LeaderId, string Affiliate, string? Local, string DisplayName, string Email, Guid FrameworkEditionId, Actor Actor, DateTimeOffset Now);

public sealed record ChangeProfile(string DisplayName, string Email, string? Local, Actor Actor, DateTimeOffset Now);

public sealed record AssignMentor(Guid MentorUserId, Actor Actor, DateTimeOffset Now);

public sealed record UnassignMentor(Guid MentorUserId, Actor Actor, DateTimeOffset Now);

/// <summary>One mentor takes over from another (a mentor who leaves, say): the new one assigned unless they already are, the old one's assignment ended, in one decision.</summary>
public sealed record ReplaceMentor(Guid From, Guid To, Actor Actor, DateTimeOffset Now);

public sealed record RecordTraining(Guid TrainingId, string Title, string ThemeCode, int Level, decimal? Hours, DateOnly CompletedOn, Actor Actor, DateTimeOffset Now);

public sealed record RecordAssessment(Guid AssessmentId, string ThemeCode, int Level, AssessmentKind Kind, string? Note, Actor Actor, DateTimeOffset Now);

public sealed record AddEvidence(Guid EvidenceId, string ThemeCode, int Level, string? Link, string? Note, Actor Actor, DateTimeOffset Now);

/// <summary>A training, an assessment or a piece of evidence on the leader's stream, as its own event recorded it (found by its id where the stream is stored).</summary>
/// <param name="Version">The stream version of its event.</param>
/// <param name="Kind">An assessment's kind; null for the others.</param>
public sealed record RecordedLearning(Guid Id, string ThemeCode, int Level, long Version, Guid RecordedBy, AssessmentKind? Kind = null);

public sealed record WithdrawTraining(RecordedLearning Training, string? Reason, Actor Actor, DateTimeOffset Now);

public sealed record WithdrawEvidence(RecordedLearning Evidence, string? Reason, Actor Actor, DateTimeOffset Now);

public sealed record WithdrawAssessment(RecordedLearning Assessment, string? Reason, Actor Actor, DateTimeOffset Now);

public sealed record RequestSignOff(string ThemeCode, int Level, Actor Actor, DateTimeOffset Now);

/// <summary>The leader (or staff, for them) takes back a request still waiting: asked by mistake, or too early.</summary>
public sealed record WithdrawSignOffRequest(string ThemeCode, int Level, Actor Actor, DateTimeOffset Now);

/// <param name="Assessment">The mentor's assessment of the same level, recorded first in the same append (so it is
/// the level's learning when the sign-off is decided): both are recorded, or neither.</param>
public sealed record SignOff(string ThemeCode, int Level, string? Note, Actor Actor, DateTimeOffset Now, MentorAssessment? Assessment = null);

/// <summary>A mentor assessment given with a sign-off.</summary>
public sealed record MentorAssessment(Guid AssessmentId, string? Note);

public sealed record DeclineSignOff(string ThemeCode, int Level, string Reason, Actor Actor, DateTimeOffset Now);

/// <summary>The mentor takes back their own decline of the level, while it is still the last word on it.</summary>
/// <param name="DeclineVersion">Given: only the decline at that stream version is withdrawn (a page's form names the decline it showed, so a
/// stale one cannot withdraw a later decline of the level).</param>
public sealed record WithdrawDecline(string ThemeCode, int Level, Actor Actor, DateTimeOffset Now, long? DeclineVersion = null);

/// <param name="AskAgain">Also request the sign-off again in the actor's name, in the same append, when the level still
/// waits for one after the revocation (a mentor's undo: the request goes back in their queue); when it does not
/// (another sign-off keeps it attained, say), the revocation is recorded alone.</param>
public sealed record RevokeSignOff(string ThemeCode, int Level, Guid MentorUserId, string Reason, Actor Actor, DateTimeOffset Now, bool AskAgain = false);

public sealed record RevokeAttainment(string ThemeCode, int Level, string Reason, Actor Actor, DateTimeOffset Now);

public sealed record Pause(string? Reason, Actor Actor, DateTimeOffset Now);

public sealed record Withdraw(string? Reason, Actor Actor, DateTimeOffset Now);

public sealed record Reactivate(Actor Actor, DateTimeOffset Now);

/// <summary>Erase the leader's personal data (admins only); the journey's facts and counts stay.</summary>
public sealed record EraseLeader(string Reason, Actor Actor, DateTimeOffset Now);

public sealed record RecordPositionHeld(string Title, DateOnly From, DateOnly? To, Actor Actor, DateTimeOffset Now);
