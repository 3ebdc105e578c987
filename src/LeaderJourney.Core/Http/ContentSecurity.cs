using Microsoft.AspNetCore.Http;

namespace LeaderJourney.Core.Http;

/// <summary>
/// The Content-Security-Policy of the app's pages and answers: no script, styles from the app's own files.
/// A printable report (<see cref="Succession.Reports.ReportFormats.PrintStyle"/>) carries its one style inline,
/// so that a downloaded copy stands alone; where the app serves it, that style alone is allowed, by its hash.
/// </summary>
public static class ContentSecurity
{
    /// <summary>The policy, with <paramref name="styles"/> (a hash source) allowed besides the app's own files.</summary>
    public static string Policy(string? styles = null) =>
        $"default-src 'self'; img-src 'self' data:; style-src 'self'{(styles is null ? "" : " " + styles)}; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

    /// <summary>This response is a printable report: its inline style is allowed (the security headers keep a policy a response set).</summary>
    public static void AllowPrintStyle(HttpResponse response) =>
        response.Headers.ContentSecurityPolicy = Policy(Succession.Reports.ReportFormats.PrintStyleHash);
}
