using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace LeaderJourney.Web;

/// <summary>
/// Running behind a reverse proxy that ends TLS (docs/security.md, "Behind a proxy"): the client's
/// address and scheme are taken from X-Forwarded-For and X-Forwarded-Proto, but only when the request
/// comes from a trusted proxy (loopback, plus <c>LeaderJourney:Proxy:KnownProxies</c>, comma-separated
/// addresses), so nobody else can choose the address the sign-in limits count under. A request that
/// arrived over HTTPS gets HSTS, and its cookies are Secure (the cookie policy follows the request).
/// </summary>
public static class Proxy
{
    public const string KnownProxiesSetting = "LeaderJourney:Proxy:KnownProxies";

    public static IServiceCollection AddProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Loopback is trusted by default (a proxy on the same machine); others are named.
            foreach (var entry in (configuration[KnownProxiesSetting] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                options.KnownProxies.Add(IPAddress.TryParse(entry, out var address) ? address
                    : throw new InvalidOperationException($"{KnownProxiesSetting}: '{entry}' is not an IP address."));
        });
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = false;
        });
        return services;
    }

    /// <summary>HSTS on every answer to a request that came over HTTPS (directly or through a trusted proxy).</summary>
    public static IApplicationBuilder UseHttpsWhenBehindProxy(this IApplicationBuilder app) => app.UseHsts();
}
