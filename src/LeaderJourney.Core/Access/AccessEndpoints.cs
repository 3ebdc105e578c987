using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine;

namespace LeaderJourney.Core.Access;

public static class AccessEndpoints
{
    public sealed record TokenRequest(string? Username, string? Password);
    public sealed record AffiliateRequest(string? Code, string? Name);
    /// <summary>An affiliate's new name (its code is the address's, and stays).</summary>
    public sealed record AffiliateNameRequest(string? Name);
    public sealed record UserRequest(string? Username, string? Password, string? Role, string? Affiliate, Guid? LeaderId, string? Email = null, string? Name = null);
    public sealed record PasswordRequest(string? CurrentPassword, string? NewPassword);
    public sealed record UserChangeRequest(string? Role, bool? Disabled, string? Email = null, string? Name = null);

    /// <summary>What signing in answers (API.md): a bearer token and when it expires.</summary>
    public sealed record TokenBody(string Token, DateTimeOffset ExpiresAt);

    public static IEndpointRouteBuilder MapAccess(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", async (TokenRequest? body, HttpContext http, AccessDirectory directory, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body?.Username)) throw new RequestValidationException("username", "Give a user name.");
            if (string.IsNullOrEmpty(body.Password)) throw new RequestValidationException("password", "Give a password.");
            return await directory.SignInAsync(body.Username, body.Password, SignInLimits.AddressOf(http), ct) is { } token
                ? Results.Ok(new TokenBody(token.Token, token.ExpiresAt))
                : Results.Problem(title: "The user name or password is wrong.", statusCode: StatusCodes.Status401Unauthorized);
        }).AllowAnonymous().WithTags("Access").Produces<TokenBody>();

        // Ends the token this request was sent with; other tokens of the user stay.
        app.MapPost("/api/auth/sign-out", async (HttpContext http, AccessDirectory directory, CancellationToken ct) =>
        {
            await directory.RevokeTokenAsync(BearerTokenHandler.TokenOf(http.Request)!, ct);
            return Results.NoContent();
        }).RequireAuthorization().WithTags("Access").Produces(StatusCodes.Status204NoContent);

        // Ends every token and page session of the user; sign in again with the new password.
        app.MapPost("/api/auth/password", async (PasswordRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new ChangePasswordCommand(body?.CurrentPassword, body?.NewPassword, SignInLimits.AddressOf(http))
                { Sender = http.SenderOf(new object()) }, ct))
            .RequireAuthorization().WithTags("Access").Produces(StatusCodes.Status204NoContent);

        app.MapGet("/api/users", async (string? affiliate, HttpContext http, AccessDirectory directory, CancellationToken ct) =>
            Results.Ok(await directory.ListUsersAsync(http.CurrentUser(), affiliate, ct)))
            .RequireAuthorization().WithTags("Access").Produces<IReadOnlyList<AccessDirectory.UserSummary>>();

        app.MapPost("/api/affiliates", async (AffiliateRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new CreateAffiliateCommand(body?.Code, body?.Name) { Sender = http.SenderOf(body ?? new AffiliateRequest(null, null)) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<AffiliateBody>(StatusCodes.Status201Created);

        app.MapPatch("/api/affiliates/{code}", async (string code, AffiliateNameRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new RenameAffiliateCommand(code, body?.Name) { Sender = http.SenderOf(body ?? new AffiliateNameRequest(null)) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<AffiliateBody>();

        app.MapDelete("/api/affiliates/{code}", async (string code, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new RemoveAffiliateCommand(code) { Sender = http.SenderOf(new { code }) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<AffiliateBody>();

        // The body holds a password: the request's fingerprint is taken without it.
        app.MapPost("/api/users", async (UserRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new CreateUserCommand(body?.Username, body?.Password, body?.Role, body?.Affiliate, body?.LeaderId, body?.Email) { Name = body?.Name,
                Sender = http.SenderOf(body is null ? new object() : body with { Password = null }) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<CreatedBody>(StatusCodes.Status201Created);

        // Staff change a user's role or address, or disable them; every token and page session of the user ends.
        app.MapPatch("/api/users/{id}", async (string id, UserChangeRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new ChangeUserCommand(Guid.TryParse(id, out var userId) ? userId : throw new NotFoundException($"There is no user {id}."), body?.Role, body?.Disabled, body?.Email)
                { Name = body?.Name, Sender = http.SenderOf(body ?? new UserChangeRequest(null, null)) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<AccessDirectory.UserSummary>();

        app.MapMailPreference();
        app.MapPasswordReset();
        app.MapConfirmedAddress();
        app.MapPasswordMail();
        return app;
    }

    public static CurrentUser CurrentUser(this HttpContext http) => BearerTokenHandler.CurrentUserOf(http.User);
}

/// <summary>What creating an affiliate answers.</summary>
public sealed record AffiliateBody(string Code, string Name);

/// <summary>A national admin creates an affiliate.</summary>
public sealed record CreateAffiliateCommand(string? Code, string? Name) : Command;

/// <summary>A national admin gives an affiliate a new name; its code stays.</summary>
public sealed record RenameAffiliateCommand(string? Code, string? Name) : Command;

/// <summary>A national admin removes an affiliate added by mistake: one with no sign-in and nothing recorded.</summary>
public sealed record RemoveAffiliateCommand(string? Code) : Command;

/// <summary>An admin creates a sign-in for a role (a leader's own sign-in names the leader). Carries a password: never logged, never stored as sent.</summary>
public sealed record CreateUserCommand(string? Username, string? Password, string? Role, string? Affiliate, Guid? LeaderId, string? Email = null) : Command
{
    /// <summary>The name people know them by (optional): shown to leaders and mentors instead of the user name.</summary>
    public string? Name { get; init; }
}

public static class CreateAffiliateHandler
{
    public static async Task<Answer> Handle(CreateAffiliateCommand command, AccessDirectory directory, CancellationToken ct)
    {
        if (!command.Sender.Caller.IsNationalAdmin) throw new ForbiddenException("Only national admins create affiliates.");
        // Answered as kept, not as sent (a code in capitals, a name's spaces one).
        var created = await directory.CreateAffiliateAsync(command.Code ?? "", command.Name ?? "", ct, command.Sender.Caller);
        return new Answer(StatusCodes.Status201Created, created, $"/api/affiliates/{created.Code}");
    }
}

public static class RenameAffiliateHandler
{
    public static async Task<Answer> Handle(RenameAffiliateCommand command, AccessDirectory directory, CancellationToken ct)
    {
        if (!command.Sender.Caller.IsNationalAdmin) throw new ForbiddenException("Only national admins rename affiliates.");
        return new Answer(StatusCodes.Status200OK, await directory.RenameAffiliateAsync(command.Code, command.Name, ct, command.Sender.Caller));
    }
}

public static class RemoveAffiliateHandler
{
    public static async Task<Answer> Handle(RemoveAffiliateCommand command, AccessDirectory directory, CancellationToken ct)
    {
        if (!command.Sender.Caller.IsNationalAdmin) throw new ForbiddenException("Only national admins remove affiliates.");
        return new Answer(StatusCodes.Status200OK, await directory.RemoveAffiliateAsync(command.Code, ct, command.Sender.Caller));
    }
}

public static class CreateUserHandler
{
    public static async Task<Answer> Handle(CreateUserCommand command, AccessDirectory directory, Leaders.LeaderReader leaders, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var id = await directory.CreateUserAsync(command.Username ?? "", command.Password ?? "", command.Role ?? "", command.Affiliate, command.LeaderId,
            // Read in every affiliate: the directory compares the affiliate itself.
            caller.IsOperator ? null : caller, ct, async (leaderId, token) => await leaders.FindAsync(leaderId, token) is { State.Erased: false } found ? found.State.Affiliate : null,
            command.Email, command.Name);
        return new Answer(StatusCodes.Status201Created, new CreatedBody(id), $"/api/users/{id}");
    }
}

/// <summary>A signed-in user changes their own password. Carries passwords: never logged, never stored as sent.</summary>
/// <param name="Address">The client's address, for the sign-in throttle the current password is checked under.</param>
public sealed record ChangePasswordCommand(string? CurrentPassword, string? NewPassword, string Address) : Command;

/// <summary>An admin changes a user's role or e-mail address, or disables or enables them.</summary>
/// <param name="Email">A new address, "" to remove it, null to leave it (<see cref="AccessDirectory.ChangeUserAsync"/>).</param>
public sealed record ChangeUserCommand(Guid UserId, string? Role, bool? Disabled, string? Email = null) : Command
{
    /// <summary>A new name, "" to remove it, null to leave it.</summary>
    public string? Name { get; init; }

    protected override string Describe() => $"{nameof(ChangeUserCommand)} on user {UserId}";
}

public static class ChangePasswordHandler
{
    public static async Task<Answer> Handle(ChangePasswordCommand command, AccessDirectory directory, CancellationToken ct)
    {
        await directory.ChangePasswordAsync(command.Sender.Caller, command.CurrentPassword ?? "", command.NewPassword ?? "", command.Address, ct);
        return new Answer(StatusCodes.Status204NoContent, new { });
    }
}

public static class ChangeUserHandler
{
    public static async Task<Answer> Handle(ChangeUserCommand command, AccessDirectory directory, CancellationToken ct) =>
        new(StatusCodes.Status200OK, await directory.ChangeUserAsync(command.Sender.Caller, command.UserId, command.Role, command.Disabled, ct, command.Email, command.Name));
}
