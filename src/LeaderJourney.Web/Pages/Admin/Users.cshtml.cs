using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Admin;

/// <summary>
/// Admins manage sign-ins: an affiliate admin their affiliate's users, a national admin every
/// affiliate's and the affiliates themselves (their home page). The forms send the commands the API
/// sends (create, change role, disable or enable), so the same rules and revocations apply.
/// </summary>
public sealed class UsersModel(AccessDirectory directory, IMessageBus bus, Core.Leaders.LeaderLists lists) : PageModel
{
    /// <summary>Roles a user can be given here (a leader's sign-in is bound to a leader; national admins are made on the command line).</summary>
    public static readonly string[] AssignableRoles = [Roles.AffiliateAdmin, Roles.Mentor, Roles.Board];

    [BindProperty(SupportsGet = true)] public string? Affiliate { get; set; }
    public IReadOnlyList<AccessDirectory.UserSummary> Users { get; private set; } = [];
    public IReadOnlyList<AccessDirectory.AffiliateSummary> Affiliates { get; private set; } = [];
    public CurrentUser Caller => BearerTokenHandler.CurrentUserOf(User);
    public string? Message { get; private set; }

    /// <summary>A password link just made, shown once: whom it is for, the address to hand them, and until when it works.</summary>
    public (string Username, string Link, DateTimeOffset ExpiresAt)? PasswordLink { get; private set; }
    public string? Error { get; private set; }

    /// <summary>After a disable: the affiliate's leaders on their way with no mentor who can sign off, when there are any.</summary>
    public int? WithoutMentor { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostChangeAsync(Guid userId, string? role, string? disabled, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        bool? disable = disabled switch { "true" => true, "false" => false, _ => null };
        var wasMentor = disable == true && (await directory.FindByIdAsync(userId))?.Role == Roles.Mentor;
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ChangeUserCommand(userId, string.IsNullOrEmpty(role) ? null : role, disable) { Sender = new(Caller, PageCommands.Options(Request, "users")) }, ct));
        Message = Error is null ? "Saved. Their sessions have ended; they sign in again with the new rights." : null;
        // A mentor disabled may leave leaders with nobody to sign off their levels: said at once, with where to find them.
        if (Error is null && wasMentor && Caller.Affiliate is { } affiliate && await lists.CountsAsync(affiliate, ct) is { WithoutMentor: > 0 } counts)
            WithoutMentor = counts.WithoutMentor;
        return await Load(ct);
    }

    /// <summary>An address for a user made without one, a new one, or (with <paramref name="remove"/>) none.</summary>
    public async Task<IActionResult> OnPostEmailAsync(Guid userId, string? email, string? remove, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        var removing = remove == "true";
        if (!removing && string.IsNullOrWhiteSpace(email))
        {
            Error = "Type the new e-mail address.";
            return await Load(ct);
        }
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ChangeUserCommand(userId, null, null, removing ? "" : email!.Trim()) { Sender = new(Caller, PageCommands.Options(Request, "user email")) }, ct));
        Message = Error is null ? (removing ? "Removed the e-mail address. Their sessions have ended." : "Saved the e-mail address. If it is new, their sessions have ended.") : null;
        return await Load(ct);
    }

    /// <summary>A one-time link with which the user chooses a new password (a forgotten one); the admin hands it to them.</summary>
    public async Task<IActionResult> OnPostPasswordLinkAsync(Guid userId, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        Answer? answer = null;
        Error = await PageCommands.TryAsync(async () => answer = await bus.InvokeAsync<Answer>(
            new MakePasswordLinkCommand(userId) { Sender = new(Caller, PageCommands.Options(Request, "password link")) }, ct));
        var page = await Load(ct);
        if (answer?.Body is PasswordLinkBody made && Users.FirstOrDefault(u => u.Id == userId) is { } user)
            PasswordLink = (user.Username, $"{Request.Scheme}://{Request.Host}{Request.PathBase}{made.Link}", made.ExpiresAt);
        return page;
    }

    /// <summary>The name people know a user by (an empty field removes it).</summary>
    public async Task<IActionResult> OnPostNameAsync(Guid userId, string? name, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ChangeUserCommand(userId, null, null) { Name = name?.Trim() ?? "", Sender = new(Caller, PageCommands.Options(Request, "user name")) }, ct));
        Message = Error is null ? (string.IsNullOrWhiteSpace(name) ? "Removed the name: the user name is shown instead." : "Saved the name.") : null;
        return await Load(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? username, string? password, string? role, string? affiliate, string? email, string? name, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new CreateUserCommand(username, password, role, Caller.IsNationalAdmin ? affiliate : Caller.Affiliate, null, string.IsNullOrWhiteSpace(email) ? null : email)
                { Name = string.IsNullOrWhiteSpace(name) ? null : name, Sender = new(Caller, PageCommands.Options(Request, "users")) }, ct));
        Message = Error is null ? $"Created {username}." : null;
        return await Load(ct);
    }

    public async Task<IActionResult> OnPostAffiliateAsync(string? code, string? name, CancellationToken ct)
    {
        if (!Caller.IsNationalAdmin) return Forbid();
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(new CreateAffiliateCommand(code, name) { Sender = new(Caller, PageCommands.Options(Request, "affiliates")) }, ct));
        Message = Error is null ? $"Created affiliate {code}." : null;
        return await Load(ct);
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        if (Caller.IsNationalAdmin) Affiliates = await directory.ListAffiliatesAsync(Caller, ct);
        Users = await directory.ListUsersAsync(Caller, string.IsNullOrWhiteSpace(Affiliate) ? null : Affiliate, ct);
        return Page();
    }
}
