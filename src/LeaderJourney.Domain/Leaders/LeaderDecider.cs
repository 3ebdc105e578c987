namespace LeaderJourney.Domain.Leaders;

/// <summary>Decides a command against a leader's state, and folds events into state.
/// Rule breaks throw <see cref="DomainRuleException"/>; an unknown command or event is a programming error.</summary>
public static class LeaderDecider
{
    public static Leader Evolve(Leader state, object @event) => Leader.Evolve(state, @event);

    public static IReadOnlyList<object> Decide(object command, Leader state, AttainmentPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        return command switch
        {
            Enroll c => Enrol(c, state),
            ChangeProfile c => Profile(c, Accepting(state, c)),
            AssignMentor c => Assign(c, Accepting(state, c)),
            UnassignMentor c => Unassign(c, Accepting(state, c)),
            ReplaceMentor c => Replace(c, Accepting(state, c)),
            RecordTraining c => LearningDecisions.RecordTraining(c, Accepting(state, c), policy),
            RecordAssessment c => LearningDecisions.RecordAssessment(c, Accepting(state, c), policy),
            AddEvidence c => LearningDecisions.AddEvidence(c, Accepting(state, c)),
            WithdrawTraining c => LearningDecisions.WithdrawTraining(c, Accepting(state, c), policy),
            WithdrawEvidence c => LearningDecisions.WithdrawEvidence(c, Accepting(state, c)),
            WithdrawAssessment c => LearningDecisions.WithdrawAssessment(c, Accepting(state, c), policy),
            RequestSignOff c => SignOffDecisions.Request(c, Accepting(state, c), policy),
            WithdrawSignOffRequest c => SignOffDecisions.WithdrawRequest(c, Accepting(state, c)),
            SignOff c => SignOffDecisions.SignOff(c, Accepting(state, c), policy),
            DeclineSignOff c => SignOffDecisions.Decline(c, Accepting(state, c)),
            WithdrawDecline c => SignOffDecisions.WithdrawDecline(c, Accepting(state, c)),
            RevokeSignOff c => SignOffDecisions.Revoke(c, Accepting(state, c), policy),
            RevokeAttainment c => SignOffDecisions.RevokeAttainment(c, Accepting(state, c)),
            Pause c => [new LeaderPaused(Accepting(state, c).Id, Guard.Optional(c.Reason), c.Actor.UserId, c.Now)],
            Withdraw c => [new LeaderWithdrawn(Accepting(state, c).Id, Guard.Optional(c.Reason), c.Actor.UserId, c.Now)],
            Reactivate c => [new LeaderReactivated(Accepting(state, c).Id, c.Actor.UserId, c.Now)],
            RecordPositionHeld c => Position(c, Accepting(state, c)),
            EraseLeader c => Erase(c, state),
            _ => throw new ArgumentException($"Unknown leader command type {command.GetType().FullName}.", nameof(command)),
        };
    }

    private static IReadOnlyList<object> Enrol(Enroll c, Leader state)
    {
        if (state.Status != LeaderStatus.NotEnrolled) throw new DomainRuleException("This leader is already enrolled.");
        if (c.LeaderId == Guid.Empty) throw new DomainRuleException("Give the new leader an id.");
        if (c.FrameworkEditionId == Guid.Empty) throw new DomainRuleException("Name the framework edition the leader follows.");
        return
        [
            new LeaderEnrolled(c.LeaderId, Guard.Required(c.Affiliate, "The affiliate"), Guard.Optional(c.Local),
                Guard.Required(c.DisplayName, "The display name"), Guard.Required(c.Email, "The email address"),
                c.FrameworkEditionId, c.Actor.UserId, c.Now),
        ];
    }

    private static IReadOnlyList<object> Profile(ChangeProfile c, Leader s)
    {
        var name = Guard.Required(c.DisplayName, "The display name");
        var email = Guard.Required(c.Email, "The email address");
        var local = Guard.Optional(c.Local);
        // Nothing changed: nothing to record.
        if (name == s.DisplayName && email == s.Email && local == s.Local) return [];
        return [new LeaderProfileChanged(s.Id, name, email, local, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Assign(AssignMentor c, Leader s)
    {
        if (c.MentorUserId == Guid.Empty) throw new DomainRuleException("Name the mentor to assign.");
        // Domain rule: a leader cannot be assigned as their own mentor. The stream knows the leader's own user
        // only as the leader id, or as the acting user when the leader acts themself.
        if (c.MentorUserId == s.Id || (s.IsSelf(c.Actor) && c.MentorUserId == c.Actor.UserId))
            throw new DomainRuleException("A leader cannot be their own mentor; assign someone else.");
        if (s.Mentors.Contains(c.MentorUserId)) throw new DomainRuleException("This mentor is already assigned to the leader.");
        return [new MentorAssigned(s.Id, c.MentorUserId, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Unassign(UnassignMentor c, Leader s)
    {
        if (!s.Mentors.Contains(c.MentorUserId))
            throw new DomainRuleException("This mentor is not assigned to the leader; there is nothing to unassign.");
        return [new MentorUnassigned(s.Id, c.MentorUserId, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Replace(ReplaceMentor c, Leader s)
    {
        if (c.From == c.To) throw new DomainRuleException("Choose a mentor other than the one who is leaving.");
        var ended = Unassign(new UnassignMentor(c.From, c.Actor, c.Now), s);
        // Already one of the leader's mentors: only the leaving one's assignment ends.
        return s.Mentors.Contains(c.To) ? ended : [.. Assign(new AssignMentor(c.To, c.Actor, c.Now), s), .. ended];
    }

    private static IReadOnlyList<object> Position(RecordPositionHeld c, Leader s)
    {
        var title = Guard.Required(c.Title, "The position title");
        if (c.From > Guard.Today(c.Now))
            throw new DomainRuleException($"The position starts {c.From:yyyy-MM-dd}, in the future; record it once it is held.");
        if (c.To is { } to && to < c.From)
            throw new DomainRuleException($"The position ends {to:yyyy-MM-dd}, before it starts {c.From:yyyy-MM-dd}; check the dates.");
        return [new PositionHeld(s.Id, title, c.From, c.To, c.Actor.UserId, c.Now)];
    }

    private static IReadOnlyList<object> Erase(EraseLeader c, Leader s)
    {
        if (s.Status == LeaderStatus.NotEnrolled) throw new DomainRuleException("This leader is not enrolled; there is nothing to erase.");
        if (!c.Actor.IsAdmin) throw new DomainRuleException("Only an admin erases a leader's personal data.");
        if (s.Erased) return [];
        var reason = Guard.Optional(c.Reason) ?? throw new DomainRuleException("Say why the leader's data is erased (reason); it is kept with the record of the erasure.");
        if (Mentions(reason, s.DisplayName) || Mentions(reason, s.Email))
            throw new DomainRuleException("The reason is kept after the erasure: leave the leader's name and email out of it.");
        return [new LeaderErased(s.Id, reason, c.Actor.UserId, c.Now)];

        static bool Mentions(string text, string value) => value.Length > 0 && text.Contains(value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Status gates: a withdrawn leader accepts only Reactivate; a paused leader accepts only Reactivate, Withdraw and
    /// the housekeeping commands (profile, positions, mentors, a training, assessment or evidence recorded by mistake withdrawn); a leader not yet enrolled accepts only Enroll.</summary>
    private static Leader Accepting(Leader s, object command)
    {
        if (s.Erased) throw new DomainRuleException("This leader's personal data was erased; their record takes no more changes.");
        switch (s.Status)
        {
            case LeaderStatus.NotEnrolled:
                throw new DomainRuleException("This leader is not enrolled; enrol them first.");
            case LeaderStatus.Active when command is Reactivate:
                throw new DomainRuleException("This leader is already active.");
            case LeaderStatus.Paused when command is Pause:
                throw new DomainRuleException("This leader is already paused.");
            // A paused leader may be withdrawn directly: one on leave may not come back, and a reactivation first would put a return that never happened on the record.
            case LeaderStatus.Paused when command is not (Reactivate or Withdraw or ChangeProfile or RecordPositionHeld or AssignMentor or UnassignMentor or ReplaceMentor or WithdrawTraining or WithdrawEvidence or WithdrawAssessment):
                throw new DomainRuleException("This leader is paused; reactivate them first.");
            case LeaderStatus.Withdrawn when command is Withdraw:
                throw new DomainRuleException("This leader is already withdrawn.");
            case LeaderStatus.Withdrawn when command is not Reactivate:
                throw new DomainRuleException("This leader is withdrawn; reactivate them first.");
        }
        return s;
    }
}
