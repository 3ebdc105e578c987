using LeaderJourney.Domain.Leaders;
using Microsoft.Extensions.Localization;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>What a mentor is told about a level they sign off (the queue and the mentee's page say it alike).</summary>
public static class SignOffWords
{
    /// <summary>What a level lacks, in sentences for the mentor; <paramref name="signOffsAfterYours"/> is how many more mentors must sign.</summary>
    public static IEnumerable<string> Lacking(IStringLocalizer T, LevelNeeds needs, int level, int signOffsAfterYours)
    {
        if (needs.PreviousLevel) yield return T["Level {0} is not attained yet, and this level follows it.", level - 1];
        if (needs.Learning) yield return T["There is no training, or mentor or peer assessment, at this level yet; the level is attained once one is recorded."];
        if (signOffsAfterYours > 0) yield return T["It needs the sign-off of {0} more mentor(s).", signOffsAfterYours];
    }

    /// <summary>After a sign-off, read back from the leader as it now stands: whether it attained the level, and if not, what the level still lacks.</summary>
    public static string Outcome(IStringLocalizer T, Leader leader, string themeCode, string themeTitle, int level, AttainmentPolicy policy)
    {
        if (leader.HasAttained(themeCode, level)) return T["Signed off {0}, Level {1}: the level is attained.", themeTitle, level];
        var needs = AttainmentRule.Needs(leader, themeCode, level, policy);
        return $"{T["Signed off {0}, Level {1}.", themeTitle, level]} {T["The level is not attained yet."]} {string.Join(" ", Lacking(T, needs, level, signOffsAfterYours: needs.SignOffs))}".TrimEnd();
    }
}
