using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>A signed-in user changes their password (the command the API sends); every session of theirs ends, this one too.</summary>
public sealed class PasswordModel(IMessageBus bus) : PageModel
{
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? currentPassword, string? newPassword, string? repeatPassword, CancellationToken ct)
    {
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
