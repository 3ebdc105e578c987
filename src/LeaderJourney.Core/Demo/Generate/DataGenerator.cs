using Bogus;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.Demographics;
using LeaderJourney.Core.Succession.Positions;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Demo.Generate;

/// <param name="ReferenceDate">"Now" for the generated world: every event happens before it. Passed in, never read from a clock, so the output is reproducible.</param>
/// <param name="Framework">The framework edition every leader follows (its id is stored in each enrolment).</param>
public sealed record GeneratorSettings(DataSize Size, int Leaders, int Seed, DateTimeOffset ReferenceDate, FrameworkScope Framework)
{
    public const int DefaultSeed = 2026;

    public static GeneratorSettings For(DataSize size, int? leaders, int seed, DateTimeOffset referenceDate, FrameworkScope framework) =>
        new(size, leaders ?? DataSizes.DefaultLeaders(size), seed, referenceDate, framework);
}

/// <summary>A user to create. Every user signs in with <see cref="DataGenerator.Password"/>.</summary>
/// <param name="Email">Staff's and mentors' own, at example.org (a domain that takes no mail): with a mail catcher set as the server, the demo's notices can be read.</param>
public sealed record GeneratedUser(Guid Id, string Username, string Role, string? Affiliate, Guid? LeaderId, string? Email = null, string? Name = null);

/// <summary>New streams for one bulk append, and how many leaders and events they hold.</summary>
public sealed record GeneratedBatch(IReadOnlyList<BulkStream> Streams, int Leaders, long Events);

/// <summary>
/// Realistic generated data, deterministic for a seed and a reference date: affiliates, their staff, board
/// members and mentors, and leaders with up to six years of history, their demographics and the
/// affiliates' positions, as new streams in batches. Pure: it touches no database and no clock, and
/// writes nothing itself (see <c>Load.DataLoader</c>). Batches are made as they are asked for, so only
/// one batch's events (and a small summary per leader of the current affiliate) are in memory at a time.
/// </summary>
public sealed class DataGenerator
{
    public const string Password = "demo-password";

    // What a seed is drawn for; each kind of thing has its own sequence of randoms (see Seeds).
    private const int LeaderPart = 1, DemographicsPart = 2, CastPart = 3, PositionsPart = 4, AdminPart = 5, MentorNamesPart = 6;

    private readonly List<AffiliateCast> _casts = [];

    public DataGenerator(GeneratorSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Leaders, 1);
        if (settings.Framework.ThemeCodes.Count == 0) throw new ArgumentException("The framework has no themes to work on.", nameof(settings));
        Settings = settings;
        Affiliates = DataSizes.Affiliates(settings.Size, settings.Leaders);

        var single = Affiliates.Count == 1;
        var users = new List<GeneratedUser> { new(new Random(Seeds.For(settings.Seed, AdminPart, 0)).NewId(), "admin", Roles.NationalAdmin, null, null) };
        foreach (var (affiliate, index) in Affiliates.Select((a, i) => (a, i)))
        {
            var random = new Random(Seeds.For(settings.Seed, CastPart, index));
            // One affiliate: plain names (staff, mentor1); several: the affiliate's code after a dot (staff.oh, mentor1.oh).
            string Name(string name) => single ? name : $"{name}.{affiliate.Code.ToLowerInvariant()}";
            var staff = new GeneratedUser(random.NewId(), Name("staff"), Roles.AffiliateAdmin, affiliate.Code, null, $"{Name("staff")}@example.org");
            var board = new GeneratedUser(random.NewId(), Name("board"), Roles.Board, affiliate.Code, null);
            // About one mentor per 25 leaders, and never fewer than eight; each with a person's name, drawn
            // from a sequence of its own so that every id stays what it was before mentors had names.
            var names = new Faker("en") { Random = new Randomizer(Seeds.For(settings.Seed, MentorNamesPart, index)) };
            var mentors = Enumerable.Range(1, Math.Max(8, (affiliate.Leaders + 24) / 25))
                .Select(n => new GeneratedUser(random.NewId(), Name($"mentor{n}"), Roles.Mentor, affiliate.Code, null, $"{Name($"mentor{n}")}@example.org",
                    names.Name.FullName())).ToList();
            users.AddRange([staff, board, .. mentors]);
            _casts.Add(new AffiliateCast(affiliate.Code, new Actor(staff.Id, Role.AffiliateAdmin, null),
                mentors.Select(m => new Actor(m.Id, Role.Mentor, null)).ToList(), Locals: Math.Max(12, affiliate.Leaders / 50)));
        }

        // The first leader can sign in as "leader", with the user id their own steps already carry.
        SignInLeader = JourneyScript.Identify(new Random(Seeds.For(settings.Seed, LeaderPart, 0)), new Faker("en"), _casts[0]);
        users.Add(new GeneratedUser(SignInLeader.SelfUserId, "leader", Roles.Leader, Affiliates[0].Code, SignInLeader.Id));
        Users = users;
    }

    public GeneratorSettings Settings { get; }
    public IReadOnlyList<GeneratedAffiliate> Affiliates { get; }
    public IReadOnlyList<GeneratedUser> Users { get; }
    internal LeaderIdentity SignInLeader { get; }
    public string SignInLeaderName => SignInLeader.DisplayName;

    /// <summary>
    /// Every stream, in batches of about <paramref name="streamsPerBatch"/>: each leader's stream and
    /// demographics stream, then, after an affiliate's last leader, its positions (which nominate its leaders).
    /// </summary>
    public IEnumerable<GeneratedBatch> Batches(int streamsPerBatch = 2000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(streamsPerBatch, 1);
        var faker = new Faker("en");
        var streams = new List<BulkStream>(streamsPerBatch + 64);
        var (leaders, events) = (0, 0L);
        void Add(Guid id, string type, IReadOnlyList<object> streamEvents, AppendMetadata metadata)
        {
            streams.Add(new BulkStream(id, type, streamEvents, metadata));
            events += streamEvents.Count;
        }

        var next = 0;
        foreach (var (affiliate, index) in Affiliates.Select((a, i) => (a, i)))
        {
            var cast = _casts[index];
            var journey = new AppendMetadata { TenantId = cast.Code, UserName = cast.Staff.UserId.ToString() };
            var tenant = new AppendMetadata { TenantId = cast.Code };
            var summaries = new List<LeaderSummary>(affiliate.Leaders);
            for (var i = 0; i < affiliate.Leaders; i++, next++)
            {
                var random = new Random(Seeds.For(Settings.Seed, LeaderPart, next));
                var identity = JourneyScript.Identify(random, faker, cast);
                var (history, summary) = JourneyScript.Write(random, faker, cast, Settings.Framework, identity, Settings.ReferenceDate);
                Add(identity.Id, LeaderWrites.StreamType, history, journey);
                summaries.Add(summary);
                leaders++;

                var demographics = DemographicsScript.Write(new Random(Seeds.For(Settings.Seed, DemographicsPart, next)), identity, cast.Staff, summary.EnrolledAt, Settings.ReferenceDate);
                if (demographics.Count > 0) Add(DemographicsState.StreamIdFor(identity.Id), DemographicsWrites.StreamType, demographics, tenant);

                if (streams.Count >= streamsPerBatch)
                {
                    yield return new GeneratedBatch(streams, leaders, events);
                    streams = new List<BulkStream>(streamsPerBatch + 64);
                    (leaders, events) = (0, 0L);
                }
            }
            foreach (var (id, positionEvents) in PositionScript.Write(new Random(Seeds.For(Settings.Seed, PositionsPart, index)), cast, Settings.Framework, summaries, Settings.ReferenceDate))
                Add(id, PositionWrites.StreamType, positionEvents, tenant);
        }
        if (streams.Count > 0) yield return new GeneratedBatch(streams, leaders, events);
    }
}
