using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.MentorActivity;
using LeaderJourney.Core.Leaders.Mentors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Staff;

/// <summary>
/// Every mentor of the affiliate with what they have on hand and what they did lately: staff see who is
/// keeping leaders waiting, who has mentees and gave no answer in the window, and who has room for more.
/// </summary>
public sealed class MentorsModel(MentorActivityQuery query, StreamCommandBus commands, ISentences sentences, TimeProvider clock,
    Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    /// <summary>The windows the page offers; the API takes any number of days up to a year.</summary>
    public static readonly int[] Windows = [30, MentorActivityQuery.DefaultDays, 365];

    [BindProperty(SupportsGet = true)] public string? Days { get; set; }
    /// <summary>The mentor whose mentees staff are about to move (the form is drawn for them alone).</summary>
    [BindProperty(SupportsGet = true)] public Guid? Move { get; set; }
    public int Window { get; private set; } = MentorActivityQuery.DefaultDays;
    public MentorActivityReport? Report { get; private set; }
    public string? DaysError { get; private set; }
    public DateOnly Today { get; private set; }

    /// <summary>What a move of mentees did: said at the top, with the leaders it could not move and why.</summary>
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public IReadOnlyList<(string Leader, string Reason)> NotMoved { get; private set; } = [];

    /// <summary>The mentees of the mentor in <see cref="Move"/>, by name, each ticked to move (staff untick those who stay).</summary>
    public IReadOnlyList<(Guid LeaderId, string DisplayName)> Moving { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => Load(ct);

    /// <summary>
    /// Every mentee of <paramref name="from"/> still on their way goes to <paramref name="to"/>: the command
    /// PUT /api/leaders/{id}/mentors/{from} sends, one per leader, so one refused leaves the others moved
    /// (a withdrawn leader keeps their mentors until reactivated, as on their own page; an erased one for good).
    /// </summary>
    /// <param name="leaderIds">The mentees ticked to move; a form without the list (sent before it had one) moves them all.</param>
    public async Task<IActionResult> OnPostMoveAsync(Guid from, string? to, Guid[]? leaderIds, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!caller.IsAdmin || caller.Affiliate is not { } affiliate) return Forbid();
        if (string.IsNullOrEmpty(to))
        {
            Error = T["Choose the mentor who takes over."];
            return await Load(ct);
        }
        var mentees = await query.MenteesAsync(affiliate, from, ct);
        if (Request.Form.ContainsKey("listed"))
        {
            if (leaderIds is not { Length: > 0 })
            {
                (Error, Move) = (T["Tick the mentees to move."], from);
                return await Load(ct);
            }
            mentees = [.. mentees.Where(m => leaderIds.Contains(m.LeaderId))];
        }
        if (mentees.Count == 0)
        {
            // Moved already (the same form sent again, or another staff member's move): nothing is left to say "moved" of.
            Message = T["No mentee of theirs on their way is left to move."];
            return await Load(ct);
        }
        // A leader who has both keeps the one taking over and loses the one leaving: not "moved", and said apart (each command's answer says which).
        var refused = new List<(string, string)>();
        var alreadyTheirs = 0;
        var movedNames = new List<string>();
        foreach (var leader in mentees)
        {
            Answer? answer = null;
            var error = await PageCommands.TryAsync(async () => answer = await commands.InvokeAsync(
                new ReplaceMentorCommand(leader.LeaderId, from, to) { Sender = new(caller, PageCommands.Options(Request, $"move {leader.LeaderId}")) }, ct));
            if (error is not null) refused.Add((leader.DisplayName, error));
            else if (MentorReplacedBody.WasAlreadyAssigned(answer!)) alreadyTheirs++;
            else movedNames.Add(leader.DisplayName);
        }
        var moved = movedNames.Count;
        // One reason for every leader (the mentor taking over cannot sign in, say) is said once.
        if (moved == 0 && alreadyTheirs == 0 && refused.Select(r => r.Item2).Distinct().Count() == 1) Error = refused[0].Item2;
        else
        {
            // The page reads the read model, a moment behind the writes.
            string[] said =
            [
                // Named: putting one back means finding them, and the mentor taking over has mentees of their own.
                moved switch { 0 => "", 1 => T["Moved one mentee: {0}.", movedNames[0]], _ => T["Moved {0} mentees: {1}.", moved, string.Join(", ", movedNames.Order(StringComparer.CurrentCulture))] },
                (alreadyTheirs, moved) switch
                {
                    (0, _) => "",
                    (1, 0) => T["One had both mentors: only the one leaving was taken off."],
                    (1, _) => T["One more had both mentors: only the one leaving was taken off."],
                    (_, 0) => T["{0} had both mentors: only the one leaving was taken off.", alreadyTheirs],
                    _ => T["{0} more had both mentors: only the one leaving was taken off.", alreadyTheirs],
                },
                T["The figures below follow in a moment."],
            ];
            Message = string.Join(" ", said.Where(s => s.Length > 0));
            NotMoved = refused;
        }
        return await Load(ct);
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!caller.IsAdmin || caller.Affiliate is not { } affiliate) return Forbid();
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        try
        {
            Window = MentorActivityEndpoint.Window(Days);
        }
        catch (RequestValidationException)
        {
            // Said on the page in its own words, the default window shown under it, rather than a blank refusal.
            DaysError = sentences.Say($"The answers are counted over 1 to {MentorActivityQuery.MostDays} days; the last {MentorActivityQuery.DefaultDays} days are shown.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Report = await query.ForAffiliateAsync(affiliate, Window, ct);
        if (Move is { } moving) Moving = [.. (await query.MenteesAsync(affiliate, moving, ct)).OrderBy(m => m.DisplayName, StringComparer.CurrentCulture)];
        return Page();
    }
}
