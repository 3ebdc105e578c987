using LeaderJourney.Storage;
using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Web.Pages;

/// <summary>The trainings and evidence of a leader's stream that still stand: the pages read them from the events, and leave out those withdrawn.</summary>
public static class LearningOnRecord
{
    /// <summary>The ids of the trainings and pieces of evidence withdrawn (recorded by mistake).</summary>
    public static IReadOnlySet<Guid> Withdrawn(IEnumerable<StoredEvent> events)
    {
        var ids = new HashSet<Guid>();
        foreach (var e in events)
            if (e.Data is TrainingWithdrawn t) ids.Add(t.TrainingId);
            else if (e.Data is EvidenceWithdrawn x) ids.Add(x.EvidenceId);
        return ids;
    }
}
