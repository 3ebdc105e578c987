using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>
/// A real OpenID Connect provider for the single sign-on tests: OpenIddict's server, in memory at
/// http://idp.test/, authorization code flow with PKCE, signed id_tokens from ephemeral keys. It has no
/// login form: it vouches at once for whoever the test says is at the browser (<see cref="Email"/>,
/// <see cref="EmailVerified"/>), as an affiliate's real provider would after its own sign-in. Without
/// a database (OpenIddict's degraded mode) the client id, secret and redirect address are checked by
/// the handlers here.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public static readonly Uri Issuer = new("http://idp.test/");
    public const string ClientId = "leaderjourney";
    public const string ClientSecret = "test-client-secret";

    private readonly WebApplication _host;

    public string Email { get; set; } = "";
    public bool EmailVerified { get; set; } = true;

    private TestIdentityProvider(WebApplication host) => _host = host;

    /// <summary>Where its back channel (discovery, keys, token requests) is reached from the app under test.</summary>
    public HttpMessageHandler BackChannel() => _host.GetTestServer().CreateHandler();

    public HttpClient Browser() => _host.GetTestServer().CreateClient();

    public static async Task<TestIdentityProvider> StartAsync(string redirectUri)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        TestIdentityProvider? provider = null;
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(Issuer);
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.Email, Scopes.Profile);
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
            options.EnableDegradedMode();
            options.UseAspNetCore().DisableTransportSecurityRequirement();

            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId) context.Reject(Errors.InvalidClient, "Unknown client.");
                else if (context.RedirectUri != redirectUri) context.Reject(Errors.InvalidRequest, "The redirect_uri is not registered for this client.");
                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret is null ||
                    !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.ClientSecret), Encoding.UTF8.GetBytes(ClientSecret)))
                    context.Reject(Errors.InvalidClient, "Invalid client credentials.");
                return default;
            }));
            // The person at the browser is signed in at once; the code carries them to the token endpoint.
            options.AddEventHandler<HandleAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                var identity = new ClaimsIdentity("test-idp", Claims.Name, Claims.Role);
                identity.SetClaim(Claims.Subject, "person-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(provider!.Email)))[..12])
                    .SetClaim(Claims.Email, provider.Email)
                    .SetClaim(Claims.EmailVerified, provider.EmailVerified);
                var principal = new ClaimsPrincipal(identity);
                principal.SetScopes(context.Request.GetScopes());
                // Claims reach the id_token only when told to.
                principal.SetDestinations(claim => claim.Type is Claims.Email or Claims.EmailVerified
                    ? [Destinations.IdentityToken, Destinations.AccessToken]
                    : [Destinations.AccessToken]);
                context.SignIn(principal);
                return default;
            }));
        });
        var host = builder.Build();
        host.UseAuthentication();
        await host.StartAsync();
        host.GetTestServer().BaseAddress = Issuer;
        return provider = new TestIdentityProvider(host);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();
}
