using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeaderJourney.Core.Access;

/// <summary>Signs callers in by the bearer tokens that POST /api/auth/token issues.</summary>
public sealed class BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccessDirectory directory,
    RecentTokens recent)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private const string AffiliateClaim = "affiliate";
    private const string LeaderClaim = "leader_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { } token) return AuthenticateResult.NoResult();
        var hash = AccessDirectory.TokenHash(token);
        // A command whose write, or a read whose batch, checks the token again goes on the user this host last found it live for.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<TokenChecks.Marker>() is not null && recent.Find(hash) is { } seen)
        {
            Context.Features.Set(new TokenToCheck(hash));
            return Success(seen);
        }
        if (await directory.FindLiveTokenAsync(hash, Context.RequestAborted) is not { } live)
        {
            recent.Forget(hash);
            return AuthenticateResult.Fail("The token is unknown or has expired.");
        }
        recent.Remember(hash, live);
        return Success(live.User);
    }

    private static AuthenticateResult Success(CurrentUser user) => AuthenticateResult.Success(new AuthenticationTicket(PrincipalFor(user, SchemeName), SchemeName));

    /// <summary>The bearer token a request was sent with, if any.</summary>
    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>The claims every sign-in (bearer token or page cookie) carries, read back by <see cref="CurrentUserOf"/>.</summary>
    public static ClaimsPrincipal PrincipalFor(CurrentUser user, string scheme, string? session = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.UserId.ToString()),
            new(ClaimTypes.Name, user.Username),
            new(ClaimTypes.Role, user.Role),
        };
        if (user.Affiliate is not null) claims.Add(new Claim(AffiliateClaim, user.Affiliate));
        if (user.LeaderId is not null) claims.Add(new Claim(LeaderClaim, user.LeaderId.Value.ToString()));
        if (session is not null) claims.Add(new Claim(SessionClaim, session));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>A page session's token, kept in its (encrypted) cookie and looked up on every request.</summary>
    public const string SessionClaim = "session";

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Results.Problem(title: TokenChecks.SignInFirst, statusCode: StatusCodes.Status401Unauthorized)
            .ExecuteAsync(Context);

    /// <remarks>A page's refusal is left without a body, so the host's status page shows it in words (Web's Error page).</remarks>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (!Request.Path.StartsWithSegments("/api"))
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return Results.Problem(title: "Your role does not allow this.", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(Context);
    }

    /// <summary>The signed-in caller, from the claims this handler set.</summary>
    public static CurrentUser CurrentUserOf(ClaimsPrincipal principal) => new(
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!),
        principal.FindFirstValue(ClaimTypes.Name)!,
        principal.FindFirstValue(ClaimTypes.Role)!,
        principal.FindFirstValue(AffiliateClaim),
        principal.FindFirstValue(LeaderClaim) is { } leader ? Guid.Parse(leader) : null);
}
