using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.Learning;
using LeaderJourney.Core.Leaders.SignOffs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Journey;

public sealed record LevelText(int Number, string Name, string Descriptor, string Considerations);

/// <summary>One theme of the leader's framework: what its next level asks for, and the leader's own steps towards it.</summary>
public sealed class ThemeModel(LeaderReader reader, FrameworkCatalog catalog, IMessageBus bus, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Code { get; set; } = "";
    public string Title { get; private set; } = "";
    public int Level { get; private set; }
    public LevelText? NextLevel { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostRequestAsync(CancellationToken ct) =>
        Write("Your sign-off request is in your mentors' queue.", (leaderId, sender) => new RequestSignOffCommand(leaderId, Code, null) { Sender = sender, AtNextLevel = true }, ct);

    public Task<IActionResult> OnPostTrainingAsync(string? title, DateOnly? completedOn, decimal? hours, CancellationToken ct) =>
        // The form's date field sends nothing for a date it cannot read: said in the page's words, not the API's.
        completedOn is not { } on || on > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)
            ? Refuse("Give the date you completed it (not in the future).", ct)
            : Write("Training added.", (leaderId, sender) =>
                new RecordTrainingCommand(leaderId, title, Code, null, hours, on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) { Sender = sender, AtNextLevel = true }, ct);

    public Task<IActionResult> OnPostEvidenceAsync(string? link, string? note, CancellationToken ct) =>
        Write("Evidence added.", (leaderId, sender) => new AddEvidenceCommand(leaderId, Code, null, link, note) { Sender = sender, AtNextLevel = true }, ct);

    public Task<IActionResult> OnPostAssessmentAsync(int level, string? note, CancellationToken ct) =>
        Write("Self-assessment recorded.", (leaderId, sender) => new RecordAssessmentCommand(leaderId, Code, level, "self", note) { Sender = sender }, ct);

    /// <summary>Sends the leader's own command about this theme; learning and requests are for the level after the one attained, decided with the command.</summary>
    private async Task<IActionResult> Write(string done, Func<Guid, Sender, LeaderCommand> command, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        Error = await PageCommands.TryAsync(() => bus.InvokeAsync<Answer>(command(leaderId, new Sender(caller, PageCommands.Options(Code))), ct));
        Message = Error is null ? done : null;
        return await Load(ct) ? Page() : NotFound();
    }

    private async Task<IActionResult> Refuse(string error, CancellationToken ct)
    {
        Error = error;
        return await Load(ct) ? Page() : NotFound();
    }

    private async Task<bool> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return false;
        var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        if (!loaded.Scope.ThemeToDomain.ContainsKey(Code)) return false;
        Level = loaded.State.LevelOf(Code);
        using var content = JsonDocument.Parse((await catalog.GetAsync(loaded.State.FrameworkEditionId, ct))!.ToJsonString());
        var theme = content.RootElement.GetProperty("domains").EnumerateArray().SelectMany(d => d.GetProperty("themes").EnumerateArray())
            .Single(t => t.GetProperty("code").GetString() == Code);
        Title = theme.GetProperty("title").GetString()!;
        NextLevel = theme.GetProperty("levels").EnumerateArray()
            .Select(l => new LevelText(l.GetProperty("number").GetInt32(), l.GetProperty("name").GetString()!, l.GetProperty("descriptor").GetString()!, l.GetProperty("considerations").GetString()!))
            .FirstOrDefault(l => l.Number == Level + 1);
        return true;
    }
}
