using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Succession.Reports;

namespace LeaderJourney.Core.Succession.TalentReview;

/// <summary>Reads the talent review of an affiliate as of a moment, with the decisions since another.</summary>
public sealed class TalentReviewQuery(SuccessionData data, AccessDirectory directory, TimeProvider clock)
{
    /// <summary>How far back the decisions go when no start is given: about a month, a board's usual interval.</summary>
    public const int DefaultDays = 30;

    /// <param name="since">The window's start; by default the start of the day <see cref="DefaultDays"/> days before <paramref name="asOf"/>'s.</param>
    /// <param name="forStaff">Whether the reader is staff, who see the notes on nominations and withdrawals and the decisions' moments (see <see cref="TalentReviewReport.Build"/>).</param>
    public async Task<TalentReviewReport> ReadAsync(string affiliate, DateTimeOffset? asOf, DateTimeOffset? since, bool forStaff, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var at = asOf ?? now;
        var from = since ?? new DateTimeOffset(at.UtcDateTime.Date.AddDays(-DefaultDays), TimeSpan.Zero);
        if (from > at) throw new RequestValidationException("since", "since is a date no later than asOf.");

        // One read of each position stream serves the grid and the decisions (a position retired in the
        // window is a decision of it, and leaves the grid).
        var histories = await data.PositionHistoriesAsync(affiliate, at, ct);
        var positions = histories.Select(h => h.Position).Where(p => !p.IsRetired).ToList();
        var decisions = TalentReviewReport.DecisionsSince(histories, from);
        // Only the people the review names are read, as the succession page does.
        var people = SuccessionReport.PeopleOf(positions).Concat(decisions.Select(d => d.LeaderId).OfType<Guid>()).ToHashSet();
        var leaders = await data.LeadersAsync(affiliate, at, ct, only: people);
        var succession = SuccessionReport.Build(affiliate, at, now, positions, leaders, suggest: false);
        var usernames = await directory.UsernamesAsync([.. decisions.Select(d => d.DecidedBy).Distinct()], ct);
        return TalentReviewReport.Build(succession, from, decisions, leaders.ToDictionary(l => l.Id, l => l.DisplayName), usernames, forStaff);
    }
}
