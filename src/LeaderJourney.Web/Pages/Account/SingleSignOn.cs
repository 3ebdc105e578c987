using LeaderJourney.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace LeaderJourney.Web.Pages.Account;

/// <summary>An affiliate's identity provider, from <c>LeaderJourney:SingleSignOn:&lt;name&gt;</c>.</summary>
/// <param name="Affiliate">Only this affiliate's users sign in through it.</param>
public sealed record IdentityProvider(string Name, string DisplayName, string Authority, string ClientId, string? ClientSecret, string Affiliate, bool RequireHttpsMetadata);

/// <summary>
/// Single sign-on with OpenID Connect for affiliates that run an identity provider (docs/security.md).
/// The provider says who someone is; LeaderJourney says what they may do. A person is let in only when
/// the provider vouches for their email (<c>email_verified</c>) and that email belongs to an enabled
/// user of the provider's affiliate, created in LeaderJourney beforehand with that email; their role
/// stays the one given in LeaderJourney. They then hold an ordinary page session, ended like any other.
/// </summary>
public static class SingleSignOn
{
    public const string Section = "LeaderJourney:SingleSignOn";

    public static string SchemeOf(string name) => "sso-" + name;

    public static IReadOnlyList<IdentityProvider> Providers(IConfiguration configuration) =>
        configuration.GetSection(Section).GetChildren().Select(p => new IdentityProvider(
            p.Key,
            p["DisplayName"] ?? p.Key,
            p["Authority"] ?? throw new InvalidOperationException($"{Section}:{p.Key}:Authority is not set."),
            p["ClientId"] ?? throw new InvalidOperationException($"{Section}:{p.Key}:ClientId is not set."),
            p["ClientSecret"],
            p["Affiliate"] ?? throw new InvalidOperationException($"{Section}:{p.Key}:Affiliate is not set: a provider signs in one affiliate's users."),
            p.GetValue("RequireHttpsMetadata", true))).ToList();

    /// <summary>Why a single sign-on was refused, as the sign-in page explains it.</summary>
    public static string? Explain(string? reason) => reason switch
    {
        null => null,
        "no-account" => "Your identity provider signed you in, but no LeaderJourney account has that email. Ask your affiliate's staff to add it to your account.",
        "not-verified" => "Your identity provider did not confirm your email address, so it cannot be matched to an account.",
        _ => "Single sign-on did not work this time. Try again, or sign in with your user name and password.",
    };

    public static AuthenticationBuilder AddSingleSignOn(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        foreach (var provider in Providers(configuration))
            authentication.AddOpenIdConnect(SchemeOf(provider.Name), provider.DisplayName, options =>
            {
                options.Authority = provider.Authority;
                options.ClientId = provider.ClientId;
                options.ClientSecret = provider.ClientSecret;
                options.ResponseType = "code";
                options.UsePkce = true;
                options.CallbackPath = $"/signin-{provider.Name}";
                options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.RequireHttpsMetadata = provider.RequireHttpsMetadata;
                options.MapInboundClaims = false;
                options.SaveTokens = false;
                // The provider sends the browser back with a plain GET (response_mode=query), so the
                // correlation and nonce cookies can be SameSite=Lax, and Secure exactly when the site is
                // served over HTTPS (a local http:// install would otherwise never get them back).
                options.ResponseMode = "query";
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Scope.Clear();
                options.Scope.Add("openid");
                options.Scope.Add("email");
                options.Events.OnTokenValidated = context => Match(context, provider);
                options.Events.OnRemoteFailure = context =>
                {
                    var reason = context.Failure?.Message is "no-account" or "not-verified" ? context.Failure.Message : "failed";
                    context.Response.Redirect($"/account/sign-in?sso={reason}");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        return authentication;
    }

    /// <summary>The provider's person becomes the LeaderJourney user with that verified email, in a page session of their own.</summary>
    private static async Task Match(TokenValidatedContext context, IdentityProvider provider)
    {
        var email = context.Principal?.FindFirst("email")?.Value;
        if (email is null || !string.Equals(context.Principal!.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase))
        {
            context.Fail("not-verified");
            return;
        }
        var directory = context.HttpContext.RequestServices.GetRequiredService<AccessDirectory>();
        // Taken before the account is found: a session issued as the account's address changes is refused (credentials_changed_at).
        var checkedAt = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (await directory.FindByEmailAsync(email, provider.Affiliate, context.HttpContext.RequestAborted) is not { } user)
        {
            context.Fail("no-account");
            return;
        }
        var session = await directory.IssueTokenAsync(user.UserId, AccessDirectory.TokenKind.Page, context.HttpContext.RequestAborted, checkedAt);
        context.Principal = BearerTokenHandler.PrincipalFor(user, CookieAuthenticationDefaults.AuthenticationScheme, session.Token);
        // As at a sign-in with a password: their mails are written in the language of their pages.
        await Texts.FollowUserAsync(context.HttpContext, directory, user.UserId, context.HttpContext.RequestAborted);
    }
}
