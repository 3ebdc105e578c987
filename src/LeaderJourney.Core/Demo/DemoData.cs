using Bogus;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using LeaderJourney.EventStore;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Demo;

/// <summary>The database already holds data: demo data goes only into an empty one.</summary>
public sealed class DemoRefusedException(string message) : Exception(message);

/// <summary>
/// A demo affiliate of realistic generated data: leaders with a few years of history (most reach Level 1
/// in some themes, fewer Level 2, few Level 3), mentors, positions and nominations, consented
/// demographics. Every event is decided by the real deciders, so the history is one the app could have
/// produced; the same seed gives the same people and the same journeys.
/// </summary>
public sealed class DemoData(Store store, AccessDirectory directory, FrameworkCatalog catalog, FrameworkScopes scopes, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string Affiliate = "DEMO";
    public const string Password = "demo-password";

    public sealed record SignIn(string Username, string Password, string Role, string What);

    public async Task<IReadOnlyList<SignIn>> LoadAsync(int leaders = 200, int seed = 2026, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        if (await HoldsDataAsync(ct)) throw new DemoRefusedException("The database already holds data; demo data is loaded only into an empty database.");
        var nea = (await catalog.ListAsync(ct)).Where(f => f.Name == BuiltInFrameworks.Entries[0].Name).OrderBy(f => f.PublishedAt).Last();
        var scope = (await scopes.FindAsync(nea.Id, ct))!;

        await directory.CreateAffiliateAsync(Affiliate, "Demo Education Association", ct);
        var signIns = new List<SignIn>();
        async Task<Guid> User(string username, string role, string what, Guid? leaderId = null)
        {
            var id = await directory.CreateUserAsync(username, Password, role, role == Roles.NationalAdmin ? null : Affiliate, leaderId, null, ct);
            signIns.Add(new SignIn(username, Password, role, what));
            return id;
        }
        await User("admin", Roles.NationalAdmin, "national admin");
        var staff = new Actor(await User("staff", Roles.AffiliateAdmin, "affiliate staff"), Role.AffiliateAdmin, null);
        await User("board", Roles.Board, "governance board member");
        var mentors = new List<Actor>();
        for (var m = 1; m <= 8; m++) mentors.Add(new Actor(await User($"mentor{m}", Roles.Mentor, m == 1 ? "a mentor (mentor1 to mentor8)" : ""), Role.Mentor, null));

        var random = new Random(seed);
        var faker = new Faker("en") { Random = new Randomizer(seed) };
        var now = clock.GetUtcNow();
        var start = now.AddYears(-3);
        var streams = new List<BulkStream>();
        var states = new List<Leader>();
        for (var i = 0; i < leaders; i++)
        {
            var (events, state) = Journey(random, faker, scope, nea.Id, staff, mentors, start.AddDays(random.Next(0, 730)), now);
            streams.Add(new BulkStream(state.Id, LeaderCommandPipeline.StreamType, events, new AppendMetadata { TenantId = Affiliate, UserName = staff.UserId.ToString() }));
            states.Add(state);
            progress?.Report(i + 1);
        }
        await store.BulkAppendAsync(streams, ct);
        signIns.Add(new SignIn("leader", Password, Roles.Leader, $"a leader ({states[0].DisplayName})"));
        await directory.CreateUserAsync("leader", Password, Roles.Leader, Affiliate, states[0].Id, null, ct);

        await store.BulkAppendAsync(Demographics(random, states, staff).ToList(), ct);
        await store.BulkAppendAsync(Positions(random, states, staff, start, now).ToList(), ct);
        return signIns.Where(s => s.What.Length > 0).ToList();
    }

    public async Task<bool> HoldsDataAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select exists (select 1 from {store.Schema}.users) or exists (select 1 from {store.Schema}.streams where type <> 'framework')
            """);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static (List<object> Events, Leader State) Journey(Random random, Faker faker, FrameworkScope scope, Guid edition, Actor staff, List<Actor> mentors, DateTimeOffset enrolled, DateTimeOffset now)
    {
        var events = new List<object>();
        var state = Leader.Initial;
        var at = enrolled;
        void Decide(object command)
        {
            try
            {
                var decided = LeaderDecider.Decide(command, state, AttainmentPolicy.Default);
                events.AddRange(decided);
                state = decided.Aggregate(state, Leader.Evolve);
            }
            catch (DomainRuleException)
            {
                // A random step the rules refuse is simply not taken.
            }
        }
        // Time moves on between steps, but never past the present.
        DateTimeOffset Later(int maxDays)
        {
            var next = at.AddDays(random.Next(1, maxDays));
            if (next < now) at = next;
            return at;
        }

        var first = faker.Name.FirstName();
        var last = faker.Name.LastName();
        Decide(new Enroll(Guid.NewGuid(), Affiliate, $"Local {random.Next(1, 13)}", $"{first} {last}",
            faker.Internet.Email(first, last, "example.org").ToLowerInvariant(), edition, staff, at));
        var mentor = mentors[random.Next(mentors.Count)];
        Decide(new AssignMentor(mentor.UserId, staff, Later(20)));
        if (random.Next(4) == 0) Decide(new AssignMentor(mentors[random.Next(mentors.Count)].UserId, staff, Later(60)));

        // Most leaders reach Level 1 in some themes, fewer Level 2, few Level 3.
        var self = new Actor(Guid.NewGuid(), Role.Leader, state.Id);
        var themes = scope.ThemeCodes.OrderBy(_ => random.Next()).Take(random.Next(0, 10)).ToList();
        foreach (var theme in themes)
            for (var level = 1; level <= 3; level++)
            {
                if (level > 1 && random.NextDouble() > (level == 2 ? 0.35 : 0.2)) break;
                Decide(new RecordTraining(Guid.NewGuid(), $"{theme} workshop, level {level}", theme, level, random.Next(2, 13), DateOnly.FromDateTime(Later(90).UtcDateTime), staff, at));
                Decide(new RequestSignOff(theme, level, self, Later(30)));
                if (random.Next(10) == 0)
                {
                    Decide(new DeclineSignOff(theme, level, "More practice first, please.", mentor, Later(20)));
                    break;
                }
                if (random.Next(8) == 0) break; // still waiting in the mentor's queue
                Decide(new SignOff(theme, level, null, mentor, Later(20)));
            }
        if (random.Next(40) == 0) Decide(new Withdraw("Moved out of state", staff, Later(200)));
        return (events, state);
    }

    private static IEnumerable<BulkStream> Demographics(Random random, List<Leader> leaders, Actor staff)
    {
        string[] race = ["Black or African American", "Hispanic or Latino", "White", "Asian", "American Indian or Alaska Native", "Native Hawaiian or Pacific Islander"];
        string[] gender = ["woman", "man", "non-binary"];
        string[] job = ["teacher", "education support professional", "higher education faculty", "specialized instructional support"];
        foreach (var leader in leaders.Where(_ => random.NextDouble() < 0.7))
        {
            var recorded = DemographicsState.Decide(leader.Id, new RecordDemographics(
                [race[Weighted(random, [30, 20, 40, 6, 2, 2])]], gender[Weighted(random, [70, 27, 3])], job[Weighted(random, [60, 30, 5, 5])], true, staff,
                leader.MentorHistory[0].AssignedAt), DemographicsState.Initial);
            yield return new BulkStream(DemographicsState.StreamIdFor(leader.Id), "demographics", recorded, new AppendMetadata { TenantId = Affiliate });
        }
    }

    private static int Weighted(Random random, int[] weights)
    {
        var pick = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
            if ((pick -= weights[i]) < 0) return i;
        return weights.Length - 1;
    }

    private static IEnumerable<BulkStream> Positions(Random random, List<Leader> leaders, Actor staff, DateTimeOffset start, DateTimeOffset now)
    {
        var active = leaders.Where(l => l.Status == LeaderStatus.Active).ToList();
        var titles = new (string Title, bool Key, Requirement[] Requirements)[]
        {
            ("President", true, [new(null, "GOV.1", 2), new("ADV", null, 1), new(null, "COM.1", 2)]),
            ("Vice President", true, [new(null, "GOV.1", 1), new(null, "ADV.1", 2)]),
            ("Treasurer", true, [new(null, "SFH.1", 2), new(null, "SFH.2", 1)]),
            ("Secretary", true, [new(null, "COM.1", 1), new(null, "GOV.2", 1)]),
            ("Organizing Director", true, [new("ORG", null, 1), new(null, "ORG.1", 2)]),
            ("Communications Committee Chair", false, [new(null, "COM.2", 1)]),
        };
        var incumbents = active.OrderBy(_ => random.Next()).Take(titles.Length).ToList();
        foreach (var ((title, key, requirements), index) in titles.Select((t, i) => (t, i)))
        {
            var id = Guid.NewGuid();
            var defined = start.AddDays(random.Next(30, 400));
            var incumbent = index < incumbents.Count ? incumbents[index] : null;
            var state = Position.Initial;
            var events = new List<object>();
            void Decide(object command)
            {
                var decided = PositionDecider.Decide(command, state);
                events.AddRange(decided);
                state = decided.Aggregate(state, Position.Evolve);
            }
            var termEnd = DateOnly.FromDateTime(now.AddMonths(random.Next(2, 30)).UtcDateTime);
            Decide(new DefinePosition(id, Affiliate, title, key, requirements, random.Next(5) == 0 ? null : incumbent?.Id, termEnd, staff, defined));
            foreach (var candidate in active.Where(l => l.Id != state.Incumbent.LeaderId).OrderByDescending(l => l.Attainments.Count).Skip(random.Next(0, 10)).Take(random.Next(3, 7)))
                Decide(new NominateCandidate(candidate.Id, null, staff, defined.AddDays(random.Next(1, 300))));
            if (state.Candidates.Count > 0)
                Decide(new AssessReadiness(state.Candidates[0].LeaderId, Readiness.Ready1To2Years, "Strong organizer; needs a term on the budget committee.", staff, defined.AddDays(320)));
            yield return new BulkStream(id, "position", events, new AppendMetadata { TenantId = Affiliate });
        }
    }
}
