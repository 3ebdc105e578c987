using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class ReadinessTests
{
    private static readonly Dictionary<string, int> ThemeLevels = new() { ["VIS"] = 2, ["COM"] = 0 };
    private static readonly Dictionary<string, int> DomainLevels = new() { ["STR"] = 1 };

    private static IReadOnlyList<Gap> GapsFor(params Requirement[] requirements) =>
        SuccessionRules.Gaps(requirements, t => ThemeLevels.GetValueOrDefault(t), d => DomainLevels.GetValueOrDefault(d));

    [Fact]
    public void Gaps_are_the_unmet_requirements_in_order_read_against_theme_or_domain_levels() =>
        GapsFor(new(null, "VIS", 3), new("STR", null, 1), new(null, "COM", 2), new("STR", null, 3), new(null, "VIS", 2))
            .Should().Equal(new Gap("VIS", null, 3, 2), new Gap("COM", null, 2, 0), new Gap(null, "STR", 3, 1));

    [Fact]
    public void A_level_above_the_requirement_is_no_gap() =>
        GapsFor(new Requirement(null, "VIS", 1)).Should().BeEmpty();

    [Fact]
    public void A_theme_or_domain_the_leader_has_no_level_in_counts_from_0() =>
        GapsFor(new Requirement(null, "NEW", 1)).Should().Equal(new Gap("NEW", null, 1, 0));

    [Theory]
    [InlineData(true, "VIS:2", "STR:1")]
    [InlineData(false, "VIS:3")]
    [InlineData(false, "VIS:1", "COM:1")]
    [InlineData(false, "STR:2", "VIS:1")]
    [InlineData(true)]
    [InlineData(false, "NEW:1")]
    public void Meeting_all_requirements_is_exactly_having_no_gaps(bool expected, params string[] requirements)
    {
        // "STR" is a domain here, every other code a theme.
        var list = requirements.Select(r => r.Split(':')).Select(p => p[0] == "STR" ? new Requirement(p[0], null, int.Parse(p[1])) : new Requirement(null, p[0], int.Parse(p[1]))).ToArray();
        var meets = SuccessionRules.MeetsAll(list, t => ThemeLevels.GetValueOrDefault(t), d => DomainLevels.GetValueOrDefault(d));
        meets.Should().Be(expected);
        meets.Should().Be(GapsFor(list).Count == 0);
    }

    [Fact]
    public void No_requirements_means_no_gaps_and_ready_now() =>
        SuccessionRules.Readiness(GapsFor()).Should().Be(Readiness.ReadyNow);

    [Theory]
    [InlineData(new int[0], Readiness.ReadyNow)]
    [InlineData(new[] { 1 }, Readiness.Ready1To2Years)]
    [InlineData(new[] { 2 }, Readiness.Ready1To2Years)]
    [InlineData(new[] { 1, 1 }, Readiness.Ready1To2Years)]
    [InlineData(new[] { 3 }, Readiness.Ready3PlusYears)]
    [InlineData(new[] { 1, 2 }, Readiness.Ready3PlusYears)]
    [InlineData(new[] { 1, 1, 1 }, Readiness.Ready3PlusYears)]
    [InlineData(new[] { 3, 3 }, Readiness.Ready3PlusYears)]
    public void Readiness_follows_the_summed_shortfall(int[] shortfalls, Readiness expected)
    {
        var gaps = shortfalls.Select((s, i) => new Gap($"T{i}", null, 3, 3 - s)).ToList();
        SuccessionRules.Shortfall(gaps).Should().Be(shortfalls.Sum());
        SuccessionRules.Readiness(gaps).Should().Be(expected);
    }

    [Fact]
    public void A_hand_made_gap_that_is_met_adds_no_shortfall() =>
        SuccessionRules.Readiness([new Gap("VIS", null, 1, 3), new Gap("COM", null, 2, 1)]).Should().Be(Readiness.Ready1To2Years);

    [Theory]
    [InlineData(Readiness.Ready3PlusYears, null, Readiness.Ready3PlusYears)]
    [InlineData(Readiness.Ready3PlusYears, Readiness.ReadyNow, Readiness.ReadyNow)]
    [InlineData(Readiness.ReadyNow, Readiness.Ready1To2Years, Readiness.Ready1To2Years)]
    public void A_persons_assessment_overrides_the_computed_readiness(Readiness computed, Readiness? assessed, Readiness expected)
    {
        SuccessionRules.Effective(computed, assessed).Should().Be(expected);
        new Candidate(Guid.NewGuid(), null, Guid.Empty, default, assessed, null, null, null).Effective(computed).Should().Be(expected);
    }

    [Theory]
    [InlineData(Readiness.ReadyNow, "ready-now")]
    [InlineData(Readiness.Ready1To2Years, "ready-1-2-years")]
    [InlineData(Readiness.Ready3PlusYears, "ready-3-plus-years")]
    public void Readiness_has_stable_api_names(Readiness readiness, string name)
    {
        ReadinessNames.ToApi(readiness).Should().Be(name);
        ReadinessNames.FromApi(name).Should().Be(readiness);
    }

    [Theory]
    [InlineData("Ready-Now")]
    [InlineData("ReadyNow")]
    [InlineData("")]
    public void An_unknown_readiness_name_is_refused(string name)
    {
        FluentActions.Invoking(() => ReadinessNames.FromApi(name)).Should().Throw<ArgumentException>()
            .WithMessage("Unknown readiness*use ready-now, ready-1-2-years or ready-3-plus-years*");
        ReadinessNames.TryFromApi(name, out _).Should().BeFalse();
    }
}
