using Microsoft.AspNetCore.Authentication.Cookies;

namespace LeaderJourney.Web.Pages;

public static class PageSetup
{
    public const string PagesPolicy = "Pages";

    /// <summary>Pages sign in with a cookie (the API keeps bearer tokens); every page but sign-in needs it; forms carry anti-forgery tokens.</summary>
    public static IServiceCollection AddLeaderJourneyPages(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options =>
        {
            options.LoginPath = "/account/sign-in";
            options.AccessDeniedPath = "/account/sign-in";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Cookie.Name = "leaderjourney";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthorizationBuilder().AddPolicy(PagesPolicy, policy =>
            policy.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme).RequireAuthenticatedUser());
        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/", PagesPolicy);
            options.Conventions.AllowAnonymousToPage("/Account/SignIn");
            options.Conventions.AllowAnonymousToPage("/Account/SignOut");
        });
        return services;
    }

    /// <summary>Headers that keep pages from being framed, sniffed or made to run foreign scripts.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";
        await next();
    });
}
