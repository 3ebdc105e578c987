using LeaderJourney.Core.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>
/// Where a mail's stop link leads, without signing in (Core/Access/MailStop). Opening it changes nothing
/// (mail scanners open links): it asks, and the button stops the mails. A mail program's one-click POST
/// (RFC 8058) comes here too, without a form token: the link's own token is the proof, so the page
/// takes no anti-forgery token, and its post is answered as it comes, not redirected.
/// </summary>
[IgnoreAntiforgeryToken, AnswersPostsDirectly]
public sealed class MailStopModel(MailStopLinks links, IMessageBus bus) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "t")] public string? Token { get; set; }

    /// <summary>The link is one of this installation's.</summary>
    public bool Valid { get; private set; }

    /// <summary>The mails were stopped by this request.</summary>
    public bool Stopped { get; private set; }

    public IActionResult OnGet()
    {
        Valid = links.Read(Token) is not null;
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Valid = Stopped = await bus.InvokeAsync<bool>(new StopMailByLink(Token), ct);
        return Answer();
    }

    private PageResult Answer()
    {
        if (!Valid) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
