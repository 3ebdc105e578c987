using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>A signed-in user changes their password (the command the API sends); every session of theirs ends, this one too.</summary>
public sealed class PasswordModel(IMessageBus bus, AccountAddresses addresses) : PageModel
{
    public string? Error { get; private set; }

    /// <summary>
    /// Whether the person's address is confirmed: a new password ends that (docs/security.md), and they
    /// are told before, not left to find out when a forgotten password cannot be mailed.
    /// </summary>
    public bool AddressConfirmed { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct) =>
        AddressConfirmed = (await addresses.OfAsync(BearerTokenHandler.CurrentUserOf(User), ct)).Confirmed;

    public async Task<IActionResult> OnPostAsync(string? currentPassword, string? newPassword, string? repeatPassword, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (newPassword != repeatPassword)
        {
            Error = "The new password and its repetition differ.";
            return Page();
        }
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ChangePasswordCommand(currentPassword, newPassword, SignInLimits.AddressOf(HttpContext))
                { Sender = new(BearerTokenHandler.CurrentUserOf(User), PageCommands.Options(Request, "password")) }, ct));
        if (Error is not null) return Page();
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("/Account/SignIn", new { changed = true });
    }
}
