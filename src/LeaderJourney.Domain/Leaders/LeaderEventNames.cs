namespace LeaderJourney.Domain.Leaders;

/// <summary>The stable stored name of each leader event. Names are part of the stored data: never rename one.</summary>
public static class LeaderEventNames
{
    public static IReadOnlyList<(Type Type, string Name)> All { get; } =
    [
        (typeof(LeaderEnrolled), "leader.enrolled"),
        (typeof(LeaderProfileChanged), "leader.profile-changed"),
        (typeof(MentorAssigned), "leader.mentor-assigned"),
        (typeof(MentorUnassigned), "leader.mentor-unassigned"),
        (typeof(TrainingCompleted), "leader.training-completed"),
        (typeof(AssessmentRecorded), "leader.assessment-recorded"),
        (typeof(EvidenceAdded), "leader.evidence-added"),
        (typeof(TrainingWithdrawn), "leader.training-withdrawn"),
        (typeof(EvidenceWithdrawn), "leader.evidence-withdrawn"),
        (typeof(AssessmentWithdrawn), "leader.assessment-withdrawn"),
        (typeof(SignOffRequested), "leader.sign-off-requested"),
        (typeof(SignOffRequestWithdrawn), "leader.sign-off-request-withdrawn"),
        (typeof(LevelSignedOff), "leader.signed-off"),
        (typeof(SignOffDeclined), "leader.sign-off-declined"),
        (typeof(SignOffDeclineWithdrawn), "leader.sign-off-decline-withdrawn"),
        (typeof(SignOffRevoked), "leader.sign-off-revoked"),
        (typeof(LevelAttained), "leader.level-attained"),
        (typeof(LevelAttainmentRevoked), "leader.level-attainment-revoked"),
        (typeof(LeaderPaused), "leader.paused"),
        (typeof(LeaderWithdrawn), "leader.withdrawn"),
        (typeof(LeaderReactivated), "leader.reactivated"),
        (typeof(PositionHeld), "leader.position-held"),
        (typeof(LeaderErased), "leader.erased"),
    ];
}
