using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Succession;

// Commands carry who acts and when, so a decision is repeatable and needs no clock.
// All but DefinePosition address the position by the stream they are decided against.

/// <summary>Defines a position. With <paramref name="IncumbentLeaderId"/> the holder is seated from the command's own
/// date (the API gives no start date; use <see cref="SeatIncumbent"/> for an exact one).
/// <paramref name="TermEndsOn"/> is the seat's term end, held or not.</summary>
public sealed record DefinePosition(Guid PositionId, string Affiliate, string Title, bool IsKey, IReadOnlyList<Requirement> Requirements,
    Guid? IncumbentLeaderId, DateOnly? TermEndsOn, Actor Actor, DateTimeOffset Now);

public sealed record ChangeRequirements(IReadOnlyList<Requirement> Requirements, Actor Actor, DateTimeOffset Now);

/// <summary>Ends a position that is no longer one of the affiliate's; its seat must be vacant (the vacancy records when the last term ended).</summary>
public sealed record RetirePosition(Actor Actor, DateTimeOffset Now);

/// <summary>Records who holds a vacant position. A null <paramref name="TermEndsOn"/> keeps the term end already set.</summary>
public sealed record SeatIncumbent(Guid LeaderId, DateOnly Since, DateOnly? TermEndsOn, Actor Actor, DateTimeOffset Now);

public sealed record VacateIncumbent(Guid LeaderId, DateOnly On, Actor Actor, DateTimeOffset Now);

/// <summary>Sets the seat's term end; null makes it open-ended.</summary>
public sealed record SetTermEnd(DateOnly? TermEndsOn, Actor Actor, DateTimeOffset Now);

public sealed record NominateCandidate(Guid LeaderId, string? Note, Actor Actor, DateTimeOffset Now);

public sealed record WithdrawCandidate(Guid LeaderId, string? Reason, Actor Actor, DateTimeOffset Now);

public sealed record AssessReadiness(Guid LeaderId, Readiness Readiness, string Justification, Actor Actor, DateTimeOffset Now);

/// <summary>The readiness the caller computed for one candidate from their progress (the decider cannot compute it).</summary>
public sealed record SlateEntry(Guid LeaderId, Readiness Computed);

/// <summary>Fills the position from its slate. <paramref name="Slate"/> holds the computed readiness of every nominated
/// candidate, no more and no less. A null <paramref name="TermEndsOn"/> keeps the term end already set.
/// <paramref name="KeepOthers"/>: the other candidates stay nominated, the bench for the next filling.</summary>
public sealed record Appoint(Guid LeaderId, DateOnly On, IReadOnlyList<SlateEntry> Slate, DateOnly? TermEndsOn, Actor Actor, DateTimeOffset Now, bool KeepOthers = false);
