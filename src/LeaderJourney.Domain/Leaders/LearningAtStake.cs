namespace LeaderJourney.Domain.Leaders;

/// <summary>
/// What withdrawing a training or an assessment would take back, worked out by the rule the withdrawal itself
/// follows (<see cref="LearningDecisions"/>), so a page says it before anyone withdraws it: a leader tidying their
/// record should not find afterwards that a level stood on what they removed.
/// </summary>
public static class LearningAtStake
{
    /// <summary>The lowest level the training's withdrawal would take back (with the levels above it), or none.</summary>
    public static int? LevelTakenBackByTraining(Leader s, RecordedLearning training, AttainmentPolicy policy) =>
        StandingOnIt(s, training.ThemeCode, policy, LearningDecisions.TakenBackWithoutTraining(
            Leader.Evolve(s, new TrainingWithdrawn(s.Id, training.Id, training.ThemeCode, training.Level, training.Version, null, Guid.Empty, DateTimeOffset.MinValue)),
            training, policy));

    /// <summary>The lowest level the assessment's withdrawal would take back (with the levels above it), or none.</summary>
    public static int? LevelTakenBackByAssessment(Leader s, RecordedLearning assessment, AttainmentPolicy policy) =>
        StandingOnIt(s, assessment.ThemeCode, policy, LearningDecisions.TakenBackWithoutAssessment(
            Leader.Evolve(s, new AssessmentWithdrawn(s.Id, assessment.Id, assessment.ThemeCode, assessment.Level, assessment.Kind ?? AssessmentKind.Self,
                assessment.Version, null, Guid.Empty, DateTimeOffset.MinValue)),
            assessment, policy));

    /// <summary>
    /// Said only of a level that meets the rule now: one that already fails it (the affiliate asked for more sign-offs since,
    /// say) does not stand on this learning, though its withdrawal, as any change, would take it back.
    /// </summary>
    private static int? StandingOnIt(Leader s, string themeCode, AttainmentPolicy policy, int? takenBack) =>
        takenBack is { } level && AttainmentRule.Evaluate(s, themeCode, level, policy) is not null ? level : null;
}
