namespace LeaderJourney.Domain.Succession;

/// <summary>A spell a leader spent at one stage, from <paramref name="From"/> up to (not including) <paramref name="To"/>;
/// open (null <paramref name="To"/>) while it lasts.</summary>
public sealed record LevelSpell(int Level, DateTimeOffset From, DateTimeOffset? To);

/// <summary>A leader's stage over time: the highest level attained in any theme (0 when none), as spells that do not
/// overlap. The first spell starts at enrolment (normally at stage 0). Withdrawn leaders are the caller's to leave out
/// (API.md: they are not counted), or to close with a <c>To</c>.</summary>
public sealed record StageHistory(Guid LeaderId, IReadOnlyList<LevelSpell> Spells);

/// <summary>A leader whose stage has not risen in twelve months (they may have attained their level in more themes meanwhile): their stage at the moment asked about, and when they last rose (or enrolled).</summary>
public sealed record StalledLeader(Guid LeaderId, int Stage, DateTimeOffset LastProgress);

/// <summary>Pipeline statistics from stage histories, as of a moment; pure functions. Everything after the as-of
/// moment is ignored: a spell that starts later does not exist yet, and one still running then ends there.</summary>
public static class PipelineStatistics
{
    /// <summary>The highest stage; API.md counts stages n0..n3.</summary>
    public const int TopStage = 3;

    /// <summary>Median days spent at each stage 0..3 (every key present; null when no leader had that stage by asOf).
    /// <para>Per leader, the time at a stage is the sum of their spells at it (a leader who dropped back and rose again
    /// spent two spells there), so each leader counts once per stage. A closed spell counts its length; an open spell,
    /// or one that ends after asOf, counts asOf minus its start: it is censored at asOf, so a stage that many leaders
    /// are still in shows a median shorter than they will in the end spend. Days are fractional (TimeSpan.TotalDays).
    /// With an even number of leaders the median is the mean of the middle two.</para></summary>
    public static IReadOnlyDictionary<int, double?> MedianTimeAtLevel(IEnumerable<StageHistory> histories, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var days = Enumerable.Range(0, TopStage + 1).ToDictionary(level => level, _ => new List<double>());
        var sums = new double[TopStage + 1];
        var seen = new bool[TopStage + 1];
        foreach (var history in histories)
        {
            Array.Clear(sums);
            Array.Clear(seen);
            foreach (var s in Known(history, asOf))
            {
                sums[s.Level] += (Until(s, asOf) - s.From).TotalDays;
                seen[s.Level] = true;
            }
            for (var level = 0; level <= TopStage; level++)
                if (seen[level]) days[level].Add(sums[level]);
        }
        return days.ToDictionary(pair => pair.Key, pair => Median(pair.Value));
    }

    /// <summary>How many leaders stand at each stage at asOf: [n0, n1, n2, n3]. A leader counts at the stage of the
    /// spell that covers asOf; one with no such spell (enrolled later, or their history closed before) is not counted.</summary>
    public static IReadOnlyList<int> Stages(IEnumerable<StageHistory> histories, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var counts = new int[TopStage + 1];
        foreach (var history in histories)
        {
            if (StageAt(history, asOf) is { } stage) counts[stage]++;
        }
        return counts;
    }

    /// <summary>The leader's stage at asOf: the level of the spell covering it, or null when none does.</summary>
    public static int? StageAt(StageHistory history, DateTimeOffset asOf) =>
        Known(history, asOf).LastOrDefault(s => s.To is null || s.To > asOf)?.Level;

    /// <summary>The last moment the leader progressed by asOf: the start of their latest spell at a higher stage than the
    /// spell before it, or their enrolment (the start of their first spell) when they never rose. A drop (a revoked
    /// level) is not progress, so it does not restart the clock. Null when the leader had no spell by asOf.</summary>
    public static DateTimeOffset? LastProgress(StageHistory history, DateTimeOffset asOf)
    {
        var spells = Known(history, asOf);
        if (spells.Count == 0) return null;
        var last = spells[0].From;
        for (var i = 1; i < spells.Count; i++)
        {
            if (spells[i].Level > spells[i - 1].Level) last = spells[i].From;
        }
        return last;
    }

    /// <summary>Leaders who have made no progress in the 12 months before asOf: their <see cref="LastProgress"/> is
    /// before asOf.AddMonths(-12) (exactly 12 months is not yet stalled). Only leaders in the pipeline at asOf count (a
    /// spell covers asOf), and not those at the top stage, who have nothing left to progress to. In input order.</summary>
    public static IReadOnlyList<Guid> Stalled(IEnumerable<StageHistory> histories, DateTimeOffset asOf) =>
        StalledLeaders(histories, asOf).Select(s => s.LeaderId).ToList();

    /// <summary>The <see cref="Stalled"/> leaders with their stage at asOf and their <see cref="LastProgress"/>, in input
    /// order; one walk over each history, as a report looks at every leader of an affiliate.</summary>
    public static IReadOnlyList<StalledLeader> StalledLeaders(IEnumerable<StageHistory> histories, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var cutoff = YearBefore(asOf);
        var stalled = new List<StalledLeader>();
        foreach (var history in histories)
        {
            var spells = Known(history, asOf);
            if (spells.Count == 0) continue;
            var last = spells[0].From;
            int? stage = null;
            for (var i = 0; i < spells.Count; i++)
            {
                if (i > 0 && spells[i].Level > spells[i - 1].Level) last = spells[i].From;
                if (spells[i].To is null || spells[i].To > asOf) stage = spells[i].Level;
            }
            if (stage < TopStage && last < cutoff) stalled.Add(new StalledLeader(history.LeaderId, stage.Value, last));
        }
        return stalled;
    }

    /// <summary>Where the twelve months a leader is stalled over begin: 12 calendar months before asOf.</summary>
    public static DateTimeOffset YearBefore(DateTimeOffset asOf) => asOf.AddMonths(-12);

    /// <summary>The spells that had begun by asOf, in time order; checks them, as a broken history is a programming error.</summary>
    private static IReadOnlyList<LevelSpell> Known(StageHistory history, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(history.Spells);
        foreach (var s in history.Spells)
        {
            if (s.Level is < 0 or > TopStage)
                throw new ArgumentException($"Leader {history.LeaderId} has a spell at stage {s.Level}; stages run from 0 to {TopStage}.", nameof(history));
            if (s.To < s.From)
                throw new ArgumentException($"Leader {history.LeaderId} has a spell that ends before it starts.", nameof(history));
        }
        // Reports pass histories already in order and up to asOf: those are taken as they are.
        var ready = true;
        for (var i = 0; i < history.Spells.Count && ready; i++)
            ready = history.Spells[i].From <= asOf && (i == 0 || history.Spells[i - 1].From <= history.Spells[i].From);
        return ready ? history.Spells : [.. history.Spells.Where(s => s.From <= asOf).OrderBy(s => s.From)];
    }

    private static DateTimeOffset Until(LevelSpell spell, DateTimeOffset asOf) =>
        spell.To is { } to && to < asOf ? to : asOf;

    private static double? Median(List<double> values)
    {
        if (values.Count == 0) return null;
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
