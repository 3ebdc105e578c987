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
}
