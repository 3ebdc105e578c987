using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>
/// A forgotten password, not signed in (Core/Access/PasswordMail): the page sends the API's message, and
/// says the same whatever the name, as the link goes only to the address its owner confirmed.
/// </summary>
public sealed class ForgotModel(Core.Notifications.Mail.Mailer mailer, IMessageBus bus) : PageModel
{
    [BindProperty] public string? Username { get; set; }
    public bool Asked { get; private set; }
    public string? Error { get; private set; }

    /// <summary>Whether this installation mails at all; without it only an admin's link helps.</summary>
    public bool SendsMail => mailer.LinkTo(PasswordReset.PagePath) is not null;

    public void OnGet() { }

    public async Task OnPostAsync(CancellationToken ct)
    {
        try
        {
            await bus.InvokeAsync<Answer>(new AskForPasswordMailCommand(Username, SignInLimits.AddressOf(HttpContext)), ct);
            Asked = true;
        }
        catch (LockedOutException e)
        {
            // Said as the sign-in page says it, with when to try again.
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            ProblemExceptionHandler.SetRetryAfter(HttpContext, e);
        }
        catch (Exception e) when (Problems.For(e) is not null)
        {
            Error = Problems.SentenceFor(e);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
