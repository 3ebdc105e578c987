using LeaderJourney.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>Page sign-in: the same users, limits and lock-out as the API's tokens; the session is a token kept in a cookie.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(SignInLimits.PerAddressPolicy)]
public sealed class SignInModel(AccessDirectory directory) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Username { get; set; }
    [BindProperty] public string? Password { get; set; }
    public string? Error { get; private set; }

    /// <summary>Arrived here after changing the password.</summary>
    [BindProperty(SupportsGet = true)] public bool Changed { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Guid? id;
        try
        {
            id = await directory.CheckPasswordAsync(Username ?? "", Password ?? "", SignInLimits.AddressOf(HttpContext), ct);
        }
        catch (LockedOutException e)
        {
            Error = e.Message;
            return Page();
        }
        if (id is null || await directory.FindByIdAsync(id.Value, ct) is not { } user)
        {
            Error = "The user name or password is wrong.";
            return Page();
        }
        var session = await directory.IssueTokenAsync(user.UserId, AccessDirectory.TokenKind.Page, ct);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            BearerTokenHandler.PrincipalFor(user, CookieAuthenticationDefaults.AuthenticationScheme, session.Token));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
