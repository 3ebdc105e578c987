using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.MentorActivity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Staff;

/// <summary>
/// Every mentor of the affiliate with what they have on hand and what they did lately: staff see who is
/// keeping leaders waiting, who has mentees and gave no answer in the window, and who has room for more.
/// </summary>
public sealed class MentorsModel(MentorActivityQuery query, ISentences sentences, TimeProvider clock) : PageModel
{
    /// <summary>The windows the page offers; the API takes any number of days up to a year.</summary>
    public static readonly int[] Windows = [30, MentorActivityQuery.DefaultDays, 365];

    [BindProperty(SupportsGet = true)] public string? Days { get; set; }
    public int Window { get; private set; } = MentorActivityQuery.DefaultDays;
    public MentorActivityReport? Report { get; private set; }
    public string? DaysError { get; private set; }
    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!caller.IsAdmin || caller.Affiliate is not { } affiliate) return Forbid();
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        try
        {
            (_, Window) = MentorActivityEndpoint.Parameters(caller, affiliate, Days);
        }
        catch (RequestValidationException)
        {
            // Said on the page in its own words, the default window shown under it, rather than a blank refusal.
            DaysError = sentences.Say($"The answers are counted over 1 to {MentorActivityQuery.MostDays} days; the last {MentorActivityQuery.DefaultDays} days are shown.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Report = await query.ForAffiliateAsync(affiliate, Window, ct);
        return Page();
    }
}
