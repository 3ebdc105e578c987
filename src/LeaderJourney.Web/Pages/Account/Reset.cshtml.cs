using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>
/// Where a password link leads (Core/Access/PasswordReset), without signing in: its holder
/// chooses the password (the message the API's password reset sends), and every session of the user ends.
/// </summary>
public sealed class ResetModel(AccessDirectory directory, IMessageBus bus, Core.Notifications.Mail.Mailer mailer) : PageModel
{
    /// <summary>Whether this installation mails password links (a leader's mailed link keeps their answers).</summary>
    public bool SendsMail => mailer.LinkTo(PasswordReset.PagePath) is not null;

    [BindProperty(SupportsGet = true, Name = "t")] public string? Token { get; set; }

    /// <summary>Whose password the link sets, while it works.</summary>
    public string? Username => Holder?.User.Username;

    /// <summary>Whose sign-in the link sets, and whether using it withdraws a leader's demographics.</summary>
    public PasswordLinkHolder? Holder { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostAsync(string? newPassword, string? repeatPassword, CancellationToken ct)
    {
        if (newPassword != repeatPassword) Error = "The new password and its repetition differ.";
        else
        {
            Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(new ResetPasswordCommand(Token, newPassword), ct));
            if (Error is null) return RedirectToPage("/Account/SignIn", new { changed = true });
        }
        return await Load(ct);
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        Holder = await directory.PasswordLinkHolderAsync(Token, ct);
        if (Holder is null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
