using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.Learning;
using LeaderJourney.Core.Leaders.SignOffs;
using LeaderJourney.Domain.Leaders;
using Microsoft.Extensions.Localization;

namespace LeaderJourney.Web.Pages.Mentor;

/// <summary>What a mentor does about one level from a page (the queue, the mentee's page): their own assessment, their sign-off, or both.</summary>
/// <param name="AssessmentNote">The assessment's note; the assessment is recorded only when <paramref name="Assess"/>.</param>
/// <param name="SignOffNote">The sign-off's note; the sign-off is given only when <paramref name="SignOff"/>.</param>
/// <param name="AnswersRequest">The sign-off answers a waiting request (the queue's): refused once the request no longer waits.</param>
public sealed record MentorStep(bool Assess, string? AssessmentNote, bool SignOff, string? SignOffNote, bool AnswersRequest = false);

/// <summary>What the page says after the step: a refusal, what stood, and the leader's version after a sign-off (for its undo).</summary>
public sealed record MentorStepOutcome(string? Error, string? Message, long? VersionAfterSignOff);

/// <summary>
/// A mentor's step on a level, as the API's commands: an assessment alone, or a sign-off with the
/// assessment or without it (one command: both are recorded or neither), and what they are told:
/// whether the level is attained, and if not, what it still lacks. The queue and the mentee's page
/// both use it.
/// </summary>
public static class MentorSteps
{
    public static async Task<MentorStepOutcome> TakeAsync(MentorStep step, CurrentUser caller, HttpRequest request, Guid leaderId, string? themeCode, string themeTitle, int level,
        StreamCommandBus commands, LeaderReader reader, AttainmentPolicies policies, IStringLocalizer T, CancellationToken ct)
    {
        string? recorded = step.Assess ? T["Your assessment of {0}, Level {1} is recorded.", themeTitle, level].Value : null;
        if (!step.SignOff)
        {
            var refused = await PageCommands.TryAsync(() => commands.InvokeAsync(
                new RecordAssessmentCommand(leaderId, themeCode, level, "mentor", step.AssessmentNote) { Sender = new(caller, PageCommands.Options(request, "mentor assessment")) }, ct));
            return refused is null ? new(null, recorded, null) : new(refused, null, null);
        }
        Answer? answer = null;
        var error = await PageCommands.TryAsync(async () => answer = await commands.InvokeAsync(new SignOffCommand(leaderId, themeCode, level, step.SignOffNote)
        {
            Assessment = step.Assess ? new SignOffAssessment(step.AssessmentNote) : null,
            AnswersRequest = step.AnswersRequest,
            Sender = new(caller, PageCommands.Options(request, step.Assess ? "assessment and sign-off" : "sign-off")),
        }, ct));
        if (error is not null) return new(error, null, null);
        // The same form sent again (a reload): nothing was recorded now, and what stands may have changed since (an undo).
        if (answer!.Repeated) return new(null, T["This form was already sent: nothing more was recorded."], null);
        // Read back, so that a sign-off given before the level's learning or its previous level is not taken for an attained level.
        var leader = (await reader.LoadForCallerAsync(leaderId, caller, ct)).State;
        return new(null, $"{recorded} {Outcome(T, leader, themeCode!, themeTitle, level, policies.For(leader.Affiliate))}".TrimStart(), leader.Version);
    }

    /// <summary>What a level lacks, in sentences for the mentor; <paramref name="signOffsAfterYours"/> is how many more mentors must sign.</summary>
    /// <param name="attained">The theme's level the leader has attained, when known: every level missing below is named, not only the one just below (levels run to 3, so at most two are missing).</param>
    public static IEnumerable<string> Lacking(IStringLocalizer T, LevelNeeds needs, int level, int signOffsAfterYours, int? attained = null)
    {
        if (needs.PreviousLevel)
            yield return attained is { } reached && reached < level - 2
                ? T["Levels {0} and {1} are not attained yet, and this level follows them.", reached + 1, level - 1]
                : T["Level {0} is not attained yet, and this level follows it.", level - 1];
        if (needs.Learning) yield return T["There is no training, or mentor or peer assessment, at this level yet; the level is attained once one is recorded."];
        if (signOffsAfterYours > 0) yield return (signOffsAfterYours == 1 ? T["It needs one more mentor's sign-off."] : T["It needs the sign-off of {0} more mentors.", signOffsAfterYours]);
    }

    /// <summary>After a sign-off, from the leader as it now stands: whose level, whether it attained it, and if not, what it still lacks (a mentor signs off several leaders' requests in a row).</summary>
    private static string Outcome(IStringLocalizer T, Leader leader, string themeCode, string themeTitle, int level, AttainmentPolicy policy)
    {
        if (leader.HasAttained(themeCode, level)) return T["Signed off {1}, Level {2} for {0}: the level is attained.", leader.DisplayName, themeTitle, level];
        var needs = AttainmentRule.Needs(leader, themeCode, level, policy);
        return $"{T["Signed off {1}, Level {2} for {0}.", leader.DisplayName, themeTitle, level]} {T["The level is not attained yet."]} {string.Join(" ", Lacking(T, needs, level, signOffsAfterYours: needs.SignOffs, leader.LevelOf(themeCode)))}".TrimEnd();
    }
}
