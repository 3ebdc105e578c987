using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// What was typed into a form's text boxes (a decline's reason, a note) when the form was sent after the
/// sign-in had ended: not recorded, so it is handed back to type no more than a paste. Kept only in the
/// browser's own TempData cookie, encrypted with the installation's data-protection keys (never in the
/// database or a log), shown on the sign-in page and once on the page the person returns to, then gone.
/// </summary>
public static class UnsentText
{
    public const string Key = "unsent-text";

    /// <summary>The forms' free-text boxes (every textarea of the pages); ids, codes and passwords are not kept.</summary>
    private static readonly string[] TextFields = ["text", "note", "reason", "justification"];

    public static async Task KeepAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType) return;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var typed = string.Join("\n\n", TextFields.Select(field => form[field].ToString().Trim()).Where(value => value.Length > 0));
        if (typed.Length == 0) return;
        var tempData = http.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(http);
        tempData[Key] = typed;
        tempData.Save();
    }
}
