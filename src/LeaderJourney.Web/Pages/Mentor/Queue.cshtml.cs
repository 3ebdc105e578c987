using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.MentorQueue;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders.SignOffs;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace LeaderJourney.Web.Pages.Mentor;

public sealed record QueueItem(Guid LeaderId, string LeaderName, string ThemeCode, string ThemeTitle, int Level, DateTimeOffset RequestedAt, IReadOnlyList<string> Trainings, IReadOnlyList<string> Evidence);

/// <summary>A mentor's pending requests, oldest first, each with the leader's trainings and evidence for that level; sign off or decline in one step.</summary>
public sealed class QueueModel(MentorQueueQuery queue, LeaderReader reader, StreamCommandBus commands, Core.Frameworks.BrowseFrameworks.FrameworkWords words, Microsoft.Extensions.Localization.IStringLocalizer<Texts> T) : PageModel
{
    public IReadOnlyList<QueueItem> Items { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct);

    public async Task<IActionResult> OnPostSignOffAsync(Guid leaderId, string themeCode, int level, string? text, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
            new SignOffCommand(leaderId, themeCode, level, text) { Sender = new(caller, PageCommands.Options("sign-off")) }, ct));
        Message = Error is null ? T["Signed off {0}, Level {1}.", (await words.LoadAsync(ct)).Of(themeCode), level].Value : null;
        return await Load(ct);
    }

    public async Task<IActionResult> OnPostDeclineAsync(Guid leaderId, string themeCode, int level, string? text, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
            new DeclineSignOffCommand(leaderId, themeCode, level, text) { Sender = new(caller, PageCommands.Options("decline")) }, ct));
        Message = Error is null ? T["Declined the sign-off of {0}, Level {1}.", (await words.LoadAsync(ct)).Of(themeCode), level].Value : null;
        return await Load(ct);
    }

    private async Task<IActionResult> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (caller.Role != Roles.Mentor) return Forbid();
        var items = new List<QueueItem>();
        foreach (var request in await queue.ForMentorAsync(caller, ct) ?? [])
        {
            var loaded = await reader.LoadForCallerAsync(request.LeaderId, caller, ct);
            var leader = loaded.State;
            // The queue is eventually consistent: a request answered a moment ago may still be listed.
            if (!leader.IsPending(request.ThemeCode, request.Level)) continue;
            items.Add(new QueueItem(request.LeaderId, leader.DisplayName, request.ThemeCode, loaded.Scope.TitleOf(request.ThemeCode), request.Level, request.RequestedAt,
                // What was logged is read from the events: the leader's state keeps only what decisions need.
                [.. loaded.Events.Select(e => e.Data).OfType<TrainingCompleted>().Where(t => t.ThemeCode == request.ThemeCode && t.Level == request.Level)
                    .Select(t => $"{t.Title} ({t.CompletedOn:yyyy-MM-dd})")],
                [.. loaded.Events.Select(e => e.Data).OfType<EvidenceAdded>().Where(e => e.ThemeCode == request.ThemeCode && e.Level == request.Level)
                    .Select(e => e.Link ?? e.Note ?? "")]));
        }
        Items = items;
        return Page();
    }
}
