using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// What a person sees instead of a bare status: a page not for their role (403), an address that is not
/// there (404), or anything else that went wrong, with the menu so they can go on. API answers keep
/// their problem details (see Program: only page addresses are re-executed here).
/// </summary>
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    public async Task<IActionResult> OnGetAsync(int code)
    {
        Code = code;
        // Pages sign in with the cookie; this page lets anyone in, so the menu needs the cookie read here.
        if (User.Identity?.IsAuthenticated != true && await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme) is { Succeeded: true } cookie)
            HttpContext.User = cookie.Principal!;
        Response.StatusCode = code is >= 400 and < 600 ? code : 500;
        return Page();
    }

    // A form posted to a page that answers with an error status is shown the same page.
    public Task<IActionResult> OnPostAsync(int code) => OnGetAsync(code);
}
