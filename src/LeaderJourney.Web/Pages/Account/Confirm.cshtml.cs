using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>
/// Where a confirmation link leads (Core/Access/ConfirmedAddress), signed in: the person types the address
/// and their password and confirms with a button (the message the API sends), so a mail program that opens
/// links to look at them confirms nothing, nor does someone at a session left open.
/// </summary>
public sealed class ConfirmModel(AccessDirectory directory, IMessageBus bus) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "t")] public string? Token { get; set; }
    [BindProperty] public string? Address { get; set; }

    /// <summary>The link is an open one of the signed-in person's: the form is shown.</summary>
    public bool Works { get; private set; }
    public bool Confirmed { get; private set; }
    public string? Error { get; private set; }

    private CurrentUser Caller => BearerTokenHandler.CurrentUserOf(User);

    public async Task OnGetAsync(CancellationToken ct) => await Check(ct);

    public async Task OnPostAsync(string? password, CancellationToken ct)
    {
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ConfirmAddressCommand(Token, Address, password, SignInLimits.AddressOf(HttpContext)) { Sender = new(Caller, PageCommands.Options(Request, "address confirm")) }, ct));
        Confirmed = Error is null;
        if (!Confirmed)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Works = await directory.ConfirmationLinkWorksAsync(Caller.UserId, Token, ct);
        }
    }

    private async Task Check(CancellationToken ct)
    {
        Works = await directory.ConfirmationLinkWorksAsync(Caller.UserId, Token, ct);
        if (!Works)
        {
            Error = AccessDirectory.ConfirmationNotValid().Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
