using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine;

namespace LeaderJourney.Core.Access;

/// <summary>
/// A signed-in person turns notices by mail on or off for themself (<c>PUT /api/account/mail</c>, and the
/// e-mail page sends the same). Off, nothing is mailed to them: not a leader's notices, a mentor's
/// sign-off requests or an admin's term-end reminders. The in-app inbox keeps every notice either way.
/// </summary>
public sealed record SetMailCommand(bool? Mail) : Command;

/// <summary>What the preference is now.</summary>
public sealed record MailPreferenceBody(bool Mail);

public static class SetMailHandler
{
    public static async Task<Answer> Handle(SetMailCommand command, AccessDirectory directory, CancellationToken ct)
    {
        var mail = command.Mail ?? throw new RequestValidationException("mail", "Send mail: true to get notices by e-mail, or false to stop them.");
        await directory.SetMailAsync(command.Sender.Caller.UserId, mail, ct);
        return new Answer(StatusCodes.Status200OK, new MailPreferenceBody(mail));
    }
}

public static class MailPreferenceEndpoints
{
    public sealed record MailRequest(bool? Mail);

    public static IEndpointRouteBuilder MapMailPreference(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/account/mail", async (HttpContext http, AccessDirectory directory, CancellationToken ct) =>
            Results.Ok(new MailPreferenceBody((await directory.MailPreferenceAsync(http.CurrentUser().UserId, ct)).Mail)))
            .RequireAuthorization().WithTags("Access").Produces<MailPreferenceBody>();

        app.MapPut("/api/account/mail", async (MailRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new SetMailCommand(body?.Mail) { Sender = http.SenderOf(body ?? new MailRequest(null)) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<MailPreferenceBody>();
        return app;
    }
}
