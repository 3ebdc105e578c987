using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders.MentorQueue;
using Microsoft.Extensions.Localization;

namespace LeaderJourney.Web.Pages;

/// <summary>Sign-off requests as staff see them (leader, level, when asked, how long waited): the staff home's longest few, and every one by mentor.</summary>
public sealed record WaitingRequestsView(IReadOnlyList<WaitingRequest> Requests, CodeWords Words, DateOnly Today)
{
    /// <summary>How long since <paramref name="at"/>, in whole days: "today", "1 day", "12 days".</summary>
    public static string Waited(IStringLocalizer texts, DateOnly today, DateTimeOffset at) =>
        (today.DayNumber - DateOnly.FromDateTime(at.UtcDateTime).DayNumber) switch { 0 => texts["today"], 1 => texts["1 day"], var d => texts["{0} days", d] };
}
