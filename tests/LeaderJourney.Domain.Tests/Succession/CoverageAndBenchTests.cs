using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class CoverageAndBenchTests
{
    private static readonly Guid Ann = Guid.NewGuid(), Ben = Guid.NewGuid(), Cy = Guid.NewGuid(), Dee = Guid.NewGuid();

    [Fact]
    public void Coverage_counts_key_positions_with_a_ready_now_candidate_over_key_positions() =>
        SuccessionRules.Coverage([(true, true), (true, false), (true, true), (false, true), (false, false), (true, false)])
            .Should().Be((4, 2, 0.5));

    [Fact]
    public void Coverage_with_no_key_position_is_0_not_a_division_by_zero()
    {
        SuccessionRules.Coverage([]).Should().Be((0, 0, 0d));
        SuccessionRules.Coverage([(false, true)]).Should().Be((0, 0, 0d));
    }

    [Fact]
    public void The_coverage_ratio_is_not_rounded() =>
        SuccessionRules.Coverage([(true, true), (true, false), (true, false)]).Ratio.Should().Be(1d / 3);

    [Fact]
    public void Full_coverage_is_1() =>
        SuccessionRules.Coverage([(true, true), (true, true)]).Should().Be((2, 2, 1d));

    [Fact]
    public void One_person_ready_for_three_posts_fills_only_one_of_them_at_once() =>
        SuccessionRules.FillableAtOnce([[Ann], [Ann], [Ann], []]).Should().Be(1);

    [Fact]
    public void Posts_fillable_at_once_move_a_shared_candidate_to_where_nobody_else_can_go()
    {
        // Ann is ready for both; Ben only for the first. Giving Ann the first (as a greedy pass in order would)
        // leaves the second empty; the matching moves Ann to the second and gives Ben the first.
        SuccessionRules.FillableAtOnce([[Ann, Ben], [Ann]]).Should().Be(2);
        SuccessionRules.FillableAtOnce([[Ann, Ben], [Ann, Ben], [Ann, Ben, Cy], [Dee]]).Should().Be(4);
        SuccessionRules.FillableAtOnce([[Ann, Ben], [Ann, Ben], [Ann, Ben]]).Should().Be(2);
    }

    [Fact]
    public void No_key_position_or_no_one_ready_fills_nothing()
    {
        SuccessionRules.FillableAtOnce([]).Should().Be(0);
        SuccessionRules.FillableAtOnce([[], []]).Should().Be(0);
    }

    [Fact]
    public void Posts_fillable_at_once_equal_the_best_of_every_assignment_for_every_three_by_three_case()
    {
        var people = new[] { Ann, Ben, Cy };
        // Every way three positions can each have any subset of three people ready now: 2^9 cases.
        for (var mask = 0; mask < 1 << 9; mask++)
        {
            var positions = Enumerable.Range(0, 3)
                .Select(p => (IReadOnlyCollection<Guid>)people.Where((_, i) => (mask >> (p * 3 + i) & 1) == 1).ToArray()).ToArray();
            SuccessionRules.FillableAtOnce(positions).Should().Be(BestAssignment(positions, 0, []), "case {0}", mask);
        }
    }

    /// <summary>Tries every assignment: each position gets one of its free candidates, or nobody.</summary>
    private static int BestAssignment(IReadOnlyList<IReadOnlyCollection<Guid>> positions, int from, HashSet<Guid> used)
    {
        if (from == positions.Count) return 0;
        var best = BestAssignment(positions, from + 1, used);
        foreach (var leader in positions[from].Where(l => !used.Contains(l)))
        {
            used.Add(leader);
            best = Math.Max(best, 1 + BestAssignment(positions, from + 1, used));
            used.Remove(leader);
        }
        return best;
    }

    [Fact]
    public void The_bench_counts_each_leader_once_at_their_best_readiness() =>
        SuccessionRules.BenchStrength([
            (Ann, Readiness.Ready3PlusYears), (Ann, Readiness.ReadyNow), (Ann, Readiness.Ready1To2Years),
            (Ben, Readiness.Ready1To2Years), (Ben, Readiness.Ready3PlusYears),
            (Cy, Readiness.Ready3PlusYears),
            (Dee, Readiness.ReadyNow),
        ]).Should().Be(new Bench(2, 1, 1));

    [Fact]
    public void An_empty_bench_counts_nothing() =>
        SuccessionRules.BenchStrength(Array.Empty<(Guid, Readiness)>()).Should().Be(new Bench(0, 0, 0));

    [Fact]
    public void Nominations_to_non_key_positions_are_left_off_the_bench() =>
        SuccessionRules.BenchStrength([
            (true, Ann, Readiness.Ready1To2Years),
            (false, Ann, Readiness.ReadyNow),       // non-key: does not lift Ann to ready-now
            (true, Ann, Readiness.Ready3PlusYears),
            (false, Ben, Readiness.ReadyNow),       // only non-key: Ben is not on the bench
            (true, Cy, Readiness.ReadyNow),
        ]).Should().Be(new Bench(1, 1, 0));

    [Fact]
    public void Effective_readiness_feeds_coverage_and_bench()
    {
        // Ann is computed 3+ years but assessed ready now; the person's call counts.
        var candidates = new[]
        {
            new Candidate(Ann, null, Guid.Empty, default, Readiness.ReadyNow, "Proven in office.", Guid.Empty, default),
            new Candidate(Ben, null, Guid.Empty, default, null, null, null, null),
        };
        var computed = new Dictionary<Guid, Readiness> { [Ann] = Readiness.Ready3PlusYears, [Ben] = Readiness.Ready1To2Years };
        var effective = candidates.Select(c => (c.LeaderId, c.Effective(computed[c.LeaderId]))).ToList();

        SuccessionRules.Coverage([(true, effective.Any(e => e.Item2 == Readiness.ReadyNow))]).Should().Be((1, 1, 1d));
        SuccessionRules.BenchStrength(effective).Should().Be(new Bench(1, 1, 0));
    }
}
