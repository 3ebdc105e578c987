using LeaderJourney.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>Page sign-in: the same users, limits and lock-out as the API's tokens; the session is a token kept in a cookie.</summary>
public sealed class SignInModel(AccessDirectory directory, IConfiguration configuration) : PageModel
{
    /// <summary>The affiliates' identity providers this installation signs in with (single sign-on).</summary>
    public IReadOnlyList<IdentityProvider> Providers { get; } = SingleSignOn.Providers(configuration);

    /// <summary>Why a single sign-on came back refused, when it did.</summary>
    [BindProperty(SupportsGet = true)] public string? Sso { get; set; }

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Username { get; set; }
    [BindProperty] public string? Password { get; set; }
    public string? Error { get; private set; }

    /// <summary>Sent here by a form posted after the session had ended (PageSetup): it was not recorded.</summary>
    [BindProperty(SupportsGet = true)] public bool Unsent { get; set; }

    /// <summary>Arrived here after changing the password.</summary>
    [BindProperty(SupportsGet = true)] public bool Changed { get; set; }

    public void OnGet() => Error = SingleSignOn.Explain(Sso);

    /// <summary>Sends the browser to the affiliate's identity provider; it comes back signed in, or with the reason it was not.</summary>
    public IActionResult OnGetExternal(string provider) =>
        Providers.Any(p => p.Name == provider)
            ? Challenge(new AuthenticationProperties { RedirectUri = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/" }, SingleSignOn.SchemeOf(provider))
            : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        AccessDirectory.IssuedToken? session;
        try
        {
            session = await directory.SignInAsync(Username ?? "", Password ?? "", SignInLimits.AddressOf(HttpContext), AccessDirectory.TokenKind.Page, ct);
        }
        catch (LockedOutException e)
        {
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Core.Http.ProblemExceptionHandler.SetRetryAfter(HttpContext, e);
            return Page();
        }
        if (session is null || await directory.FindByTokenAsync(session.Token, ct) is not { } user)
        {
            Error = "The user name or password is wrong.";
            return Page();
        }
        // What an unsent form held was shown here to copy; it goes with the sign-in, not to whoever signs in next.
        TempData.Remove(UnsentText.Key);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            BearerTokenHandler.PrincipalFor(user, CookieAuthenticationDefaults.AuthenticationScheme, session.Token));
        // Their pages follow the language they chose, on any browser; their mails are written in their pages' language.
        await Texts.FollowUserAsync(HttpContext, directory, user.UserId, ct);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
