using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>Signing out ends the page session itself (its token is deleted), not only this browser's cookie.</summary>
public sealed class SignOutModel(Core.Access.AccessDirectory directory) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // The page lets anyone in, so the cookie is read here (a request's default sign-in is the API's bearer token).
        var cookie = await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (cookie.Principal?.FindFirst(Core.Access.BearerTokenHandler.SessionClaim)?.Value is { } session) await directory.RevokeTokenAsync(session, ct);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage();
    }
}
