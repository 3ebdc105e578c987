using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Core.Access;

public static class AccessServices
{
    /// <summary>Bearer-token sign-in for the HTTP API.</summary>
    public static IServiceCollection AddLeaderJourneyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorization();
        return services;
    }
}
