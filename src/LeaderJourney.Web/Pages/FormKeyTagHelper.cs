using Microsoft.AspNetCore.Razor.TagHelpers;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// Gives every form that posts a key of its own (<see cref="PageCommands.FormKeyField"/>), new at each
/// rendering: a form sent twice as it was rendered (a reload that sends it again, a second tap on a slow
/// phone) is the same write, and <see cref="PageCommands.Options"/> makes it the same Idempotency-Key, so
/// it is recorded once.
/// </summary>
[HtmlTargetElement("form", Attributes = "method")]
public sealed class FormKeyTagHelper : TagHelper
{
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!string.Equals(context.AllAttributes["method"].Value?.ToString(), "post", StringComparison.OrdinalIgnoreCase)) return;
        output.PostContent.AppendHtml($"<input type=\"hidden\" name=\"{PageCommands.FormKeyField}\" value=\"{Guid.NewGuid():N}\">");
    }
}
