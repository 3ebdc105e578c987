using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Core.Succession.LeaderPositions;

/// <summary>
/// One position as it stands for one leader now: what it requires that they lack, the readiness that
/// follows, and, for staff, whether they hold it or are nominated and what staff judged of them.
/// </summary>
/// <param name="Computed">The readiness that follows from the levels attained.</param>
/// <param name="Candidate">The leader's nomination to it, with staff's judgement; null when not nominated.</param>
public sealed record LeaderPositionStanding(Guid PositionId, string Title, bool IsKey, bool Holds, DateOnly? TermEndsOn,
    IReadOnlyList<Gap> Gaps, Readiness Computed, Candidate? Candidate)
{
    /// <summary>The readiness that counts (staff's judgement over the computed one), for a nominated leader.</summary>
    public Readiness? Effective => Candidate?.Effective(Computed);

    /// <summary>Whether the leader holds the position or is nominated to it; staff's record also lists the others, to nominate the leader from there.</summary>
    public bool Involved => Holds || Candidate is not null;
}

/// <summary>
/// The affiliate's positions seen from one leader: on the leader's own page and their mentor's, what each
/// key position asks of them (a way to aim); on staff's record of the leader, every position: those they are
/// nominated to or hold, with staff's judgement beside the computed readiness, and the others to nominate
/// them to, with how near they are. Read as the succession
/// report reads them (<see cref="SuccessionData"/>), so the two agree.
/// </summary>
public sealed class LeaderPositionsQuery(SuccessionData data, TimeProvider clock)
{
    /// <param name="forStaff">
    /// Every position, with the leader's nominations and staff's judgements (staff's deliberations, which the
    /// leader and their mentor are not shown; <see cref="LeaderPositionStanding.Involved"/> tells those the
    /// leader is part of from the rest); without, only the key positions that set requirements, and no nomination.
    /// </param>
    /// <returns>Null while the leader-progress read model's first generation is built (the page leaves the panel out).</returns>
    public async Task<IReadOnlyList<LeaderPositionStanding>?> ForLeaderAsync(string affiliate, Guid leaderId, bool forStaff, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<LeaderAt> leaders;
        try
        {
            leaders = await data.LeadersAsync(affiliate, now, ct, only: [leaderId]);
        }
        catch (ReadModelNotReadyException)
        {
            return null;
        }
        if (leaders is not [var leader]) return [];
        var standings = new List<LeaderPositionStanding>();
        foreach (var position in await data.PositionsAsync(affiliate, now, ct))
        {
            var holds = position.Incumbent.LeaderId == leaderId;
            var candidate = forStaff ? position.CandidateOf(leaderId) : null;
            if (!forStaff && !(position.IsKey && position.Requirements.Count > 0)) continue;
            var gaps = SuccessionReport.Gaps(position, leader);
            standings.Add(new LeaderPositionStanding(position.Id, position.Title, position.IsKey, holds, position.Incumbent.TermEndsOn,
                gaps, SuccessionRules.Readiness(gaps), candidate));
        }
        // The nearest first: what the leader could reach soonest leads.
        return [.. standings.OrderBy(s => SuccessionRules.Shortfall(s.Gaps)).ThenBy(s => s.Title, StringComparer.CurrentCultureIgnoreCase)];
    }
}
