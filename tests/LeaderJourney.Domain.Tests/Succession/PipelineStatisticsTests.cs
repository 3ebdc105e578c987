using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class PipelineStatisticsTests
{
    private static readonly DateTimeOffset AsOf = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset D(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    private static StageHistory Leader(params LevelSpell[] spells) => new(Guid.NewGuid(), spells);

    // Enrolled 2024-01-01, Level 1 from 2024-03-01 (60 days at 0), Level 2 from 2024-12-26 (300 days at 1), still there.
    private static readonly StageHistory Ann = Leader(
        new LevelSpell(0, D(2024, 1, 1), D(2024, 3, 1)), new LevelSpell(1, D(2024, 3, 1), D(2024, 12, 26)), new LevelSpell(2, D(2024, 12, 26), null));

    // Enrolled 2025-01-01, 100 days at 0, then at Level 1 since 2025-04-11 (81 days by asOf).
    private static readonly StageHistory Ben = Leader(new LevelSpell(0, D(2025, 1, 1), D(2025, 4, 11)), new LevelSpell(1, D(2025, 4, 11), null));

    // Enrolled 2023-06-01, never progressed.
    private static readonly StageHistory Cy = Leader(new LevelSpell(0, D(2023, 6, 1), null));

    [Fact]
    public void Median_time_at_each_level_uses_closed_spells_and_open_ones_censored_at_asOf()
    {
        var medians = PipelineStatistics.MedianTimeAtLevel([Ann, Ben, Cy], AsOf);
        medians.Keys.Should().BeEquivalentTo([0, 1, 2, 3]);
        // Level 0: 60, 100, and Cy's open spell 2023-06-01..asOf = 761 days.
        medians[0].Should().Be(100);
        // Level 1: 300 (closed) and 81 (open, censored): the mean of the two middle values.
        medians[1].Should().Be(190.5);
        // Level 2: Ann since 2024-12-26, 187 days by asOf.
        medians[2].Should().Be(187);
        medians[3].Should().BeNull();
    }

    [Fact]
    public void Spells_after_asOf_do_not_exist_yet_and_a_spell_running_past_asOf_ends_there()
    {
        var asOf = D(2024, 6, 1);
        var medians = PipelineStatistics.MedianTimeAtLevel([Ann], asOf);
        medians[0].Should().Be(60);
        medians[1].Should().Be(92);   // 2024-03-01 .. 2024-06-01
        medians[2].Should().BeNull(); // starts later
    }

    [Fact]
    public void A_leader_who_held_a_level_twice_counts_once_with_the_time_summed()
    {
        var dropped = Leader(new LevelSpell(0, D(2025, 1, 1), D(2025, 1, 11)), new LevelSpell(1, D(2025, 1, 11), D(2025, 1, 21)),
            new LevelSpell(0, D(2025, 1, 21), D(2025, 1, 26)), new LevelSpell(1, D(2025, 1, 26), D(2025, 2, 5)), new LevelSpell(2, D(2025, 2, 5), null));
        var medians = PipelineStatistics.MedianTimeAtLevel([dropped], AsOf);
        medians[0].Should().Be(15);
        medians[1].Should().Be(20);
    }

    [Fact]
    public void Time_is_kept_in_fractional_days() =>
        PipelineStatistics.MedianTimeAtLevel([Leader(new LevelSpell(0, D(2025, 1, 1), D(2025, 1, 1).AddHours(36)))], AsOf)[0].Should().Be(1.5);

    [Fact]
    public void With_no_leaders_every_median_is_null() =>
        PipelineStatistics.MedianTimeAtLevel([], AsOf).Values.Should().AllSatisfy(v => v.Should().BeNull());

    [Fact]
    public void Stages_count_leaders_at_the_stage_covering_asOf()
    {
        var top = Leader(new LevelSpell(2, D(2024, 1, 1), D(2024, 5, 1)), new LevelSpell(3, D(2024, 5, 1), null));
        var notYetEnrolled = Leader(new LevelSpell(0, D(2025, 8, 1), null));
        var closed = Leader(new LevelSpell(1, D(2024, 1, 1), D(2025, 1, 1)));
        PipelineStatistics.Stages([Ann, Ben, Cy, top, notYetEnrolled, closed], AsOf).Should().Equal(1, 1, 1, 1);
    }

    [Fact]
    public void A_spell_ending_at_asOf_hands_over_to_the_one_starting_then()
    {
        var moved = Leader(new LevelSpell(0, D(2025, 1, 1), AsOf), new LevelSpell(1, AsOf, null));
        PipelineStatistics.StageAt(moved, AsOf).Should().Be(1);
        PipelineStatistics.StageAt(moved, AsOf.AddTicks(-1)).Should().Be(0);
    }

    [Fact]
    public void Stalled_leaders_made_no_progress_in_the_12_months_before_asOf()
    {
        // Ann rose 2024-12-26 and Ben 2025-04-11: both moving. Cy enrolled 2023-06-01 and never rose: stalled.
        PipelineStatistics.Stalled([Ann, Ben, Cy], AsOf).Should().Equal(Cy.LeaderId);
    }

    [Fact]
    public void Progress_exactly_12_months_ago_is_not_yet_stalled()
    {
        var onTheDay = Leader(new LevelSpell(0, D(2024, 1, 1), D(2024, 7, 1)), new LevelSpell(1, D(2024, 7, 1), null));
        var aMomentBefore = Leader(new LevelSpell(0, D(2024, 1, 1), D(2024, 7, 1).AddTicks(-1)), new LevelSpell(1, D(2024, 7, 1).AddTicks(-1), null));
        PipelineStatistics.Stalled([onTheDay, aMomentBefore], AsOf).Should().Equal(aMomentBefore.LeaderId);
    }

    [Fact]
    public void A_recent_enrolment_is_not_stalled_and_enrolment_counts_as_the_start() =>
        PipelineStatistics.Stalled([Leader(new LevelSpell(0, D(2024, 9, 1), null))], AsOf).Should().BeEmpty();

    [Fact]
    public void A_drop_is_not_progress()
    {
        // Rose to 2 in 2023, lost it last month: the last progress is still 2023.
        var dropped = Leader(new LevelSpell(1, D(2023, 1, 1), D(2023, 3, 1)), new LevelSpell(2, D(2023, 3, 1), D(2025, 6, 1)), new LevelSpell(1, D(2025, 6, 1), null));
        PipelineStatistics.LastProgress(dropped, AsOf).Should().Be(D(2023, 3, 1));
        PipelineStatistics.Stalled([dropped], AsOf).Should().Equal(dropped.LeaderId);
    }

    [Fact]
    public void Leaders_at_the_top_stage_or_out_of_the_pipeline_are_not_stalled()
    {
        var top = Leader(new LevelSpell(2, D(2020, 1, 1), D(2021, 1, 1)), new LevelSpell(3, D(2021, 1, 1), null));
        var closed = Leader(new LevelSpell(0, D(2020, 1, 1), D(2024, 1, 1)));
        var later = Leader(new LevelSpell(0, D(2026, 1, 1), null));
        PipelineStatistics.Stalled([top, closed, later], AsOf).Should().BeEmpty();
        PipelineStatistics.LastProgress(later, AsOf).Should().BeNull();
    }

    [Fact]
    public void The_stalled_list_gives_each_leaders_stage_and_last_progress_as_the_single_questions_do()
    {
        // Random histories (seeded): rises, drops and gaps, some closed, some starting after asOf.
        var random = new Random(7);
        var histories = Enumerable.Range(0, 400).Select(_ =>
        {
            var spells = new List<LevelSpell>();
            var at = D(2021, 1, 1).AddDays(random.Next(0, 1600));
            var level = random.Next(0, 3);
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                var end = at.AddDays(random.Next(1, 500));
                spells.Add(new LevelSpell(level, at, n == 1 && random.Next(3) > 0 ? null : end));
                at = end;
                level = Math.Clamp(level + random.Next(-1, 3), 0, PipelineStatistics.TopStage);
            }
            return Leader([.. spells]);
        }).ToList();

        var stalled = PipelineStatistics.StalledLeaders(histories, AsOf);

        stalled.Should().HaveCountGreaterThan(20).And.HaveCountLessThan(histories.Count);
        stalled.Select(s => s.LeaderId).Should().Equal(histories
            .Where(h => PipelineStatistics.StageAt(h, AsOf) is < PipelineStatistics.TopStage && PipelineStatistics.LastProgress(h, AsOf) < AsOf.AddMonths(-12))
            .Select(h => h.LeaderId));
        var byId = histories.ToDictionary(h => h.LeaderId);
        foreach (var s in stalled)
        {
            s.Stage.Should().Be(PipelineStatistics.StageAt(byId[s.LeaderId], AsOf));
            s.LastProgress.Should().Be(PipelineStatistics.LastProgress(byId[s.LeaderId], AsOf));
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-1)]
    public void A_stage_outside_0_to_3_is_a_programming_error(int level) =>
        FluentActions.Invoking(() => PipelineStatistics.Stages([Leader(new LevelSpell(level, D(2025, 1, 1), null))], AsOf))
            .Should().Throw<ArgumentException>();

    [Fact]
    public void A_spell_ending_before_it_starts_is_a_programming_error() =>
        FluentActions.Invoking(() => PipelineStatistics.MedianTimeAtLevel([Leader(new LevelSpell(0, D(2025, 2, 1), D(2025, 1, 1)))], AsOf))
            .Should().Throw<ArgumentException>();
}
