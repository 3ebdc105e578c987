using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Core.Demo.Generate;

/// <summary>
/// A leader's demographics stream: about 70% consent and state theirs soon after enrolling (mostly
/// themselves, sometimes staff on their stated consent); a few later update them or withdraw consent.
/// Decided by <see cref="DemographicsState.Decide"/>, as the demographics form would.
/// </summary>
internal static class DemographicsScript
{
    public const double ConsentShare = 0.7;

    private static readonly string[] Race = ["Black or African American", "Hispanic or Latino", "White", "Asian", "American Indian or Alaska Native", "Native Hawaiian or Pacific Islander"];
    private static readonly string[] Gender = ["woman", "man", "non-binary"];
    private static readonly string[] Job = ["teacher", "education support professional", "higher education faculty", "specialized instructional support"];

    /// <summary>The stream's events, or none when the leader gives no consent (then nothing at all is stored).</summary>
    public static IReadOnlyList<object> Write(Random random, LeaderIdentity leader, Actor staff, DateTimeOffset enrolledAt, DateTimeOffset now)
    {
        if (!random.Chance(ConsentShare)) return [];
        var at = enrolledAt + random.Days(20);
        if (at > now) return [];
        var state = DemographicsState.Initial;
        var events = new List<object>(2);
        void Decide(object command)
        {
            foreach (var e in DemographicsState.Decide(leader.Id, command, state))
            {
                events.Add(e);
                state = DemographicsState.Evolve(state, e);
            }
        }

        var actor = random.Chance(0.75) ? leader.Self : staff;
        // Some give two race/ethnicity values; a few leave gender or job category out.
        string[] race = random.Chance(0.08) ? [Race[random.Weighted([30, 20, 40, 6, 2, 2])], Race[random.Weighted([30, 20, 40, 6, 2, 2])]] : [Race[random.Weighted([30, 20, 40, 6, 2, 2])]];
        var gender = random.Chance(0.03) ? null : Gender[random.Weighted([70, 27, 3])];
        var job = Job[random.Weighted([60, 30, 5, 5])];
        Decide(new RecordDemographics(race, gender, random.Chance(0.02) ? null : job, true, actor, at));

        var later = at + random.Days(400);
        if (later > now) return events;
        if (random.Chance(0.05)) Decide(new RecordDemographics(race, gender, Job[random.Weighted([60, 30, 5, 5])], true, leader.Self, later));
        else if (random.Chance(0.03)) Decide(new WithdrawDemographicsConsent(leader.Self, later));
        return events;
    }
}
