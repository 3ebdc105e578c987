using LeaderJourney.Core.Leaders;
using Microsoft.Extensions.Localization;

namespace LeaderJourney.Web.Pages;

/// <summary>One mentor's sign-off of a level that stands, as the withdrawal form shows it; <see cref="MentorName"/> is null for a mentor whose user is gone.</summary>
public sealed record StandingSignOffRow(string ThemeCode, string ThemeTitle, int Level, Guid MentorUserId, string? MentorName, DateTimeOffset At, bool LevelAttained);

/// <summary>
/// The sign-offs that stand on a leader's record, each with a form to withdraw it with a reason (the
/// API's sign-off revocation): a mentor sees their own, staff everyone's. A level the withdrawal leaves
/// short of the rule is revoked with the levels above it, as the command decides.
/// </summary>
/// <param name="Address">The page the forms post to (its route's id in it).</param>
/// <param name="ShowMentor">Whether to name the mentor of each (staff see several mentors' sign-offs).</param>
public sealed record StandingSignOffsView(IReadOnlyList<StandingSignOffRow> Rows, string Address, bool ShowMentor)
{
    /// <summary>What a withdrawal did, said to whoever withdrew it: by whom the sign-off was (staff's), and whether the level went with it.</summary>
    public static string Withdrawn(IStringLocalizer T, string theme, int level, string? mentorName, bool wasAttained, bool stillAttained)
    {
        var said = mentorName is null
            ? T["Your sign-off of {0}, Level {1} is withdrawn.", theme, level].Value
            : T["The sign-off of {0}, Level {1} by {2} is withdrawn.", theme, level, mentorName].Value;
        return wasAttained && !stillAttained ? said + " " + T["{0}, Level {1} is no longer attained, nor any level above it.", theme, level].Value : said;
    }

    /// <summary>The sign-offs on the leader's record, newest first; <paramref name="onlyMentor"/>'s alone when given.</summary>
    public static IReadOnlyList<StandingSignOffRow> Of(LoadedLeader loaded, IReadOnlyDictionary<Guid, string> mentorNames, Guid? onlyMentor = null) =>
        [.. loaded.State.SignOffs
            .Where(s => onlyMentor is null || s.MentorUserId == onlyMentor)
            .OrderByDescending(s => s.At)
            .Select(s => new StandingSignOffRow(s.ThemeCode, loaded.Scope.TitleOf(s.ThemeCode), s.Level, s.MentorUserId,
                mentorNames.GetValueOrDefault(s.MentorUserId), s.At, loaded.State.HasAttained(s.ThemeCode, s.Level)))];
}
