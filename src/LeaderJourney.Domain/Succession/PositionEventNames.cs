namespace LeaderJourney.Domain.Succession;

/// <summary>The stable stored name of each position event. Names are part of the stored data: never rename one.</summary>
public static class PositionEventNames
{
    public static IReadOnlyList<(Type Type, string Name)> All { get; } =
    [
        (typeof(PositionDefined), "position.defined"),
        (typeof(IncumbentSeated), "position.incumbent-seated"),
        (typeof(IncumbentVacated), "position.incumbent-vacated"),
        (typeof(TermEndSet), "position.term-end-set"),
        (typeof(CandidateNominated), "position.candidate-nominated"),
        (typeof(CandidateWithdrawn), "position.candidate-withdrawn"),
        (typeof(ReadinessAssessed), "position.readiness-assessed"),
        (typeof(Appointed), "position.appointed"),
        (typeof(RequirementsChanged), "position.requirements-changed"),
        (typeof(PositionRetired), "position.retired"),
    ];
}
