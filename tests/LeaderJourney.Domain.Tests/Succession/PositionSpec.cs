using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

/// <summary>Given events / when command / then events, for one position's stream. A fresh instance per test (xunit).</summary>
public abstract class PositionSpec() : DeciderSpec<Position>(Position.Initial)
{
    protected override Position Evolve(Position current, object @event) => PositionDecider.Evolve(current, @event);

    protected override IReadOnlyList<object> Decide(object command, Position current) => PositionDecider.Decide(command, current);

    protected static readonly DateTimeOffset T0 = new(2025, 3, 10, 9, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset Now = new(2025, 4, 9, 9, 0, 0, TimeSpan.Zero);
    protected static readonly DateOnly Today = new(2025, 4, 9);
    protected static readonly DateOnly TermEnd = new(2026, 6, 30);

    protected static readonly Guid PositionId = Id(1);
    protected static readonly Guid Holder = Id(10);
    protected static readonly Guid Ann = Id(11);
    protected static readonly Guid Ben = Id(12);
    protected static readonly Guid Cy = Id(13);

    protected static readonly Actor Admin = new(Id(100), Role.AffiliateAdmin, null);
    protected static readonly Actor National = new(Id(101), Role.NationalAdmin, null);
    protected static readonly Actor Mentor = new(Id(200), Role.Mentor, null);
    protected static readonly Actor LeaderActor = new(Id(300), Role.Leader, Ann);
    protected static readonly Actor BoardMember = new(Id(400), Role.Board, null);

    protected static readonly IReadOnlyList<Requirement> Reqs = [new(null, "VIS", 2), new("STR", null, 1)];

    // Events, as an earlier decision would have made them.
    protected static PositionDefined Defined(bool isKey = true) => new(PositionId, "North", "Chair", isKey, Reqs, Admin.UserId, T0);
    protected static IncumbentSeated Seated(Guid leader, DateOnly? since = null, DateOnly? termEndsOn = null) =>
        new(PositionId, leader, since ?? new DateOnly(2024, 1, 1), termEndsOn, Admin.UserId, T0);
    protected static IncumbentVacated Vacated(Guid leader, DateOnly on) => new(PositionId, leader, on, Admin.UserId, T0);
    protected static TermEndSet TermSet(DateOnly? on) => new(PositionId, on, Admin.UserId, T0);
    protected static CandidateNominated Nominated(Guid leader, string? note = null) => new(PositionId, leader, note, Admin.UserId, T0);
    protected static CandidateWithdrawn WithdrawnEvent(Guid leader) => new(PositionId, leader, null, Admin.UserId, T0);
    protected static ReadinessAssessed AssessedEvent(Guid leader, Readiness readiness) => new(PositionId, leader, readiness, "Led the 2024 campaign.", National.UserId, T0);

    // Commands, issued now by an admin.
    protected static DefinePosition Define(string title = "Chair", IReadOnlyList<Requirement>? requirements = null,
        Guid? incumbent = null, DateOnly? termEndsOn = null, Actor? by = null) =>
        new(PositionId, " North ", title, true, requirements ?? Reqs, incumbent, termEndsOn, by ?? Admin, Now);
    protected static NominateCandidate Nominate(Guid leader, string? note = null, Actor? by = null) => new(leader, note, by ?? Admin, Now);
    protected static Appoint AppointCmd(Guid leader, DateOnly on, IReadOnlyList<SlateEntry> slate, DateOnly? termEndsOn = null) =>
        new(leader, on, slate, termEndsOn, Admin, Now);
}
