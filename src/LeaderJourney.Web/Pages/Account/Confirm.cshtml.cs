using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>
/// Where a confirmation link leads (Core/Access/ConfirmedAddress), signed in: the person confirms with a
/// button (the message the API sends), so a mail program that opens links to look at them confirms nothing.
/// </summary>
public sealed class ConfirmModel(AccountAddresses addresses, IMessageBus bus) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "t")] public string? Token { get; set; }

    /// <summary>The address on file for the signed-in person.</summary>
    public AccountAddressBody Address { get; private set; } = new(null, false);
    public bool Confirmed { get; private set; }
    public string? Error { get; private set; }

    private CurrentUser Caller => BearerTokenHandler.CurrentUserOf(User);

    public async Task OnGetAsync(CancellationToken ct) => Address = await addresses.OfAsync(Caller, ct);

    public async Task OnPostAsync(CancellationToken ct)
    {
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ConfirmAddressCommand(Token) { Sender = new(Caller, PageCommands.Options(Request, "address confirm")) }, ct));
        Confirmed = Error is null;
        if (!Confirmed) Response.StatusCode = StatusCodes.Status400BadRequest;
        Address = await addresses.OfAsync(Caller, ct);
    }
}
