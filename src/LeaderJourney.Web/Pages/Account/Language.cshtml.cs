using LeaderJourney.Core.Access;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>
/// Chooses the pages' language; kept in a cookie for a year, so it outlasts a sign-out, and kept with a
/// signed-in user, so their mails are in it too.
/// </summary>
public sealed class LanguageModel(AccessDirectory directory) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(string? language, CancellationToken ct)
    {
        if (language is null || !Texts.Names.ContainsKey(language)) return BadRequest();
        if (User.Identity?.IsAuthenticated == true) await directory.SetLanguageAsync(BearerTokenHandler.CurrentUserOf(User).UserId, language, ct, chosen: true);
        Texts.Remember(HttpContext, language);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
