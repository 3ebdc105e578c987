using JasperFx.Events;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Succession;
using Marten;
using Microsoft.AspNetCore.Http;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Succession.Positions;

public sealed record RequirementInput(string? DomainCode, string? ThemeCode, int? Level);

/// <summary>
/// Decides the position commands, for their handlers on Wolverine's aggregate handler workflow: Wolverine
/// has loaded the position's stream (Marten's <c>FetchForExclusiveWriting</c>, folded by
/// <see cref="PositionAggregation"/>) in the session of the message's affiliate, holding the stream's row
/// until its transaction ends, so concurrent commands on one position queue instead of conflicting; the
/// events appended here, and the answer kept under the Idempotency-Key, commit in that transaction.
/// </summary>
public sealed class PositionWrites(IdempotentAnswers answers, FrameworkCatalog catalog, FrameworkScopes scopes, Store store, TimeProvider clock)
{
    public const string StreamType = "position";

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Defines a new position in the affiliate its command names (<see cref="DefinePositionCommand.Affiliation"/>).</summary>
    public async Task<Answer> DefineAsync(DefinePositionCommand command, IReadOnlyList<RequirementInput?> requirements, IEventStream<Position> stream, IDocumentSession session,
        LeaderReader leaders, CancellationToken ct, Func<string, CancellationToken, Task>? refuseTitle = null)
    {
        var caller = command.Sender.Caller;
        var code = command.Affiliation();
        if (!caller.CanSee(code)) throw new ForbiddenException("An affiliate admin defines positions of their own affiliate only.");
        // The message was sent for the affiliate named (StreamCommandBus): the stream starts there.
        if (session.TenantId != code) throw new InvalidOperationException($"A position of {code} was to be defined in a session of {session.TenantId}.");
        var name = LeaderInput.Required(command.Title, "title", 200);
        var checkedRequirements = await Requirements(requirements, ct);
        var termEnd = Date(command.TermEndsOn, "termEndsOn");
        Guid? incumbent = command.IncumbentLeaderId is { } raw ? await VisibleLeaderAsync(raw, "incumbentLeaderId", code, caller, leaders, session, ct) : null;
        // The turn comes before the look for a kept answer: a repeat of a definition that asked then finds that answer, not the position it made.
        if (refuseTitle is not null) await Engine.AffiliateTurn.TakeAsync(session, "position-title", code, ct);
        if (await answers.FindAsync(command.Sender, ct, session) is { } kept) return kept;
        if (stream.StartingVersion > 0) throw new DuplicateException($"Position {stream.Id} already exists.");
        CheckIfMatch(command, stream);
        if (refuseTitle is not null) await refuseTitle(name, ct);
        var events = PositionDecider.Decide(new DefinePosition(stream.Id, code, name, command.Key ?? true, checkedRequirements, incumbent, termEnd, caller.ToActor(), Now), Position.Initial);
        store.DeclareNewStream(session, stream.Id, StreamType);
        return answers.Append(session, command.Sender, stream, events, new Answer(StatusCodes.Status201Created, new CreatedBody(stream.Id), $"/api/positions/{stream.Id}"));
    }

    /// <summary>Decides a command on the loaded position (another affiliate's, or another kind of stream, is not found) and appends its events.</summary>
    public async Task<Answer> DecideAsync(PositionCommand message, IEventStream<Position> stream, IDocumentSession session, Func<Position, Task<object>> command)
    {
        // A repeat of this request may have committed while this one waited for the stream's row.
        if (await answers.FindAsync(message.Sender, stream.Cancellation, session) is { } kept) return kept;
        if (stream.Aggregate is not { IsDefined: true } position || !message.Sender.Caller.CanSee(position.Affiliate))
            throw new NotFoundException($"There is no position {stream.Id}.");
        CheckIfMatch(message, stream);
        var events = PositionDecider.Decide(await command(position), position);
        return answers.Append(session, message.Sender, stream, events, new Answer(StatusCodes.Status200OK, new VersionBody((stream.StartingVersion ?? 0) + events.Count)));
    }

    /// <summary>Replaces a position's requirements with those sent, checked as a definition's are; the same ones again record nothing.</summary>
    public async Task<Answer> ChangeRequirementsAsync(ChangeRequirementsCommand command, IEventStream<Position> stream, IDocumentSession session, CancellationToken ct)
    {
        if (command.Requirements is null) throw new RequestValidationException("requirements", "Send the position's requirements, all of them ([] for none).");
        var requirements = await Requirements([.. command.Requirements.Select(r => r is null ? null : new RequirementInput(r.DomainCode, r.ThemeCode, r.Level))], ct);
        return await DecideAsync(command, stream, session, _ => Task.FromResult<object>(new ChangeRequirements(requirements, command.Sender.Caller.ToActor(), Now)));
    }

    private static void CheckIfMatch(PositionCommand message, IEventStream<Position> stream) => message.Sender.CheckIfMatch(stream.Id, stream.StartingVersion);

    /// <summary>The leader a position command names, if the caller may see them and they are of the position's affiliate; read through the command's session (it holds the position's row, and writers queued behind it hold pooled connections).</summary>
    /// <param name="onTheirWay">Refuses a leader withdrawn from the programme (a nomination is for someone on their way; reactivate them first).</param>
    public static async Task<Guid> VisibleLeaderAsync(string? raw, string field, string affiliate, CurrentUser caller, LeaderReader leaders, IDocumentSession session, CancellationToken ct,
        bool onTheirWay = false)
    {
        var id = LeaderInput.Id(raw ?? "", field);
        try
        {
            var loaded = await leaders.LoadForCallerAsync(id, caller, ct, within: session);
            if (loaded.State.Affiliate != affiliate) throw new RequestValidationException(field, $"Leader {id} is not of affiliate {affiliate}.");
            // An erased record has no person to put forward (the board would read "Erased leader" on a slate).
            if (onTheirWay && loaded.State.Erased)
                throw new RequestValidationException(field, $"Leader {id}'s personal data was erased; an erased record is nominated to nothing.");
            if (onTheirWay && loaded.State.Status == Domain.Leaders.LeaderStatus.Withdrawn)
                throw new RequestValidationException(field, $"Leader {id} is withdrawn from the programme; reactivate them before nominating them.");
        }
        catch (NotFoundException)
        {
            throw new RequestValidationException(field, $"There is no leader {id}.");
        }
        return id;
    }

    public static DateOnly? Date(string? raw, string field) =>
        string.IsNullOrWhiteSpace(raw) ? null
        : DateOnly.TryParseExact(raw, "yyyy-MM-dd", out var date) ? date
        : throw new RequestValidationException(field, $"{field} is a date as yyyy-MM-dd.");

    /// <summary>Requirements name a domain or a theme of a framework in the catalog, at a level from 1 to 3.</summary>
    private async Task<IReadOnlyList<Requirement>> Requirements(IReadOnlyList<RequirementInput?> input, CancellationToken ct)
    {
        var themes = new HashSet<string>(StringComparer.Ordinal);
        var domains = new HashSet<string>(StringComparer.Ordinal);
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var edition in await catalog.ListAsync(ct))
            if (await scopes.FindAsync(edition.Id, ct) is { } scope)
            {
                foreach (var (theme, domain) in scope.ThemeToDomain) { themes.Add(theme); domains.Add(domain); }
                foreach (var (code, title) in scope.Titles) titles.TryAdd(code, title);
            }
        var list = new List<Requirement>();
        foreach (var (r, i) in input.Select((r, i) => (r, i)))
        {
            var field = $"requirements[{i}]";
            if (r is null || (r.DomainCode is null) == (r.ThemeCode is null))
                throw new RequestValidationException(field, "A requirement names either a domainCode or a themeCode, and a level.");
            if (r.ThemeCode is { } t && !themes.Contains(t)) throw new RequestValidationException(field, $"'{t}' is not a theme code of any framework in the catalog.");
            if (r.DomainCode is { } d && !domains.Contains(d)) throw new RequestValidationException(field, $"'{d}' is not a domain code; known: {string.Join(", ", domains.Order())}.");
            if (r.Level is not (>= 1 and <= 3)) throw new RequestValidationException(field, "level is a whole number from 1 to 3.");
            // Said here by its title, as the staff's form lists it; the decider's own refusal can only name the code.
            if (list.Any(named => named.ThemeCode == r.ThemeCode && named.DomainCode == r.DomainCode))
                throw new RequestValidationException(field, r.ThemeCode is { } twice
                    ? $"The theme “{titles.GetValueOrDefault(twice, twice)}” ({twice}) is required more than once; list each theme once."
                    : $"The domain “{titles.GetValueOrDefault(r.DomainCode!, r.DomainCode!)}” ({r.DomainCode}) is required more than once; list each domain once.");
            list.Add(new Requirement(r.DomainCode, r.ThemeCode, r.Level!.Value));
        }
        return list;
    }
}
