using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;

namespace LeaderJourney.IntegrationTests.Projections;

/// <summary>
/// Random but valid leader journeys: random commands decided by the real decider (refused ones are
/// dropped), appended through the real store. Themes come from two small domains so that domain levels,
/// cascades and revocations all happen often.
/// </summary>
public static class RandomJourneys
{
    private static readonly string[] Themes = ["COM.1", "COM.2", "ADV.1", "ADV.2"];

    public static async Task<Guid> AppendAsync(Store store, Guid editionId, int seed, int commands)
    {
        var random = new Random(seed);
        var leaderId = Guid.NewGuid();
        var admin = new Actor(Guid.NewGuid(), Role.AffiliateAdmin, null);
        var mentors = Enumerable.Range(0, 3).Select(_ => new Actor(Guid.NewGuid(), Role.Mentor, null)).ToArray();
        var self = new Actor(Guid.NewGuid(), Role.Leader, leaderId);
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(seed);
        var affiliate = random.Next(2) == 0 ? "OH" : "MI";
        var local = random.Next(3) switch { 0 => null, 1 => "Local 1", _ => "Local 2" };

        var state = Leader.Initial;
        async Task Decide(object command)
        {
            IReadOnlyList<object> events;
            try
            {
                events = LeaderDecider.Decide(command, state, AttainmentPolicy.Default);
            }
            catch (DomainRuleException)
            {
                return;
            }
            if (events.Count == 0) return;
            if (state.Version == 0) await store.StartStreamAsync(leaderId, "leader", events, new AppendMetadata { TenantId = affiliate });
            else await store.AppendAsync(leaderId, state.Version, events, new AppendMetadata { TenantId = affiliate });
            state = events.Aggregate(state, Leader.Evolve);
        }

        await Decide(new Enroll(leaderId, affiliate, local, $"Leader {seed}", $"leader{seed}@example.org", editionId, admin, now));
        for (var i = 0; i < commands; i++)
        {
            now = now.AddHours(random.Next(1, 48));
            var theme = Themes[random.Next(Themes.Length)];
            var level = random.Next(10) switch { < 5 => 1, < 8 => 2, _ => 3 };
            var mentor = mentors[random.Next(mentors.Length)];
            object command = random.Next(100) switch
            {
                < 12 => new AssignMentor(mentor.UserId, admin, now),
                < 15 => new UnassignMentor(mentor.UserId, admin, now),
                < 35 => new RecordTraining(Guid.NewGuid(), "Training", theme, level, 2, DateOnly.FromDateTime(now.UtcDateTime), admin, now),
                < 42 => new RecordAssessment(Guid.NewGuid(), theme, level, (AssessmentKind)random.Next(3), null,
                    random.Next(2) == 0 ? mentor : self, now),
                < 55 => new RequestSignOff(theme, level, self, now),
                < 78 => new SignOff(theme, level, null, mentor, now),
                < 84 => new DeclineSignOff(theme, level, "Not yet", mentor, now),
                < 88 => new RevokeSignOff(theme, level, mentor.UserId, "Mistake", admin, now),
                < 91 => new RevokeAttainment(theme, level, "Audit", admin, now),
                < 93 => new Pause(null, admin, now),
                < 98 => new Reactivate(admin, now),
                _ => random.Next(4) == 0 ? new Withdraw(null, admin, now) : new ChangeProfile($"Leader {seed}", $"leader{seed}@example.org", $"Local {random.Next(1, 6)}", admin, now),
            };
            await Decide(command);
            // Half the declines that land are withdrawn at once (a wrong tap undone), some of the rest later (a mind
            // changed, other events and daemon passes between): the request waits again.
            if (command is DeclineSignOff declined && state.DeclineOf(theme, level) is not null && random.Next(2) == 0)
                await Decide(new WithdrawDecline(declined.ThemeCode, declined.Level, mentor, now.AddMinutes(1)));
            else if (state.Declines is [var standing, ..] && random.Next(8) == 0)
                await Decide(new WithdrawDecline(standing.ThemeCode, standing.Level, mentors.Single(m => m.UserId == standing.MentorUserId), now.AddMinutes(2), standing.Version));
        }
        return leaderId;
    }
}
