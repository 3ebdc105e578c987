using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Access;

public static class AccessEndpoints
{
    public sealed record TokenRequest(string? Username, string? Password);
    public sealed record AffiliateRequest(string? Code, string? Name);
    public sealed record UserRequest(string? Username, string? Password, string? Role, string? Affiliate, Guid? LeaderId);

    public static IEndpointRouteBuilder MapAccess(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", (TokenRequest? body, AccessDirectory directory, CancellationToken ct) => Problems.Handle(async () =>
        {
            if (string.IsNullOrWhiteSpace(body?.Username)) throw new RequestValidationException("username", "Give a user name.");
            if (string.IsNullOrEmpty(body.Password)) throw new RequestValidationException("password", "Give a password.");
            return await directory.SignInAsync(body.Username, body.Password, ct) is { } token
                ? Results.Ok(new { token = token.Token, expiresAt = token.ExpiresAt })
                : Results.Problem(title: "The user name or password is wrong.", statusCode: StatusCodes.Status401Unauthorized);
        })).AllowAnonymous().WithTags("Access");

        app.MapPost("/api/affiliates", (AffiliateRequest? body, HttpContext http, AccessDirectory directory, CancellationToken ct) => Problems.Handle(async () =>
        {
            if (!http.CurrentUser().IsNationalAdmin) throw new ForbiddenException("Only national admins create affiliates.");
            await directory.CreateAffiliateAsync(body?.Code ?? "", body?.Name ?? "", ct);
            return Results.Created($"/api/affiliates/{body!.Code}", new { code = body.Code, name = body.Name!.Trim() });
        })).RequireAuthorization().WithTags("Access");

        app.MapPost("/api/users", (UserRequest? body, HttpContext http, AccessDirectory directory, CancellationToken ct) => Problems.Handle(async () =>
        {
            var id = await directory.CreateUserAsync(body?.Username ?? "", body?.Password ?? "", body?.Role ?? "", body?.Affiliate, body?.LeaderId, http.CurrentUser(), ct);
            return Results.Created($"/api/users/{id}", new { id });
        })).RequireAuthorization().WithTags("Access");

        return app;
    }

    public static CurrentUser CurrentUser(this HttpContext http) => BearerTokenHandler.CurrentUserOf(http.User);
}
