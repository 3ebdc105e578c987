using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>A person turns notices by e-mail on or off for themself (the command the API sends); the inbox keeps every notice.</summary>
public sealed class MailModel(AccessDirectory directory, AccountAddresses addresses, Core.Notifications.Mail.Mailer mailer, IMessageBus bus) : PageModel
{
    public bool Mail { get; private set; }

    /// <summary>The address on file for this person (theirs to see) and whether they confirmed it (<see cref="ConfirmedAddress"/>).</summary>
    public AccountAddressBody Address { get; private set; } = new(null, false);

    /// <summary>Whether this installation sends mail (an SMTP server is configured): without it the choice of notices by e-mail is not offered.</summary>
    public bool SendsNotices => mailer.Sends;

    /// <summary>Whether this installation mails links to its pages: without it no address can be confirmed.</summary>
    public bool SendsMail => mailer.LinkTo(ConfirmedAddress.PagePath) is not null;

    /// <summary>A confirmation mail was just sent.</summary>
    public bool ConfirmationSent { get; private set; }

    /// <summary>Why it was not, said beside the button.</summary>
    public string? ConfirmError { get; private set; }

    /// <summary>The name of the language the user's mails are written in (<see cref="Core.Notifications.Mail.Mailer"/>).</summary>
    public string MailLanguage { get; private set; } = "English";
    public string? Saved { get; private set; }
    public string? Error { get; private set; }

    private CurrentUser Caller => BearerTokenHandler.CurrentUserOf(User);

    public bool IsLeader => Caller.Role == Roles.Leader;

    /// <summary>A national admin's account is the command line's: no address is given to it, and its password link is made there.</summary>
    public bool IsNationalAdmin => Caller.IsNationalAdmin;

    /// <summary>Leaders, mentors and affiliate admins are mailed; the board and national admins are not.</summary>
    public bool IsMailed => Caller.Role is Roles.Leader or Roles.Mentor or Roles.AffiliateAdmin;

    /// <summary>What is mailed to this person, and where to.</summary>
    public string WhatIsMailed => Caller.Role switch
    {
        Roles.Leader => "LeaderJourney can e-mail you when you attain a level, when one is taken back and when a request of yours is declined, at the address on your record.",
        Roles.Mentor => "LeaderJourney can e-mail you when a leader you mentor asks you to sign off a level and when a leader becomes your mentee, at the address staff recorded for you.",
        Roles.AffiliateAdmin => "LeaderJourney can e-mail you when the term of one of your affiliate's positions is about to end, at the address staff recorded for you.",
        _ => "LeaderJourney sends you no notices by e-mail.",
    };

    /// <summary>Where the notices stay whatever the choice.</summary>
    public string WhatStays => Caller.Role == Roles.Mentor
        ? "Whatever you choose, every request stays in your sign-off queue, and every notice in your notifications."
        : "Whatever you choose, every notice stays in your notifications.";

    public async Task OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task OnPostAsync(bool? mail, CancellationToken ct)
    {
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new SetMailCommand(mail) { Sender = new(Caller, PageCommands.Options(Request, "mail")) }, ct));
        if (Error is null) Saved = mail == true ? "Saved: notices are e-mailed to you too." : "Saved: no more e-mails; your notices stay in LeaderJourney.";
        await Load(ct);
    }

    /// <summary>Mails a link that confirms the address on file (the command the API sends).</summary>
    public async Task OnPostConfirmAsync(CancellationToken ct)
    {
        ConfirmError = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(
            new SendAddressConfirmationCommand { Sender = new(Caller, PageCommands.Options(Request, "address confirmation")) }, ct));
        ConfirmationSent = ConfirmError is null;
        await Load(ct);
    }

    private async Task Load(CancellationToken ct)
    {
        Address = await addresses.OfAsync(Caller, ct);
        (Mail, _, var language) = await directory.MailPreferenceAsync(Caller.UserId, ct);
        // Named in the page's words ("español" inside a Spanish sentence, "Spanish" in an English one), not as the chooser lists it.
        MailLanguage = language == "es" ? "Spanish" : "English";
    }
}
