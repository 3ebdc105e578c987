using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace LeaderJourney.Web;

/// <summary>
/// The pages' words in the languages LeaderJourney speaks: English (the words as written in the code)
/// and Spanish (Resources/Texts.es.resx, keyed by the English). Pages inject
/// <c>IStringLocalizer&lt;Texts&gt;</c>; a sentence without a translation shows in English. The
/// framework's own texts (themes, levels) are shown as the affiliate imported them.
/// </summary>
public sealed class Texts
{
    public static readonly CultureInfo[] Languages = [new("en"), new("es")];

    /// <summary>Each language's name in itself, for the chooser.</summary>
    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string> { ["en"] = "English", ["es"] = "Español" };

    /// <summary>The user's choice (a cookie) wins, else the browser's language, else English.</summary>
    public static RequestLocalizationOptions Options() => new RequestLocalizationOptions
    {
        DefaultRequestCulture = new RequestCulture("en"),
        SupportedCultures = Languages,
        SupportedUICultures = Languages,
        RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()],
    };

    /// <summary>The page's language, for &lt;html lang&gt;.</summary>
    public static string Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;

    /// <summary>
    /// The language of a framework's own texts (the built-in frameworks and the documents affiliates import
    /// are in English), for a <c>lang</c> attribute on them: on a Spanish page a screen reader otherwise reads
    /// a descriptor in English words with a Spanish voice. Null on an English page, where none is needed.
    /// </summary>
    public static string? FrameworkLanguage => Current == "en" ? null : "en";

    /// <summary>Keeps a chosen language in this browser for a year (it outlasts a sign-out).</summary>
    public static void Remember(HttpContext http, string language) =>
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, IsEssential = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps });

    /// <summary>
    /// At a sign-in: a language the user chose signed in (on any browser) is taken up in this one; otherwise the
    /// language these pages are in (this browser's choice or its own) is kept for their mails, as not chosen. A
    /// browser's cookie is never taken for the user's choice: on a shared computer it may be someone else's.
    /// </summary>
    public static async Task FollowUserAsync(HttpContext http, Core.Access.AccessDirectory directory, Guid userId, CancellationToken ct)
    {
        if (await directory.ChosenLanguageAsync(userId, ct) is { } chosen && Names.ContainsKey(chosen))
            Remember(http, chosen);
        else
            await directory.SetLanguageAsync(userId, Current, ct);
    }
}
