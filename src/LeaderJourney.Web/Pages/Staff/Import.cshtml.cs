using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.Import;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Staff;

/// <summary>Staff import leaders (and their past trainings) from CSV: a preview with an error per bad row, then the good rows, with a progress bar.</summary>
public sealed class ImportModel(LeaderImport import, FrameworkCatalog catalog, IMessageBus bus) : PageModel
{
    public const int MaxFileBytes = 5 * 1024 * 1024;

    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    public ImportJob? Job { get; private set; }
    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        if (!Staff(out var caller)) return Forbid();
        if (Id is { } id && (Job = import.Find(id, caller)) is null) return NotFound();
        return Page();
    }

    /// <summary>The rows left out of the import, as a CSV to mend and upload again; only its owner's, while this host holds it.</summary>
    public IActionResult OnGetLeftOut([FromServices] ISentences sentences)
    {
        if (!Staff(out var caller)) return Forbid();
        if (Id is not { } id || import.Find(id, caller) is not { } job) return NotFound();
        // In the page's language and with the file's own separator, as the reader mends it in their spreadsheet.
        return CsvDownload.Of(job.LeftOutCsv(sentences.Say), "leaders-left-out.csv");
    }

    // In the separator the reader's spreadsheet expects (Spanish spreadsheets split CSV at semicolons); the import reads either.
    public IActionResult OnGetTemplate() => Staff(out _) ? CsvDownload.Of(LeaderImport.Template(Texts.Current == "es" ? ';' : ','), "leaders-template.csv") : Forbid();

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        if (file is null) { Error = "Choose a CSV file."; return Page(); }
        if (file.Length == 0) { Error = "The file is empty."; return Page(); }
        if (file.Length > MaxFileBytes) { Error = $"The file is larger than {MaxFileBytes / 1024 / 1024} MB."; return Page(); }
        var text = await CsvText.DecodeAsync(file.OpenReadStream(), ct);
        try
        {
            Job = await import.PreviewAsync(text, caller, await Edition(ct), ct);
        }
        catch (RequestValidationException e)
        {
            Error = e.Message;
            return Page();
        }
        // The preview has an address of its own (while this host holds it): reloaded, it is shown again.
        return Redirect($"/staff/import/{Job.Id}");
    }

    public async Task<IActionResult> OnPostStartAsync(CancellationToken ct)
    {
        if (!Staff(out var caller)) return Forbid();
        if (Id is not { } id || import.Find(id, caller) is not { } job) return NotFound();
        await import.StartAsync(job, await Edition(ct), bus);
        return Redirect($"/staff/import/{job.Id}");
    }

    private async Task<Guid> Edition(CancellationToken ct) =>
        await catalog.DefaultEditionAsync(ct) ?? throw new InvalidOperationException("The default framework is not in the catalog.");

    private bool Staff(out CurrentUser caller)
    {
        caller = BearerTokenHandler.CurrentUserOf(User);
        return caller.IsAdmin && caller.Affiliate is not null;
    }
}
