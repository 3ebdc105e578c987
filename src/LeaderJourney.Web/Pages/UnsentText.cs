using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// What was typed into a form's text boxes (a decline's reason, a note) when the form was sent after the
/// sign-in had ended: not recorded, so it is handed back to type no more than a paste. Kept only in the
/// browser's own TempData cookie, encrypted with the installation's data-protection keys (never in the
/// database or a log), shown on the sign-in page to copy, and deleted by the next sign-in there: not carried
/// past it, as the browser's cookie does not say who typed it (a shared computer's next user sees nothing).
/// </summary>
public static class UnsentText
{
    public const string Key = "unsent-text";

    /// <summary>The forms' free-text boxes (every textarea of the pages); ids, codes and passwords are not kept.</summary>
    private static readonly string[] TextFields = ["text", "note", "reason", "justification"];

    // A box takes 4,000 characters; a cookie is kept well below what a browser sends back in its headers.
    private const int MaxField = 4000, MaxKept = 6000, MaxBody = 64 * 1024;

    public static async Task KeepAsync(HttpContext http)
    {
        var request = http.Request;
        // Only a form of this site's own pages: another site posting here must not write into the visitor's cookies.
        if (!request.HasFormContentType || request.ContentLength is null or > MaxBody
            || !string.Equals(request.Headers["Sec-Fetch-Site"], "same-origin", StringComparison.Ordinal)) return;
        IFormCollection form;
        try { form = await request.ReadFormAsync(http.RequestAborted); }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or OperationCanceledException) { return; }
        if (TypedIn(form) is not { } typed) return;
        var tempData = http.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(http);
        tempData[Key] = typed;
        tempData.Save();
    }

    /// <summary>What a form's text boxes hold, each at most 4,000 characters and 6,000 in all; null when they hold nothing.</summary>
    public static string? TypedIn(IFormCollection form)
    {
        var typed = string.Join("\n\n", TextFields.Select(field => form[field].ToString().Trim()).Where(value => value.Length > 0)
            .Select(value => value.Length > MaxField ? value[..MaxField] : value));
        return typed.Length == 0 ? null : typed.Length > MaxKept ? typed[..MaxKept] : typed;
    }
}
