using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// What a person sees instead of a bare status: a page not for their role (403), an address that is not
/// there (404), or anything else that went wrong, with the menu so they can go on. API answers keep
/// their problem details (see Program: only page addresses are re-executed here). A form refused so (a
/// mentee no longer assigned, a form whose anti-forgery token is gone) hands back what was typed in its
/// text boxes, for the site's own forms only (as <see cref="UnsentText"/>): the page takes no anti-forgery
/// token of its own, or it would answer such a form with an empty 400 the browser shows as its bare
/// "HTTP ERROR 400"; it records nothing.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    /// <summary>What the refused form's text boxes held (<see cref="UnsentText.TypedIn"/>), to paste again; null for a load or a form with none.</summary>
    public string? Typed { get; private set; }

    /// <summary>The page a form refused on its way here was sent from (its address without the form's handler), to go back to; null for a load.</summary>
    public string? FormPage { get; private set; }

    // The status comes from the address alone: a refused form's own field named "code" (an affiliate's, say) is not it.
    public async Task<IActionResult> OnGetAsync([FromRoute] int code)
    {
        Code = code;
        // Pages sign in with the cookie; this page lets anyone in, so the menu needs the cookie read here.
        if (User.Identity?.IsAuthenticated != true && await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme) is { Succeeded: true } cookie)
            HttpContext.User = cookie.Principal!;
        Response.StatusCode = code is >= 400 and < 600 ? code : 500;
        return Page();
    }

    // A form posted to a page that answers with an error status is shown the same page, with what it held:
    // only a form of this site's own pages refused on its way (re-executed here), never a post another site
    // sends here directly, whose text would then read as this site's.
    public async Task<IActionResult> OnPostAsync([FromRoute] int code)
    {
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is { } refused)
            FormPage = FormAnswers.OwnAddress(new PathString(refused.OriginalPathBase) + new PathString(refused.OriginalPath),
                new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(refused.OriginalQueryString)));
        if (FormPage is not null && Request.HasFormContentType
            && string.Equals(Request.Headers["Sec-Fetch-Site"], "same-origin", StringComparison.Ordinal))
        {
            try { Typed = UnsentText.TypedIn(await Request.ReadFormAsync(HttpContext.RequestAborted)); }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException) { }
        }
        return await OnGetAsync(code);
    }
}
