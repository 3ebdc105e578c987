namespace LeaderJourney.Domain.Leaders;

/// <summary>Trainings, assessments and evidence. Trainings and mentor or peer assessments are learning,
/// so they may complete the attainment rule and bring LevelAttained events in the same decision. A second
/// recording of one (its id again) is refused by the database, not here (<see cref="RecordedOnce"/>).</summary>
internal static class LearningDecisions
{
    public static IReadOnlyList<object> RecordTraining(RecordTraining c, Leader s, AttainmentPolicy policy)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        var title = Guard.Required(c.Title, "The training title");
        if (c.Hours is <= 0) throw new DomainRuleException("Training hours must be more than zero; leave them out if unknown.");
        if (c.CompletedOn > Guard.Today(c.Now))
            throw new DomainRuleException($"The completion date {c.CompletedOn:yyyy-MM-dd} is in the future; record the training once it is completed.");
        object completed = new TrainingCompleted(s.Id, c.TrainingId, title, theme, level, c.Hours, c.CompletedOn, c.Actor.UserId, c.Now);
        return Attainments.Following(s, [completed], theme, policy, c.Now);
    }

    public static IReadOnlyList<object> RecordAssessment(RecordAssessment c, Leader s, AttainmentPolicy policy)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        var self = s.IsSelf(c.Actor);
        switch (c.Kind)
        {
            case AssessmentKind.Self when !self:
                throw new DomainRuleException("Only the leader can record their own self-assessment.");
            case AssessmentKind.Mentor when self:
                throw new DomainRuleException("A leader cannot record a mentor assessment of themself; record a self-assessment instead.");
            case AssessmentKind.Mentor when !s.Mentors.Contains(c.Actor.UserId):
                throw new DomainRuleException("Only a mentor currently assigned to this leader can record a mentor assessment.");
            case AssessmentKind.Peer when self:
                throw new DomainRuleException("A leader cannot record a peer assessment of themself; record a self-assessment instead.");
            case AssessmentKind.Self or AssessmentKind.Mentor or AssessmentKind.Peer:
                break;
            default:
                throw new DomainRuleException($"Assessment kind {c.Kind} is unknown; use Self, Mentor or Peer.");
        }
        object recorded = new AssessmentRecorded(s.Id, c.AssessmentId, theme, level, c.Kind, Guard.Optional(c.Note), c.Actor.UserId, c.Now);
        // Public contract: a self-assessment does not count as learning, so it can complete nothing.
        return c.Kind == AssessmentKind.Self ? [recorded] : Attainments.Following(s, [recorded], theme, policy, c.Now);
    }

    public static IReadOnlyList<object> AddEvidence(AddEvidence c, Leader s)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        var link = Guard.Optional(c.Link);
        var note = Guard.Optional(c.Note);
        if (link is null && note is null) throw new DomainRuleException("Evidence needs a link or a note; give at least one.");
        // Evidence supports a mentor's judgement; it is not learning and completes no rule.
        return [new EvidenceAdded(s.Id, c.EvidenceId, theme, level, link, note, c.Actor.UserId, c.Now)];
    }

    /// <summary>What the person who recorded it, or staff, withdraw; a withdrawal is itself recorded once (<see cref="RecordedOnce"/>).</summary>
    private static void EnsureMayWithdraw(RecordedLearning recorded, Actor actor, string what)
    {
        if (actor.UserId != recorded.RecordedBy && !actor.IsAdmin)
            throw new DomainRuleException($"Only the person who recorded this {what}, or staff, can withdraw it.");
    }

    /// <summary>
    /// The training no longer counts as learning. A level it helped attain that no longer meets the rule without
    /// it is taken back with the levels above it, as when a sign-off is withdrawn; one that still meets it (another
    /// training, a mentor's assessment) stands.
    /// </summary>
    public static IReadOnlyList<object> WithdrawTraining(WithdrawTraining c, Leader s, AttainmentPolicy policy)
    {
        var recorded = c.Training;
        EnsureMayWithdraw(recorded, c.Actor, "training");
        var reason = Guard.Optional(c.Reason);
        object withdrawn = new TrainingWithdrawn(s.Id, recorded.Id, recorded.ThemeCode, recorded.Level, recorded.Version, reason, c.Actor.UserId, c.Now);
        var after = Leader.Evolve(s, withdrawn);
        return TakenBackWithoutTraining(after, recorded, policy) is not { } level
            ? [withdrawn]
            : [withdrawn, .. Attainments.RevokedFrom(after, recorded.ThemeCode, level, reason ?? TrainingWithdrawn.LevelTakenBackReason, c.Actor.UserId, c.Now)];
    }

    /// <summary>The training's level, where it is held and no longer meets the rule once the training is gone (<paramref name="after"/>).</summary>
    internal static int? TakenBackWithoutTraining(Leader after, RecordedLearning training, AttainmentPolicy policy) =>
        after.HasAttained(training.ThemeCode, training.Level) && AttainmentRule.Evaluate(after, training.ThemeCode, training.Level, policy) is null
            ? training.Level : null;

    /// <summary>
    /// The assessment no longer counts: a mentor's or a peer's learning goes with it. An assessment at Level L is
    /// learning for every level up to L (<see cref="LearningFact.CountsFor"/>), so the lowest of those levels that no
    /// longer meets the rule without it is taken back with the levels above it (a training counts at its level alone).
    /// </summary>
    public static IReadOnlyList<object> WithdrawAssessment(WithdrawAssessment c, Leader s, AttainmentPolicy policy)
    {
        var recorded = c.Assessment;
        EnsureMayWithdraw(recorded, c.Actor, "assessment");
        var reason = Guard.Optional(c.Reason);
        object withdrawn = new AssessmentWithdrawn(s.Id, recorded.Id, recorded.ThemeCode, recorded.Level, recorded.Kind ?? AssessmentKind.Self, recorded.Version, reason, c.Actor.UserId, c.Now);
        var after = Leader.Evolve(s, withdrawn);
        return TakenBackWithoutAssessment(after, recorded, policy) is not { } lowestFailing
            ? [withdrawn]
            : [withdrawn, .. Attainments.RevokedFrom(after, recorded.ThemeCode, lowestFailing, reason ?? AssessmentWithdrawn.LevelTakenBackReason, c.Actor.UserId, c.Now)];
    }

    /// <summary>The lowest level up to the assessment's that is held and no longer meets the rule once the assessment is gone (<paramref name="after"/>).</summary>
    internal static int? TakenBackWithoutAssessment(Leader after, RecordedLearning assessment, AttainmentPolicy policy) =>
        Enumerable.Range(1, assessment.Level)
            .Where(level => after.HasAttained(assessment.ThemeCode, level) && AttainmentRule.Evaluate(after, assessment.ThemeCode, level, policy) is null)
            .Select(level => (int?)level).FirstOrDefault();

    public static IReadOnlyList<object> WithdrawEvidence(WithdrawEvidence c, Leader s)
    {
        var recorded = c.Evidence;
        EnsureMayWithdraw(recorded, c.Actor, "evidence");
        return [new EvidenceWithdrawn(s.Id, recorded.Id, recorded.ThemeCode, recorded.Level, Guard.Optional(c.Reason), c.Actor.UserId, c.Now)];
    }
}
