namespace LeaderJourney.Domain.Leaders;

/// <summary>
/// What a leader's stream holds once: a training, an assessment or a piece of evidence under one id. The
/// store keeps it so (a unique index over each stream and that id, <c>EventTypeRegistry.RecordOnce</c>),
/// and a second recording is refused whole with the sentence here, as a rule of the domain would be. The
/// decision state then holds no list of ids that grows with every recording (<see cref="Leader"/>).
/// </summary>
public static class RecordedOnce
{
    public static IReadOnlyList<(Type Event, string Property, string Refusal)> All { get; } =
    [
        (typeof(TrainingCompleted), nameof(TrainingCompleted.TrainingId), "This training is already recorded for the leader."),
        (typeof(AssessmentRecorded), nameof(AssessmentRecorded.AssessmentId), "This assessment is already recorded for the leader."),
        (typeof(EvidenceAdded), nameof(EvidenceAdded.EvidenceId), "This evidence is already added for the leader."),
        (typeof(TrainingWithdrawn), nameof(TrainingWithdrawn.TrainingId), "This training is already withdrawn."),
        (typeof(EvidenceWithdrawn), nameof(EvidenceWithdrawn.EvidenceId), "This evidence is already withdrawn."),
        (typeof(AssessmentWithdrawn), nameof(AssessmentWithdrawn.AssessmentId), "This assessment is already withdrawn."),
    ];
}
