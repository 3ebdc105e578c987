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
