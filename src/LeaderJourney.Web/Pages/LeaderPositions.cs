using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Succession.LeaderPositions;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// The positions seen from one leader, for <c>_LeaderPositions</c>: on staff's record their nominations
/// and what staff judged; on the leader's own page (<see cref="Reader.Leader"/>) and their mentor's, what
/// each key position still asks of them.
/// </summary>
/// <param name="ThemeLink">Where a theme's gap leads, with <c>{0}</c> for the theme's code (where its learning is logged or assessed); none on staff's record.</param>
/// <param name="NominateAction">Where staff's form posts a nomination of this leader (their record), or null where none is offered (a withdrawn or erased leader).</param>
public sealed record LeaderPositionsView(IReadOnlyList<LeaderPositionStanding> Standings, CodeWords Words, LeaderPositionsView.Reader For, string? ThemeLink = null, string? NominateAction = null)
{
    public enum Reader { Staff, Mentor, Leader }

    /// <summary>What a nomination from the section did, said in the section.</summary>
    public (string? Message, string? Error)? Outcome { get; init; }
}
