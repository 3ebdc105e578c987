using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.View;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Storage;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Projections;

public sealed class ProjectionPropertyTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly (string Projection, string[] Tables)[] ReadModels =
    [
        (LeaderProgressProjection.ProjectionName, ["leaders", "attainments", "pending", "history", "status_history"]),
        (MentorQueueProjection.ProjectionName, ["leaders", "mentors", "requests", "answers"]),
        (AffiliatePipelineProjection.ProjectionName, ["themes", "leaders", "attainments", "domains"]),
        (PipelineHistoryProjection.ProjectionName, ["leaders", "changes", "stages", "domains"]),
    ];

    [Fact]
    public async Task Two_hundred_random_journeys_read_models_equal_a_full_rebuild_and_each_leader_equals_its_fold()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "property");
        var leaders = new List<(int Seed, Guid Id)>();
        for (var seed = 1; seed <= 200; seed++)
        {
            leaders.Add((seed, await RandomJourneys.AppendAsync(h.Store, h.NeaEditionId, seed, commands: 40)));
            // The daemon's passes interleave with the appends, as they do live.
            if (seed % 40 == 0) await h.Runtime.CatchUpAsync();
        }
        await h.Runtime.CatchUpAsync();

        var scope = new FrameworkScope(h.NeaEditionId, h.ThemeToDomain.Keys.ToList(), h.ThemeToDomain, 3);
        var queries = new LeaderProgressQueries(h.Runtime);
        var pipelineDomains = await h.Runtime.ActiveTableAsync(AffiliatePipelineProjection.ProjectionName, "domains");
        var pipelineLeaders = await h.Runtime.ActiveTableAsync(AffiliatePipelineProjection.ProjectionName, "leaders");
        var attained = 0;
        foreach (var (seed, id) in leaders)
        {
            var events = await h.Store.ReadStreamAsync(id);
            var leader = events.Aggregate(Leader.Initial, (s, e) => Leader.Evolve(s, e.Data));
            var folded = LeaderProgress.Of(leader, h.ThemeToDomain);
            var modelled = await queries.CurrentAsync(id, scope, default);
            modelled.Should().BeEquivalentTo(folded, o => o.WithStrictOrdering(), $"leader-progress of journey {seed} equals its fold");
            attained += folded.Themes.Count(t => t.Level > 0);

            var domains = new Dictionary<string, int>();
            await using (var command = h.DataSource.CreateCommand($"select domain_code, level from {pipelineDomains} where leader_id = $1"))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) domains[reader.GetString(0)] = reader.GetInt32(1);
            }
            domains.Should().BeEquivalentTo(folded.Domains.ToDictionary(d => d.Code, d => d.Level), $"affiliate-pipeline domains of journey {seed} equal its fold");
            await using (var command = h.DataSource.CreateCommand($"select stage, withdrawn, local from {pipelineLeaders} where leader_id = $1"))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                await using var reader = await command.ExecuteReaderAsync();
                (await reader.ReadAsync()).Should().BeTrue($"journey {seed} is in the pipeline");
                reader.GetInt32(0).Should().Be(folded.Themes.Max(t => t.Level), $"stage of journey {seed}");
                reader.GetBoolean(1).Should().Be(leader.Status == LeaderStatus.Withdrawn, $"journey {seed} is withdrawn or not in the pipeline");
                (reader.IsDBNull(2) ? null : reader.GetString(2)).Should().Be(leader.Local, $"the local of journey {seed} in the pipeline");
            }
            await PipelineHistoryFollowsTheLevelHistory(h, id, seed);
            await MentorQueueFollowsTheFold(h, id, seed, leader, events);
        }
        attained.Should().BeGreaterThan(100, "the random journeys must reach levels for the comparison to mean something");
        await StalledLeadersFollowTheLevelHistory(h, leaders.Select(l => l.Id).ToList());

        var live = new Dictionary<string, IReadOnlyDictionary<string, string[]>>();
        foreach (var (projection, tables) in ReadModels) live[projection] = await h.DumpAsync(projection, tables);
        // Rebuilt together, from one reading of the log (as `projections rebuild --all` does).
        (await h.Runtime.RebuildTogetherAsync(ReadModels.Select(r => r.Projection).ToList(), _ => null)).Values.Should().AllSatisfy(failure => failure.Should().BeNull());
        foreach (var (projection, tables) in ReadModels)
            (await h.DumpAsync(projection, tables)).Should().BeEquivalentTo(live[projection], o => o.WithStrictOrdering(), $"{projection} rebuilt equals {projection} live");
    }

    /// <summary>
    /// The mentor queue holds, for each leader, what their fold says: the mentors assigned now, the
    /// requests not yet answered (each from its first asking), whether they are withdrawn, and every
    /// sign-off and decline in the stream that stands, by whom and when.
    /// </summary>
    private static async Task MentorQueueFollowsTheFold(ProjectionHarness h, Guid id, int seed, Leader folded, IReadOnlyList<StoredEvent> events)
    {
        var mentors = await All(h, MentorQueueProjection.ProjectionName, "mentors", "mentor_user_id", id, reader => reader.GetGuid(0));
        mentors.Should().BeEquivalentTo(folded.Mentors, $"the mentors of journey {seed}");
        var requests = await All(h, MentorQueueProjection.ProjectionName, "requests", "theme_code, level, requested_at", id,
            reader => (reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2)));
        var pending = folded.PendingSignOffs.GroupBy(p => (p.ThemeCode, p.Level)).Select(g => (g.Key.ThemeCode, g.Key.Level, g.MinBy(p => p.Version)!.RequestedAt));
        requests.Should().BeEquivalentTo(pending, $"the open requests of journey {seed}");
        var withdrawn = await All(h, MentorQueueProjection.ProjectionName, "leaders", "withdrawn", id, reader => reader.GetBoolean(0));
        withdrawn.Should().Equal([folded.Status == LeaderStatus.Withdrawn || folded.Erased], $"journey {seed} is withdrawn (or erased) or not");
        var answers = await All(h, MentorQueueProjection.ProjectionName, "answers", "seq, mentor_user_id, signed_off, answered_at", id,
            reader => (reader.GetInt64(0), reader.GetGuid(1), reader.GetBoolean(2), reader.GetFieldValue<DateTimeOffset>(3)));
        // A sign-off revoked later (by the mentor or staff) is not among them.
        bool RevokedLater(StoredEvent signed, LevelSignedOff s) => events.Any(e => e.Sequence > signed.Sequence
            && e.Data is SignOffRevoked r && r.ThemeCode == s.ThemeCode && r.Level == s.Level && r.MentorUserId == s.MentorUserId);
        // Nor is a decline its mentor withdrew.
        var withdrawnDeclines = events.Select(e => e.Data).OfType<SignOffDeclineWithdrawn>().Select(w => w.DeclineVersion).ToHashSet();
        var given = events.Select(e => e.Data switch
        {
            LevelSignedOff s when !RevokedLater(e, s) => (e.Sequence, s.MentorUserId, true, s.SignedOffAt),
            SignOffDeclined d when !withdrawnDeclines.Contains(e.Version) => (e.Sequence, d.MentorUserId, false, d.DeclinedAt),
            _ => ((long, Guid, bool, DateTimeOffset)?)null,
        }).OfType<(long, Guid, bool, DateTimeOffset)>().ToList();
        answers.Should().BeEquivalentTo(given, $"the sign-offs and declines of journey {seed}");
    }

    /// <summary>
    /// The pipeline-history spells say, at every moment, what the leader-progress history and status
    /// history say then: the stage is the highest theme level, each domain's level the lowest of its
    /// themes' levels, and the leader is withdrawn when their latest status by then says so.
    /// </summary>
    private static async Task PipelineHistoryFollowsTheLevelHistory(ProjectionHarness h, Guid id, int seed)
    {
        Task<List<object?[]>> Rows(string projection, string table, string columns) => All(h, projection, table, columns, id, reader =>
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            return row;
        });
        static DateTime? At(object? value) => value is DateTime t ? t : null;
        static bool Covers(object? from, object? to, DateTime m) => At(from) <= m && (At(to) is not { } end || end > m);

        var enrolledAt = (DateTime)(await Rows(LeaderProgressProjection.ProjectionName, "leaders", "enrolled_at"))[0][0]!;
        var levels = await Rows(LeaderProgressProjection.ProjectionName, "history", "theme_code, level, valid_from, valid_to");
        var statuses = await Rows(LeaderProgressProjection.ProjectionName, "status_history", "status, valid_from, valid_to");
        var stages = await Rows(PipelineHistoryProjection.ProjectionName, "stages", "stage, withdrawn, valid_from, valid_to");
        var domains = await Rows(PipelineHistoryProjection.ProjectionName, "domains", "domain_code, level, valid_from, valid_to");

        var boundaries = levels.SelectMany(r => new[] { r[2], r[3] }).Concat(statuses.Select(r => r[1])).Concat(stages.SelectMany(r => new[] { r[2], r[3] }))
            .Concat(domains.SelectMany(r => new[] { r[2], r[3] })).Select(At).OfType<DateTime>().Append(enrolledAt)
            .Where(m => m >= enrolledAt).Distinct().Order().ToList();
        var moments = boundaries.Zip(boundaries.Skip(1), (a, b) => a + (b - a) / 2).Concat(boundaries).Append(boundaries[^1].AddDays(1)).Order().ToList();
        foreach (var m in moments)
        {
            var themeLevels = levels.Where(r => Covers(r[2], r[3], m)).GroupBy(r => (string)r[0]!).ToDictionary(g => g.Key, g => g.Max(r => (int)r[1]!));
            var status = statuses.Where(r => At(r[1]) <= m).OrderByDescending(r => At(r[1])).Select(r => (string)r[0]!).First();
            var spell = stages.Where(r => Covers(r[2], r[3], m)).Should().ContainSingle($"one stage spell covers {m:O} for journey {seed}").Subject;
            ((int)spell[0]!).Should().Be(themeLevels.Values.DefaultIfEmpty(0).Max(), $"the stage of journey {seed} at {m:O}");
            ((bool)spell[1]!).Should().Be(status == "withdrawn", $"journey {seed} withdrawn at {m:O}");
            foreach (var domain in h.ThemeToDomain.GroupBy(t => t.Value))
            {
                var expected = domain.Min(t => themeLevels.GetValueOrDefault(t.Key));
                var actual = domains.Where(r => (string)r[0]! == domain.Key && Covers(r[2], r[3], m)).Select(r => (int)r[1]!).ToList();
                actual.Should().BeEquivalentTo(expected == 0 ? [] : new[] { expected }, $"the {domain.Key} level of journey {seed} at {m:O}");
            }
        }
    }

    /// <summary>
    /// The pipeline report's stalled list, from the pipeline-history spells, names exactly the leaders
    /// the leader-progress history shows counted now, below the top stage, and without a rise in stage
    /// for twelve months; with their stage now and the day of their last rise, ordered by name.
    /// </summary>
    private static async Task StalledLeadersFollowTheLevelHistory(ProjectionHarness h, IReadOnlyList<Guid> journeys)
    {
        var scopes = new FrameworkScopes(new LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkCatalog(h.DataSource, h.Store.Schema));
        var reports = new LeaderJourney.Core.Succession.Reports.ReportService(
            new LeaderJourney.Core.Succession.Reports.SuccessionData(h.Store, h.Runtime, h.DataSource, scopes),
            new LeaderJourney.Core.Succession.Reports.PipelineData(h.Runtime, h.DataSource, scopes), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var report = await reports.PipelineAsync("OH", now, LeaderJourney.Core.Succession.Reports.StalledNames.All, default);

        var expected = new List<(Guid Id, int Stage, DateOnly LastRise)>();
        foreach (var id in journeys)
        {
            var (affiliate, enrolledAt) = await Single<(string, DateTime)>(h, LeaderProgressProjection.ProjectionName, "leaders", "affiliate, enrolled_at", id, r => (r.GetString(0), r.GetDateTime(1)));
            if (affiliate != "OH") continue;
            var levels = await All(h, LeaderProgressProjection.ProjectionName, "history", "level, valid_from, valid_to", id,
                r => (Level: r.GetInt32(0), From: r.GetDateTime(1), To: r.IsDBNull(2) ? (DateTime?)null : r.GetDateTime(2)));
            var statuses = await All(h, LeaderProgressProjection.ProjectionName, "status_history", "status, valid_from", id, r => (Status: r.GetString(0), From: r.GetDateTime(1)));
            if (statuses.Where(s => s.From <= now.UtcDateTime).MaxBy(s => s.From).Status == "withdrawn") continue;
            int StageAt(DateTime m) => levels.Where(l => l.From <= m && (l.To is null || l.To > m)).Select(l => l.Level).DefaultIfEmpty(0).Max();
            var moments = levels.SelectMany(l => l.To is { } to ? new[] { l.From, to } : [l.From]).Where(m => m > enrolledAt).Append(enrolledAt).Distinct().Order().ToList();
            var lastRise = moments[0];
            for (var i = 1; i < moments.Count; i++)
                if (StageAt(moments[i]) > StageAt(moments[i - 1])) lastRise = moments[i];
            var stage = StageAt(now.UtcDateTime);
            if (stage < 3 && lastRise < now.UtcDateTime.AddMonths(-12)) expected.Add((id, stage, DateOnly.FromDateTime(lastRise)));
        }

        expected.Should().HaveCountGreaterThan(10, "journeys of 2024 have not risen for a year by now");
        report.StalledCount.Should().Be(expected.Count);
        report.Stalled!.Select(s => (s.LeaderId, s.Stage, s.LastProgress)).Should().BeEquivalentTo(expected);
        report.Stalled!.Select(s => s.DisplayName).Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    private static async Task<T> Single<T>(ProjectionHarness h, string projection, string table, string columns, Guid id, Func<NpgsqlDataReader, T> read) =>
        (await All(h, projection, table, columns, id, read)).Single();

    private static async Task<List<T>> All<T>(ProjectionHarness h, string projection, string table, string columns, Guid id, Func<NpgsqlDataReader, T> read)
    {
        await using var command = h.DataSource.CreateCommand($"select {columns} from {await h.Runtime.ActiveTableAsync(projection, table)} where leader_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }
}
