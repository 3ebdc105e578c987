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
    public sealed record UserRequest(string? Username, string? Password, string? Role, string? Affiliate, Guid? LeaderId);

    public static IEndpointRouteBuilder MapAccess(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", async (TokenRequest? body, AccessDirectory directory, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body?.Username)) throw new RequestValidationException("username", "Give a user name.");
            if (string.IsNullOrEmpty(body.Password)) throw new RequestValidationException("password", "Give a password.");
            return await directory.SignInAsync(body.Username, body.Password, ct) is { } token
                ? Results.Ok(new { token = token.Token, expiresAt = token.ExpiresAt })
                : Results.Problem(title: "The user name or password is wrong.", statusCode: StatusCodes.Status401Unauthorized);
        }).AllowAnonymous().WithTags("Access");

        app.MapPost("/api/affiliates", async (AffiliateRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new CreateAffiliateCommand(body?.Code, body?.Name) { Sender = http.SenderOf(body ?? new AffiliateRequest(null, null)) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<AffiliateBody>(StatusCodes.Status201Created);

        // The body holds a password: the request's fingerprint is taken without it.
        app.MapPost("/api/users", async (UserRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new CreateUserCommand(body?.Username, body?.Password, body?.Role, body?.Affiliate, body?.LeaderId)
                { Sender = http.SenderOf(body is null ? new object() : body with { Password = null }) }, ct))
            .RequireAuthorization().WithTags("Access").Produces<CreatedBody>(StatusCodes.Status201Created);

        return app;
    }

    public static CurrentUser CurrentUser(this HttpContext http) => BearerTokenHandler.CurrentUserOf(http.User);
}

/// <summary>What creating an affiliate answers.</summary>
public sealed record AffiliateBody(string Code, string Name);

/// <summary>A national admin creates an affiliate.</summary>
public sealed record CreateAffiliateCommand(string? Code, string? Name) : Command;

/// <summary>An admin creates a sign-in for a role (a leader's own sign-in names the leader). Carries a password: never logged, never stored as sent.</summary>
public sealed record CreateUserCommand(string? Username, string? Password, string? Role, string? Affiliate, Guid? LeaderId) : Command;

public static class CreateAffiliateHandler
{
    public static async Task<Answer> Handle(CreateAffiliateCommand command, AccessDirectory directory, CancellationToken ct)
    {
        if (!command.Sender.Caller.IsNationalAdmin) throw new ForbiddenException("Only national admins create affiliates.");
        await directory.CreateAffiliateAsync(command.Code ?? "", command.Name ?? "", ct);
        return new Answer(StatusCodes.Status201Created, new AffiliateBody(command.Code!, command.Name!.Trim()), $"/api/affiliates/{command.Code}");
    }
}

public static class CreateUserHandler
{
    public static async Task<Answer> Handle(CreateUserCommand command, AccessDirectory directory, Leaders.LeaderReader leaders, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var id = await directory.CreateUserAsync(command.Username ?? "", command.Password ?? "", command.Role ?? "", command.Affiliate, command.LeaderId,
            caller.IsOperator ? null : caller, ct, async (leaderId, token) =>
            {
                try
                {
                    // Read as the operator, who sees every affiliate: the directory compares the affiliate itself.
                    var leader = (await leaders.LoadForCallerAsync(leaderId, CurrentUser.Operator, token)).State;
                    return leader.Erased ? null : leader.Affiliate;
                }
                catch (NotFoundException)
                {
                    return null;
                }
            });
        return new Answer(StatusCodes.Status201Created, new CreatedBody(id), $"/api/users/{id}");
    }
}
