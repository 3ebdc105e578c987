using LeaderJourney.Core;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Demo.Generate;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using LeaderJourney.Storage;

namespace LeaderJourney.IntegrationTests.Demo;

/// <summary>
/// The generator on its own: pure code, no database (it lives in Core, which the domain test project does
/// not reference, hence here). The framework is the built-in NEA document, parsed as the catalog would.
/// </summary>
public sealed class DataGeneratorTests
{
    private static readonly DateTimeOffset ReferenceDate = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly EventTypeRegistry Types = EventTypes.CreateRegistry();

    private static readonly Lazy<FrameworkScope> Nea = new(() =>
    {
        var framework = FrameworkDocumentParser.Parse(BuiltInFrameworks.Read(BuiltInFrameworks.Entries[0].Resource));
        var themes = framework.Domains.SelectMany(d => d.Themes.Select(t => (t.Code, Domain: d.Code))).ToDictionary(x => x.Code, x => x.Domain);
        return new FrameworkScope(new Guid("7a1c2d3e-0000-4000-8000-000000000001"), [.. themes.Keys], themes, framework.LevelScale.Count);
    });

    private static DataGenerator Generator(DataSize size, int leaders, int seed = 11) =>
        new(GeneratorSettings.For(size, leaders, seed, ReferenceDate, Nea.Value));

    /// <summary>The first <paramref name="count"/> streams as text: id, type, tenant, and every event under its stored name, as the store serializes it.</summary>
    private static List<string> Serialized(DataGenerator generator, int count) =>
        generator.Batches(streamsPerBatch: 100).SelectMany(b => b.Streams).Take(count)
            .Select(s => $"{s.StreamId} {s.StreamType} {s.Metadata?.TenantId}: " + string.Join("\n", s.Events.Select(e => $"{Types.NameOf(e.GetType())} {System.Text.Json.JsonSerializer.Serialize(e, e.GetType(), Types.JsonOptions)}")))
            .ToList();

    [Fact]
    public void The_same_seed_and_reference_date_give_the_same_events_and_another_seed_other_ones()
    {
        var first = Serialized(Generator(DataSize.State, 400, seed: 5), 300);
        var again = Serialized(Generator(DataSize.State, 400, seed: 5), 300);
        var other = Serialized(Generator(DataSize.State, 400, seed: 6), 300);

        first.Should().HaveCount(300);
        again.Should().Equal(first);
        other.Should().NotIntersectWith(first, "another seed gives other people, other ids and other journeys");
        Generator(DataSize.State, 400, seed: 5).Users.Should().BeEquivalentTo(Generator(DataSize.State, 400, seed: 5).Users, o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_state_sized_sample_has_the_progression_shape_and_the_events_per_leader_of_the_issue()
    {
        var generator = Generator(DataSize.State, 2000);
        var leaders = new List<Leader>();
        var positions = new List<Position>();
        var (events, declines, demographics, selfAssessments, evidence) = (0L, 0, 0, 0, 0);
        foreach (var batch in generator.Batches())
        {
            batch.Events.Should().Be(batch.Streams.Sum(s => (long)s.Events.Count));
            events += batch.Events;
            foreach (var stream in batch.Streams)
            {
                // Events of a stream are in time order: reports as of a date fold the events up to that date.
                Times(stream.Events).Should().BeInAscendingOrder().And.OnlyContain(t => t <= ReferenceDate);
                switch (stream.StreamType)
                {
                    case LeaderWrites.StreamType:
                        leaders.Add(stream.Events.Aggregate(Leader.Initial, Leader.Evolve));
                        declines += stream.Events.OfType<SignOffDeclined>().Count();
                        selfAssessments += stream.Events.OfType<AssessmentRecorded>().Count(a => a.Kind == AssessmentKind.Self);
                        evidence += stream.Events.OfType<EvidenceAdded>().Count();
                        break;
                    case "position":
                        positions.Add(stream.Events.Aggregate(Position.Initial, Position.Evolve));
                        break;
                    default:
                        stream.StreamId.Should().Be(DemographicsState.StreamIdFor(((DemographicsRecorded)stream.Events[0]).LeaderId));
                        demographics++;
                        break;
                }
            }
        }

        leaders.Should().HaveCount(2000);
        double Share(int level) => leaders.Count(l => l.Attainments.Any(a => a.Level >= level)) / (double)leaders.Count;
        Share(1).Should().BeGreaterThan(0.75, "most leaders reach Level 1");
        Share(2).Should().BeLessThan(Share(1)).And.BeGreaterThan(0.15, "fewer reach Level 2");
        Share(3).Should().BeLessThan(Share(2)).And.BeGreaterThan(0, "few reach Level 3");
        leaders.Average(l => l.Attainments.Count(a => a.Level == 1)).Should().BeGreaterThan(3, "most reach Level 1 in several themes");
        (events / (double)leaders.Count).Should().BeInRange(85, 120, "state size is 20,000 leaders and about 2 million events");

        declines.Should().BePositive();
        leaders.Should().Contain(l => l.Status == LeaderStatus.Withdrawn).And.Contain(l => l.Status == LeaderStatus.Paused);
        leaders.Count(l => l.Status == LeaderStatus.Withdrawn).Should().BeLessThan(leaders.Count / 10, "withdrawals are the exception");
        leaders.Should().Contain(l => l.Positions.Count > 0);
        evidence.Should().BePositive();
        selfAssessments.Should().BePositive();
        (demographics / (double)leaders.Count).Should().BeInRange(0.6, 0.8, "about 70% consent to give their demographics");

        var mentors = generator.Users.Where(u => u.Role == Roles.Mentor).Select(u => u.Id).ToHashSet();
        leaders.SelectMany(l => l.MentorHistory).Should().OnlyContain(m => mentors.Contains(m.MentorUserId), "every mentor named is a user who can sign in");
        positions.Should().HaveCountGreaterThanOrEqualTo(6);
        positions.Count(p => p.IsKey).Should().Be(5);
        positions.Should().OnlyContain(p => p.Candidates.Count >= 3);
        var ids = leaders.Select(l => l.Id).ToHashSet();
        positions.SelectMany(p => p.Candidates).Should().OnlyContain(c => ids.Contains(c.LeaderId));
    }

    [Fact]
    public void The_national_size_spreads_its_leaders_unevenly_over_fifty_state_affiliates_with_their_own_people()
    {
        var generator = Generator(DataSize.National, 100_000);

        generator.Affiliates.Should().HaveCount(50).And.OnlyHaveUniqueItems(a => a.Code);
        generator.Affiliates.Sum(a => a.Leaders).Should().Be(100_000);
        generator.Affiliates.Max(a => a.Leaders).Should().BeGreaterThan(10 * generator.Affiliates.Min(a => a.Leaders));
        generator.Users.Should().OnlyHaveUniqueItems(u => u.Username.ToLowerInvariant()).And.OnlyHaveUniqueItems(u => u.Id);
        generator.Affiliates.Should().OnlyContain(a => generator.Users.Count(u => u.Affiliate == a.Code && u.Role == Roles.AffiliateAdmin) == 1
            && generator.Users.Count(u => u.Affiliate == a.Code && u.Role == Roles.Mentor) >= 8);
    }

    [Fact]
    public void A_national_sample_with_few_leaders_per_affiliate_still_gives_every_affiliate_a_valid_history()
    {
        var streams = Generator(DataSize.National, 120).Batches().SelectMany(b => b.Streams).ToList();

        streams.Count(s => s.StreamType == LeaderWrites.StreamType).Should().Be(120);
        streams.Should().OnlyHaveUniqueItems(s => s.StreamId);
        streams.Where(s => s.StreamType == "position").GroupBy(s => s.Metadata!.TenantId).Should().HaveCount(50);
    }

    private static IEnumerable<DateTimeOffset> Times(IEnumerable<object> events) => events.Select(e => e switch
    {
        LeaderEnrolled x => x.EnrolledAt, LeaderProfileChanged x => x.ChangedAt, MentorAssigned x => x.AssignedAt, MentorUnassigned x => x.UnassignedAt,
        TrainingCompleted x => x.RecordedAt, AssessmentRecorded x => x.RecordedAt, EvidenceAdded x => x.AddedAt, SignOffRequested x => x.RequestedAt,
        LevelSignedOff x => x.SignedOffAt, SignOffDeclined x => x.DeclinedAt, LevelAttained x => x.AttainedAt, LeaderPaused x => x.PausedAt,
        LeaderWithdrawn x => x.WithdrawnAt, LeaderReactivated x => x.ReactivatedAt, PositionHeld x => x.RecordedAt,
        DemographicsRecorded x => x.RecordedAt, DemographicsConsentWithdrawn x => x.WithdrawnAt,
        PositionDefined x => x.DefinedAt, IncumbentSeated x => x.SeatedAt, IncumbentVacated x => x.VacatedAt, TermEndSet x => x.SetAt,
        CandidateNominated x => x.NominatedAt, CandidateWithdrawn x => x.WithdrawnAt, ReadinessAssessed x => x.AssessedAt, Appointed x => x.AppointedAt,
        _ => throw new ArgumentException($"The generator is not expected to write {e.GetType().Name}."),
    });
}
