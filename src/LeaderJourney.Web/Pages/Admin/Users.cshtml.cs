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
public sealed class UsersModel(AccessDirectory directory, IMessageBus bus, Core.Leaders.LeaderLists lists, Core.Notifications.Mail.Mailer mailer) : PageModel
{
    /// <summary>Whether this installation mails password links: a leader can then mail themself one and keep their answers.</summary>
    public bool SendsMail => mailer.LinkTo(PasswordReset.PagePath) is not null;

    /// <summary>Roles a user can be given here (a leader's sign-in is bound to a leader; national admins are made on the command line).</summary>
    public static readonly string[] AssignableRoles = [Roles.AffiliateAdmin, Roles.Mentor, Roles.Board];

    [BindProperty(SupportsGet = true)] public string? Affiliate { get; set; }

    /// <summary>Part of a user name, of the name people know them by, or of a leader's name: the list is narrowed to those.</summary>
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }

    /// <summary>How many users there are before <see cref="Search"/> narrows them.</summary>
    public int AllUsers { get; private set; }
    public IReadOnlyList<AccessDirectory.UserSummary> Users { get; private set; } = [];
    public IReadOnlyList<AccessDirectory.AffiliateSummary> Affiliates { get; private set; } = [];

    /// <summary>The names of the leaders whose sign-ins are listed, by leader id.</summary>
    public IReadOnlyDictionary<Guid, string> LeaderNames { get; private set; } = new Dictionary<Guid, string>();
    /// <summary>The latest changes to the sign-ins listed (the affiliate's; a national admin's list without one: every sign-in's), newest first.</summary>
    public IReadOnlyList<AccessDirectory.AccountChange> Changes { get; private set; } = [];
    public CurrentUser Caller => BearerTokenHandler.CurrentUserOf(User);
    public string? Message { get; private set; }

    /// <summary>A password link just made, shown once: whom it is for, the address to hand them, and until when it works.</summary>
    public ShownPasswordLink? PasswordLink { get; private set; }
    public string? Error { get; private set; }

    /// <summary>After a disable: the affiliate's leaders on their way with no mentor who can sign off, when there are any.</summary>
    public int? WithoutMentor { get; private set; }

    /// <summary>
    /// The user whose row a form was sent from: its answer (and a password link made) is said in that row, where
    /// the page lands; on a phone the list runs thousands of pixels and the top of the page is out of sight.
    /// </summary>
    public Guid? AnsweredFor { get; private set; }

    /// <summary>The answer is said in <see cref="AnsweredFor"/>'s row (when that user is listed), else at the top.</summary>
    public bool AnsweredInRow => AnsweredFor is { } id && Users.Any(u => u.Id == id);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostChangeAsync(Guid userId, string? role, string? disabled, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        AnsweredFor = userId;
        bool? disable = disabled switch { "true" => true, "false" => false, _ => null };
        var user = await directory.FindByIdAsync(userId, ct);
        var wasMentor = disable == true && user?.Role == Roles.Mentor;
        var who = user?.Username ?? "";
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ChangeUserCommand(userId, string.IsNullOrEmpty(role) ? null : role, disable) { Sender = new(Caller, PageCommands.Options(Request, "users")) }, ct));
        // Said as what happened: a disabled person does not "sign in again with the new rights".
        Message = Error is null ? disable switch
        {
            true => $"Disabled {who}: they can no longer sign in, and their sessions have ended.",
            false => $"Enabled {who}: they can sign in again.",
            null => $"Saved the role of {who}. Their sessions have ended; they sign in again with the new rights.",
        } : null;
        // A mentor disabled may leave leaders with nobody to sign off their levels: said at once, with where to find them.
        if (Error is null && wasMentor && Caller.Affiliate is { } affiliate && await lists.CountsAsync(affiliate, ct) is { WithoutMentor: > 0 } counts)
            WithoutMentor = counts.WithoutMentor;
        return await Load(ct);
    }

    /// <summary>An address for a user made without one, a new one, or (with <paramref name="remove"/>) none.</summary>
    public async Task<IActionResult> OnPostEmailAsync(Guid userId, string? email, string? remove, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        AnsweredFor = userId;
        var removing = remove == "true";
        if (!removing && string.IsNullOrWhiteSpace(email))
        {
            Error = "Type the new e-mail address.";
            return await Load(ct);
        }
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ChangeUserCommand(userId, null, null, removing ? "" : email!.Trim()) { Sender = new(Caller, PageCommands.Options(Request, "user email")) }, ct));
        var who = (await directory.FindByIdAsync(userId, ct))?.Username ?? "";
        Message = Error is null ? (removing ? $"Removed the e-mail address of {who}. Their sessions have ended." : $"Saved the e-mail address of {who}. If it is new, their sessions have ended.") : null;
        return await Load(ct);
    }

    /// <summary>A one-time link with which the user chooses a new password (a forgotten one); the admin hands it to them.</summary>
    public async Task<IActionResult> OnPostPasswordLinkAsync(Guid userId, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        AnsweredFor = userId;
        // A user the caller does not manage is refused by the message, whatever name is given here.
        var username = (await directory.FindByIdAsync(userId, ct))?.Username ?? "";
        (PasswordLink, Error) = await PagePasswordLinks.MakeAsync(bus, Caller, userId, username, Request, ct);
        return await Load(ct);
    }

    /// <summary>The name people know a user by (an empty field removes it).</summary>
    public async Task<IActionResult> OnPostNameAsync(Guid userId, string? name, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        AnsweredFor = userId;
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new ChangeUserCommand(userId, null, null) { Name = name?.Trim() ?? "", Sender = new(Caller, PageCommands.Options(Request, "user name")) }, ct));
        var who = (await directory.FindByIdAsync(userId, ct))?.Username ?? "";
        Message = Error is null ? (string.IsNullOrWhiteSpace(name) ? $"Removed the name of {who}: the user name is shown instead." : $"Saved the name of {who}.") : null;
        return await Load(ct);
    }

    /// <summary>
    /// A new user. With a first password typed, they sign in with it (and may change it on their Password
    /// page); without one, they get a password link to choose their own, shown here to hand on, so no admin
    /// ever knows it: the user is made with a random password nobody sees, then the link.
    /// </summary>
    public async Task<IActionResult> OnPostCreateAsync(string? username, string? password, string? role, string? affiliate, string? email, string? name, CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        var withLink = string.IsNullOrEmpty(password);
        Answer? created = null;
        UserForm = new SentUser(username, role, Caller.IsNationalAdmin ? affiliate : Caller.Affiliate, name, email);
        UserFormError = await PageCommands.TryAsync(async () => created = await bus.InvokeAsync<Answer>(
            new CreateUserCommand(username, withLink ? PagePasswordLinks.NobodysPassword() : password,
                    role, UserForm.Affiliate, null, string.IsNullOrWhiteSpace(email) ? null : email)
                { Name = string.IsNullOrWhiteSpace(name) ? null : name, Sender = new(Caller, PageCommands.Options(Request, "users")) }, ct));
        // Refused, the list stays the one shown (the form's affiliate may be a mistyped one, with no users to list).
        if (UserFormError is not null) Affiliate = Request.Query["affiliate"];
        else
        {
            UserForm = new SentUser(null, role, UserForm.Affiliate, null, null);
            UserFormMessage = $"Created {username}.";
            if (withLink && created?.Body is CreatedBody body)
            {
                (PasswordLink, var failed) = await PagePasswordLinks.MakeAsync(bus, Caller, body.Id, username!, Request, ct);
                if (PasswordLink is not null) UserFormMessage = $"Created {username}. Give them this password link: with it they choose their password.";
                // Made, with a password nobody knows: the row's own "Password link" gives them a way in.
                else UserFormError = $"Created {username}, but no password link could be made ({failed}): make one with “Password link” on their row.";
            }
        }
        return await Load(ct);
    }

    /// <summary>A new affiliate; then the form for its first staff member opens, as that is what it needs next.</summary>
    public async Task<IActionResult> OnPostAffiliateAsync(string? code, string? name, CancellationToken ct)
    {
        if (!Caller.IsNationalAdmin) return Forbid();
        AffiliateForm = (code, name);
        Answer? created = null;
        AffiliateFormError = await PageCommands.TryAsync(async () => created = await bus.InvokeAsync<Answer>(new CreateAffiliateCommand(code, name) { Sender = new(Caller, PageCommands.Options(Request, "affiliates")) }, ct));
        if (AffiliateFormError is null)
        {
            AffiliateForm = null;
            // As kept (in capitals), whatever case was typed.
            code = (created?.Body as AffiliateBody)?.Code ?? code;
            Affiliate = code;
            UserForm = new SentUser(null, Roles.AffiliateAdmin, code, null, null);
            UserFormMessage = $"Created affiliate {code}. Next: add its first staff member (affiliate admin).";
        }
        return await Load(ct);
    }

    /// <summary>A national admin renames an affiliate (a name mistyped when it was added): its code stays.</summary>
    public async Task<IActionResult> OnPostRenameAffiliateAsync(string? code, string? name, CancellationToken ct)
    {
        if (!Caller.IsNationalAdmin) return Forbid();
        Answer? renamed = null;
        Error = await PageCommands.TryAsync(async () => renamed = await bus.InvokeAsync<Answer>(new RenameAffiliateCommand(code, name) { Sender = new(Caller, PageCommands.Options(Request, "affiliate name")) }, ct));
        if (renamed?.Body is AffiliateBody body) Message = $"{body.Code} is now named {body.Name}.";
        else RenameForm = (code, name);
        return await Load(ct);
    }

    /// <summary>A national admin removes an affiliate added by mistake (a code mistyped): one with no sign-in and nothing recorded.</summary>
    public async Task<IActionResult> OnPostRemoveAffiliateAsync(string? code, CancellationToken ct)
    {
        if (!Caller.IsNationalAdmin) return Forbid();
        Answer? removed = null;
        Error = await PageCommands.TryAsync(async () => removed = await bus.InvokeAsync<Answer>(new RemoveAffiliateCommand(code) { Sender = new(Caller, PageCommands.Options(Request, "remove affiliate")) }, ct));
        if (removed?.Body is AffiliateBody body) Message = $"{body.Code} ({body.Name}) is removed.";
        return await Load(ct);
    }

    /// <summary>The affiliate whose new name was refused, with the name typed (its form opens again with it).</summary>
    public (string? Code, string? Name)? RenameForm { get; private set; }

    /// <summary>What the add-user form holds again after a refusal (never the password), or a new affiliate's code and role to start with.</summary>
    public sealed record SentUser(string? Username, string? Role, string? Affiliate, string? Name, string? Email);

    /// <summary>The add-user form, open, with its fields; null: folded and empty.</summary>
    public SentUser? UserForm { get; private set; }
    public string? UserFormMessage { get; private set; }
    public string? UserFormError { get; private set; }

    /// <summary>The add-affiliate form's fields after a refusal; null: folded and empty.</summary>
    public (string? Code, string? Name)? AffiliateForm { get; private set; }
    public string? AffiliateFormError { get; private set; }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        if (!Caller.IsAdmin) return Forbid();
        if (Caller.IsNationalAdmin) Affiliates = await directory.ListAffiliatesAsync(Caller, ct);
        // A code in another case ("demo", from a typed address or form) is the affiliate as stored.
        if (!string.IsNullOrWhiteSpace(Affiliate)) Affiliate = Affiliates.FirstOrDefault(a => string.Equals(a.Code, Affiliate.Trim(), StringComparison.OrdinalIgnoreCase))?.Code ?? Affiliate;
        // A code no affiliate has (mistyped, or removed since) is said, and every affiliate's users are listed instead of none under its name.
        if (Caller.IsNationalAdmin && !string.IsNullOrWhiteSpace(Affiliate) && !Affiliates.Any(a => a.Code == Affiliate))
        {
            Error ??= $"There is no affiliate '{Affiliate.Trim()}'.";
            Affiliate = null;
        }
        Users = await directory.ListUsersAsync(Caller, string.IsNullOrWhiteSpace(Affiliate) ? null : Affiliate, ct);
        AllUsers = Users.Count;
        Changes = await directory.AccountChangesAsync(Caller, string.IsNullOrWhiteSpace(Affiliate) ? null : Affiliate, ct);
        // A leader's sign-in is named by the leader it is, as a user name alone ("mjnunez") says little: in the list
        // and in the changes alike, in one look (those of sign-ins removed since are named by nobody).
        LeaderNames = await lists.NamesAsync([.. Users.Select(u => u.LeaderId).Concat(Changes.Select(c => c.LeaderId)).OfType<Guid>().Distinct()], ct);
        // An affiliate's users are a few hundred at most (its staff, mentors, board and leaders' sign-ins): narrowed here.
        if (Search?.Trim() is { Length: > 0 } typed)
            Users = [.. Users.Where(u => LeaderJourney.Core.Leaders.NameFold.Finds(u.Username, typed) || (u.Name is { } name && LeaderJourney.Core.Leaders.NameFold.Finds(name, typed))
                || (u.LeaderId is { } leader && LeaderNames.TryGetValue(leader, out var leaderName) && LeaderJourney.Core.Leaders.NameFold.Finds(leaderName, typed)))];
        return Page();
    }
}
