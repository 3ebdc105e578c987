using LeaderJourney.Storage;
using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Web.Pages;

/// <summary>The trainings, assessments, evidence and declines of a leader's stream that still stand: the pages read them from the events, and leave out those withdrawn.</summary>
public static class LearningOnRecord
{
    /// <summary>The ids of the trainings, assessments and pieces of evidence withdrawn (recorded by mistake).</summary>
    public static IReadOnlySet<Guid> Withdrawn(IEnumerable<StoredEvent> events)
    {
        var ids = new HashSet<Guid>();
        foreach (var e in events)
            if (e.Data is TrainingWithdrawn t) ids.Add(t.TrainingId);
            else if (e.Data is EvidenceWithdrawn x) ids.Add(x.EvidenceId);
            else if (e.Data is AssessmentWithdrawn a) ids.Add(a.AssessmentId);
        return ids;
    }

    /// <summary>
    /// Said to staff and mentors in a withdrawal's form: the lowest level it would take back (<see cref="LearningAtStake"/>)
    /// up to the level the leader holds now.
    /// </summary>
    public static string LevelsAtStake(Microsoft.Extensions.Localization.IStringLocalizer T, int lowest, int held) => lowest == held
        ? T["The leader's Level {0} of this theme stands on it: withdrawing it takes that level back.", lowest]
        : T["The leader's Level {0} of this theme stands on it: withdrawing it takes back Levels {0} to {1}.", lowest, held];

    /// <summary>The versions of the declines their mentor withdrew (a wrong tap undone): the theme's page no longer shows them.</summary>
    public static IReadOnlySet<long> WithdrawnDeclines(IEnumerable<StoredEvent> events) =>
        events.Select(e => e.Data).OfType<SignOffDeclineWithdrawn>().Select(w => w.DeclineVersion).ToHashSet();
}
