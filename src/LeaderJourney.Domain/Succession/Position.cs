using System.Collections.Immutable;

namespace LeaderJourney.Domain.Succession;

/// <summary>A position's state, folded from its stream. <see cref="Version"/> is the number of events applied.</summary>
public sealed record Position(
    Guid Id,
    long Version,
    string Affiliate,
    string Title,
    bool IsKey,
    ImmutableList<Requirement> Requirements,
    Incumbency Incumbent,
    ImmutableList<Candidate> Candidates,
    ImmutableList<AppointmentRecord> Appointments)
{
    public static Position Initial { get; } = new(Guid.Empty, 0, "", "", false, [], Incumbency.None, [], []);

    /// <summary>Defined once <see cref="PositionDefined"/> is applied; the decider refuses an empty position id.</summary>
    public bool IsDefined => Id != Guid.Empty;

    public bool IsVacant => Incumbent.IsVacant;

    /// <summary>When the position was retired (<see cref="PositionRetired"/>): it takes no more commands.</summary>
    public DateTimeOffset? RetiredAt { get; init; }

    public bool IsRetired => RetiredAt is not null;

    public Candidate? CandidateOf(Guid leaderId) => Candidates.FirstOrDefault(c => c.LeaderId == leaderId);

    public bool IsNominated(Guid leaderId) => CandidateOf(leaderId) is not null;

    /// <summary>Folds one event. Exhaustive: an event type it does not know is a programming error.</summary>
    public static Position Evolve(Position state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        var s = state with { Version = state.Version + 1 };
        return @event switch
        {
            PositionDefined e => s with
            {
                Id = e.PositionId, Affiliate = e.Affiliate, Title = e.Title, IsKey = e.IsKey, Requirements = [.. e.Requirements],
            },
            RequirementsChanged e => s with { Requirements = [.. e.Requirements] },
            IncumbentSeated e => s with { Incumbent = new Incumbency(e.LeaderId, e.Since, e.TermEndsOn) },
            IncumbentVacated e => s with { Incumbent = s.Incumbent with { LeaderId = null, Since = null, VacantSince = e.On } },
            TermEndSet e => s with { Incumbent = s.Incumbent with { TermEndsOn = e.TermEndsOn } },
            CandidateNominated e => s with
            {
                Candidates = s.Candidates.Add(new Candidate(e.LeaderId, e.Note, e.NominatedBy, e.NominatedAt, null, null, null, null)),
            },
            // A withdrawn candidate leaves the slate with their assessment; a later nomination starts afresh.
            CandidateWithdrawn e => s with { Candidates = s.Candidates.RemoveAll(c => c.LeaderId == e.LeaderId) },
            ReadinessAssessed e => s with
            {
                Candidates = s.Candidates
                    .Select(c => c.LeaderId == e.LeaderId
                        ? c with { Assessed = e.Readiness, Justification = e.Justification, AssessedBy = e.AssessedBy, AssessedAt = e.AssessedAt }
                        : c)
                    .ToImmutableList(),
            },
            // Appointing fills the seat and closes the slate (the candidates were candidates for this filling),
            // unless the others were kept as the bench for the next one.
            Appointed e => s with
            {
                Incumbent = s.Incumbent with { LeaderId = e.LeaderId, Since = e.On, VacantSince = null },
                Candidates = e.KeepOthers ? s.Candidates.RemoveAll(c => c.LeaderId == e.LeaderId) : [],
                Appointments = s.Appointments.Add(
                    new AppointmentRecord(e.LeaderId, e.On, s.Incumbent.LeaderId, e.Slate, e.AppointedBy, e.AppointedAt, s.Version)),
            },
            // Retiring closes the slate: nobody is a candidate for a position that is no more.
            PositionRetired e => s with { RetiredAt = e.RetiredAt, Candidates = [] },
            _ => throw new ArgumentException($"Unknown position event type {@event.GetType().FullName}.", nameof(@event)),
        };
    }
}
