using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using LeaderJourney.Web.Pages.Account;

namespace LeaderJourney.Web.Pages;

public static class PageSetup
{
    public const string PagesPolicy = "Pages";

    /// <summary>Pages sign in with a cookie (the API keeps bearer tokens); every page but sign-in needs it; forms carry anti-forgery tokens.</summary>
    public static IServiceCollection AddLeaderJourneyPages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication().AddSingleSignOn(configuration).AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options =>
        {
            options.LoginPath = "/account/sign-in";
            options.AccessDeniedPath = "/account/sign-in";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Cookie.Name = "leaderjourney";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // A cookie holds a page session, a token looked up on every page: signing out, a password or
            // role change, a disabled account or an erasure deletes it, and the cookie stands for nothing
            // from the next page on, on every host. The claims are refreshed from the account each time.
            options.Events.OnValidatePrincipal = async context =>
            {
                var directory = context.HttpContext.RequestServices.GetRequiredService<Core.Access.AccessDirectory>();
                var session = context.Principal?.FindFirst(Core.Access.BearerTokenHandler.SessionClaim)?.Value;
                if (session is null || await directory.FindByTokenAsync(session, context.HttpContext.RequestAborted) is not { } user)
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    return;
                }
                context.ReplacePrincipal(Core.Access.BearerTokenHandler.PrincipalFor(user, CookieAuthenticationDefaults.AuthenticationScheme, session));
            };
            // A form sent once the session had ended (a mentor's decline typed on a phone hours after signing in)
            // was not recorded: the sign-in page is told, so it can say so instead of landing as if nothing happened.
            options.Events.OnRedirectToLogin = async context =>
            {
                var unsent = HttpMethods.IsPost(context.Request.Method);
                if (unsent) await UnsentText.KeepAsync(context.HttpContext);
                context.Response.Redirect(unsent
                    ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(context.RedirectUri, "unsent", "true")
                    : context.RedirectUri);
            };
        });
        // The cookies' and forms' keys are one ring in the database for every host (Core/Access/PageKeyRing, added with the core services).
        // Over HTTPS (directly or behind a trusted proxy, see Proxy) every cookie is Secure.
        services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddAuthorizationBuilder().AddPolicy(PagesPolicy, policy =>
            policy.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme).RequireAuthenticatedUser());
        // Pages speak more than ASCII (typographic quotes now, Spanish next): written as they are, not as
        // numeric entities; the encoder still escapes everything HTML gives a meaning to.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddSingleton<FormAnswers>();
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.AddSingleton<LeaderJourney.Core.Http.ISentences, TranslatedSentences>();
        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/", PagesPolicy);
            options.Conventions.AllowAnonymousToPage("/Account/SignIn");
            options.Conventions.AllowAnonymousToPage("/Account/SignOut");
            options.Conventions.AllowAnonymousToPage("/Account/Language");
            // A mail's stop link works without signing in: its token names whom it stops (Core/Access/MailStop).
            options.Conventions.AllowAnonymousToPage("/Account/MailStop");
            options.Conventions.AllowAnonymousToPage("/Account/Reset");
            options.Conventions.AllowAnonymousToPage("/Account/Forgot");
            options.Conventions.AllowAnonymousToPage("/Error");
        }).AddMvcOptions(options =>
        {
            // A browser sends number and date fields in one format whatever the page's language
            // ("1.5", "2025-03-14"); read with the Spanish culture "1.5" hours would be 15.
            var form = options.ValueProviderFactories.OfType<Microsoft.AspNetCore.Mvc.ModelBinding.FormValueProviderFactory>().Single();
            options.ValueProviderFactories[options.ValueProviderFactories.IndexOf(form)] = new InvariantFormValues();
        });
        return services;
    }

    /// <summary>Form fields read with the invariant culture (see <see cref="AddLeaderJourneyPages"/>).</summary>
    private sealed class InvariantFormValues : Microsoft.AspNetCore.Mvc.ModelBinding.IValueProviderFactory
    {
        public async Task CreateValueProviderAsync(Microsoft.AspNetCore.Mvc.ModelBinding.ValueProviderFactoryContext context)
        {
            var request = context.ActionContext.HttpContext.Request;
            if (!request.HasFormContentType) return;
            Microsoft.AspNetCore.Http.IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(context.ActionContext.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                // A malformed body is the sender's mistake: a 400, as the built-in form reader answers.
                throw new Microsoft.AspNetCore.Mvc.ModelBinding.ValueProviderException("The form could not be read.", e);
            }
            context.ValueProviders.Add(new Microsoft.AspNetCore.Mvc.ModelBinding.FormValueProvider(
                Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Form, form, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Post/redirect/get for every form (<see cref="FormAnswers"/>).</summary>
    public static IApplicationBuilder UseFormAnswers(this IApplicationBuilder app) => FormAnswers.Use(app);

    /// <summary>Headers that keep pages from being framed, sniffed or made to run foreign scripts.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // Set as the response starts, so an answer the exception handler wrote afresh carries them too.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // Pages and API answers may hold personal data: no browser or proxy keeps a copy. Static
            // files set their own (versioned, cacheable).
            if (!headers.ContainsKey("Cache-Control")) headers.CacheControl = "no-store";
            // The API reference (Scalar) starts itself with an inline script and styles itself inline; every
            // other page runs no script at all. A page that set its own policy keeps it (an issued report
            // allows its printable style, by hash: Core.Http.ContentSecurity).
            if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy))
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ApiDocs.ReferencePath)
                    ? "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'"
                    : Core.Http.ContentSecurity.Policy();
            return Task.CompletedTask;
        });
        await next();
    });
}
