using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Journey;

public sealed record LevelText(int Number, string Name, string Descriptor, string Considerations);

/// <summary>One theme of the leader's framework: what its next level asks for, and the leader's own steps towards it.</summary>
public sealed class ThemeModel(LeaderReader reader, FrameworkCatalog catalog, LeaderCommandPipeline pipeline) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Code { get; set; } = "";
    public string Title { get; private set; } = "";
    public int Level { get; private set; }
    public LevelText? NextLevel { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostRequestAsync(CancellationToken ct) =>
        Write("Your sign-off request is in your mentors' queue.", (_, next) => new RequestSignOff(Code, next, Actor(), pipeline.Now), ct);

    public Task<IActionResult> OnPostTrainingAsync(string? title, DateOnly? completedOn, decimal? hours, CancellationToken ct) =>
        Write("Training added.", (_, next) => new RecordTraining(Guid.CreateVersion7(), LeaderInput.Required(title, "title", LeaderInput.MaxTitleLength), Code, next, hours,
            completedOn is { } on && on <= DateOnly.FromDateTime(pipeline.Now.UtcDateTime) ? on : throw new Core.Http.RequestValidationException("completedOn", "Give the date you completed it (not in the future)."),
            Actor(), pipeline.Now), ct);

    public Task<IActionResult> OnPostEvidenceAsync(string? link, string? note, CancellationToken ct) =>
        Write("Evidence added.", (_, next) => new AddEvidence(Guid.CreateVersion7(), Code, next, LeaderInput.Link(link), LeaderInput.Optional(note, "note", LeaderInput.MaxNoteLength), Actor(), pipeline.Now), ct);

    public Task<IActionResult> OnPostAssessmentAsync(int level, string? note, CancellationToken ct) =>
        Write("Self-assessment recorded.", (scope, _) =>
        {
            scope.ValidateLevel(level);
            return new RecordAssessment(Guid.CreateVersion7(), Code, level, AssessmentKind.Self, LeaderInput.Optional(note, "note", LeaderInput.MaxNoteLength), Actor(), pipeline.Now);
        }, ct);

    private Actor Actor() => BearerTokenHandler.CurrentUserOf(User).ToActor();

    private async Task<IActionResult> Write(string done, Func<FrameworkScope, int, object> command, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.LeaderId is not { } leaderId) return Forbid();
        Error = await PageCommands.TryAsync(() => pipeline.ExecuteAsync(leaderId, caller, PageCommands.Options(Code), (leader, scope) =>
        {
            scope.ValidateTheme(Code);
            return command(scope, Math.Min(leader.LevelOf(Code) + 1, scope.MaxLevel));
        }, _ => new Core.Http.Answer(200, new { }), ct));
        Message = Error is null ? done : null;
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
