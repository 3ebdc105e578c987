using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Succession;

/// <summary>Decides a command against a position's state, and folds events into state.
/// Rule breaks throw <see cref="DomainRuleException"/>; an unknown command or event is a programming error.</summary>
public static class PositionDecider
{
    public static Position Evolve(Position state, object @event) => Position.Evolve(state, @event);

    public static IReadOnlyList<object> Decide(object command, Position state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return command switch
        {
            DefinePosition c => Define(c, Admin(state, c.Actor)),
            ChangeRequirements c => Change(c, Defined(state, c.Actor)),
            SeatIncumbent c => Seat(c, Defined(state, c.Actor)),
            VacateIncumbent c => Vacate(c, Defined(state, c.Actor)),
            SetTermEnd c => TermEnd(c, Defined(state, c.Actor)),
            NominateCandidate c => Nominate(c, Defined(state, c.Actor)),
            WithdrawCandidate c => Withdraw(c, Defined(state, c.Actor)),
            AssessReadiness c => Assess(c, Defined(state, c.Actor)),
            Appoint c => AppointFromSlate(c, Defined(state, c.Actor)),
            RetirePosition c => Retire(c, Defined(state, c.Actor)),
            _ => throw new ArgumentException($"Unknown position command type {command.GetType().FullName}.", nameof(command)),
        };
    }

    private static IReadOnlyList<object> Define(DefinePosition c, Position s)
    {
        if (s.IsDefined) throw new DomainRuleException("This position is already defined.");
        if (c.PositionId == Guid.Empty) throw new DomainRuleException("Give the new position an id.");
        var defined = new PositionDefined(c.PositionId, Guard.Required(c.Affiliate, "The affiliate"),
            PositionGuard.Text(c.Title, "The position title", PositionGuard.MaxTitleLength), c.IsKey,
            PositionGuard.Requirements(c.Requirements), c.Actor.UserId, c.Now);
        if (c.IncumbentLeaderId is { } incumbent)
        {
            // The API names the holder but not since when: they hold it from the day it is defined.
            var since = Guard.Today(c.Now);
            CheckTerm(c.TermEndsOn, since, "the incumbent is seated");
            return [defined, new IncumbentSeated(c.PositionId, PositionGuard.Leader(incumbent), since, c.TermEndsOn, c.Actor.UserId, c.Now)];
        }
        return c.TermEndsOn is { } termEndsOn
            ? [defined, new TermEndSet(c.PositionId, termEndsOn, c.Actor.UserId, c.Now)]
            : [defined];
    }

    private static IReadOnlyList<object> Change(ChangeRequirements c, Position s)
    {
        var requirements = PositionGuard.Requirements(c.Requirements);
        // Nothing changed: nothing to record.
        if (requirements.SequenceEqual(s.Requirements)) return [];
        return [new RequirementsChanged(s.Id, requirements, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Seat(SeatIncumbent c, Position s)
    {
        var leader = PositionGuard.Leader(c.LeaderId);
        if (!s.IsVacant)
            throw new DomainRuleException("This position already has an incumbent; vacate the seat first, or appoint a successor from the slate.");
        // Seating a candidate directly would drop the slate unrecorded; appointing keeps who was judged how ready.
        if (s.IsNominated(leader))
            throw new DomainRuleException("This leader is a nominated candidate; appoint them from the slate instead.");
        var termEndsOn = c.TermEndsOn ?? s.Incumbent.TermEndsOn;
        CheckTerm(termEndsOn, c.Since, "the incumbent is seated");
        return [new IncumbentSeated(s.Id, leader, c.Since, termEndsOn, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Vacate(VacateIncumbent c, Position s)
    {
        if (s.Incumbent is not { LeaderId: { } incumbent, Since: { } since })
            throw new DomainRuleException("This position is vacant; there is no incumbent to vacate.");
        if (c.LeaderId != incumbent)
            throw new DomainRuleException("This leader is not the incumbent of this position; only the incumbent can be vacated.");
        if (c.On < since)
            throw new DomainRuleException($"The incumbent holds the position since {since:yyyy-MM-dd}; the vacancy cannot start before that, on {c.On:yyyy-MM-dd}.");
        return [new IncumbentVacated(s.Id, incumbent, c.On, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> TermEnd(SetTermEnd c, Position s)
    {
        // Nothing changed: nothing to record.
        if (c.TermEndsOn == s.Incumbent.TermEndsOn) return [];
        if (s.Incumbent.Since is { } since) CheckTerm(c.TermEndsOn, since, "the incumbent was seated");
        return [new TermEndSet(s.Id, c.TermEndsOn, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Nominate(NominateCandidate c, Position s)
    {
        var leader = PositionGuard.Leader(c.LeaderId);
        if (s.Incumbent.LeaderId == leader)
            throw new DomainRuleException("This leader is the incumbent; nominate someone else to succeed them.");
        if (s.IsNominated(leader)) throw new DomainRuleException("This leader is already nominated for this position.");
        return [new CandidateNominated(s.Id, leader, Guard.Optional(c.Note), c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Withdraw(WithdrawCandidate c, Position s)
    {
        if (!s.IsNominated(c.LeaderId))
            throw new DomainRuleException("This leader is not nominated for this position; there is nothing to withdraw.");
        return [new CandidateWithdrawn(s.Id, c.LeaderId, Guard.Optional(c.Reason), c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Assess(AssessReadiness c, Position s)
    {
        if (!s.IsNominated(c.LeaderId))
            throw new DomainRuleException("This leader is not nominated for this position; nominate them before assessing their readiness.");
        var readiness = PositionGuard.Readiness(c.Readiness);
        var justification = PositionGuard.Text(c.Justification, "The justification", PositionGuard.MaxJustificationLength);
        // A repeated assessment is recorded too: who made the call, and when, is part of the record.
        return [new ReadinessAssessed(s.Id, c.LeaderId, readiness, justification, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> AppointFromSlate(Appoint c, Position s)
    {
        ArgumentNullException.ThrowIfNull(c.Slate);
        if (!s.IsNominated(c.LeaderId))
            throw new DomainRuleException("This leader is not on the slate; nominate them before appointing them.");
        var computed = new Dictionary<Guid, Readiness>();
        foreach (var entry in c.Slate)
        {
            if (!s.IsNominated(entry.LeaderId))
                throw new DomainRuleException($"Leader {entry.LeaderId} is in the given slate but not nominated; recompute the slate and try again.");
            if (!computed.TryAdd(entry.LeaderId, PositionGuard.Readiness(entry.Computed)))
                throw new DomainRuleException($"Leader {entry.LeaderId} is in the given slate twice; recompute the slate and try again.");
        }
        // The slate record must say how ready every candidate was judged, or the decision cannot be reviewed.
        var missing = s.Candidates.FirstOrDefault(candidate => !computed.ContainsKey(candidate.LeaderId));
        if (missing is not null)
            throw new DomainRuleException($"The given slate has no computed readiness for candidate {missing.LeaderId}; recompute the slate and try again.");
        if (s.Incumbent.Since is { } since && c.On < since)
            throw new DomainRuleException($"The incumbent holds the position since {since:yyyy-MM-dd}; the appointment cannot take effect before that, on {c.On:yyyy-MM-dd}.");
        var termEndsOn = c.TermEndsOn ?? s.Incumbent.TermEndsOn;
        CheckTerm(termEndsOn, c.On, "the appointment takes effect");

        var slate = s.Candidates.Select(candidate => new SlateRecord(candidate.LeaderId, computed[candidate.LeaderId], candidate.Assessed)).ToList();
        var appointed = new Appointed(s.Id, c.LeaderId, c.On, slate, c.Actor.UserId, c.Now, c.KeepOthers);
        return c.TermEndsOn is { } newEnd && newEnd != s.Incumbent.TermEndsOn
            ? [appointed, new TermEndSet(s.Id, newEnd, c.Actor.UserId, c.Now)]
            : [appointed];
    }

    private static IReadOnlyList<object> Retire(RetirePosition c, Position s)
    {
        // The vacancy is what records when the holder's term ended; a retirement would leave it unsaid.
        if (!s.IsVacant)
            throw new DomainRuleException("This position has an incumbent; record the vacancy first (the day their term ended), then retire the position.");
        return [new PositionRetired(s.Id, c.Actor.UserId, c.Now)];
    }

    /// <summary>A term cannot end before its holder starts; a term that ended earlier needs a new end first.</summary>
    private static void CheckTerm(DateOnly? termEndsOn, DateOnly start, string when)
    {
        if (termEndsOn is { } end && end < start)
            throw new DomainRuleException($"The term ends {end:yyyy-MM-dd}, before {when} on {start:yyyy-MM-dd}; give a later term end.");
    }

    /// <summary>Only admins define and staff positions: succession plans are sensitive and shape careers.</summary>
    private static Position Admin(Position s, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin) throw new DomainRuleException("Only national or affiliate admins can manage positions.");
        return s;
    }

    private static Position Defined(Position s, Actor actor)
    {
        Admin(s, actor);
        if (!s.IsDefined) throw new DomainRuleException("This position is not defined; define it first.");
        if (s.RetiredAt is { } retiredAt) throw new DomainRuleException($"This position was retired on {retiredAt:yyyy-MM-dd}; it takes no more changes.");
        return s;
    }
}
