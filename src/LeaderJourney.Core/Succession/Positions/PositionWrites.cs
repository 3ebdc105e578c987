using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Succession;
using LeaderJourney.EventStore;
using Microsoft.AspNetCore.Http;

namespace LeaderJourney.Core.Succession.Positions;

public sealed record RequirementInput(string? DomainCode, string? ThemeCode, int? Level);

/// <summary>Writes to position streams, for the handlers of the position commands: defining a position, and deciding any command on one.</summary>
public sealed class PositionWrites(StreamCommandPipeline pipeline, LeaderReader leaders, FrameworkCatalog catalog, FrameworkScopes scopes)
{
    public const string StreamType = "position";

    public DateTimeOffset Now => pipeline.Now;

    public async Task<Answer> DefineAsync(Guid id, CurrentUser caller, string? affiliate, string? title, bool key, IReadOnlyList<RequirementInput?> requirements,
        string? incumbentLeaderId, string? termEndsOn, WriteOptions options, int attempt, CancellationToken ct)
    {
        if (!caller.IsAdmin) throw new ForbiddenException("Only admins manage positions.");
        var code = LeaderInput.Required(affiliate, "affiliate", 16);
        if (!caller.CanSee(code)) throw new ForbiddenException("An affiliate admin defines positions of their own affiliate only.");
        var name = LeaderInput.Required(title, "title", 200);
        var checkedRequirements = await Requirements(requirements, ct);
        var termEnd = Date(termEndsOn, "termEndsOn");
        Guid? incumbent = incumbentLeaderId is { } raw ? await VisibleLeaderAsync(raw, "incumbentLeaderId", code, caller, leaders, ct) : null;
        return await pipeline.RunAsync(id, caller, options, history =>
        {
            if (history.Count > 0) throw new DuplicateException($"Position {id} already exists.");
            var events = PositionDecider.Decide(new DefinePosition(id, code, name, key, checkedRequirements, incumbent, termEnd, caller.ToActor(), pipeline.Now), Position.Initial);
            return Task.FromResult(new StreamDecision(0, StreamType, code, events, new Answer(StatusCodes.Status201Created, new CreatedBody(id), $"/api/positions/{id}")));
        }, attempt, ct);
    }

    /// <summary>Folds the position (another affiliate's is not found), decides the command on it and appends, on Wolverine's attempt at the message.</summary>
    public Task<Answer> DecideAsync(PositionCommand message, Wolverine.Envelope envelope, Func<Position, Task<object>> command, CancellationToken ct)
    {
        var id = message.PositionId;
        var caller = message.Sender.Caller;
        return pipeline.RunAsync(id, caller, message.Sender.Options, async history =>
        {
            // A stream that does not start with a position's definition (a leader's, say) is no position.
            if (history.Count > 0 && history[0].Data is not PositionDefined) throw new NotFoundException($"There is no position {id}.");
            var position = history.Aggregate(Position.Initial, (p, e) => Position.Evolve(p, e.Data));
            if (!position.IsDefined || !caller.CanSee(position.Affiliate)) throw new NotFoundException($"There is no position {id}.");
            var events = PositionDecider.Decide(await command(position), position);
            var after = events.Aggregate(position, Position.Evolve);
            return new StreamDecision(position.Version, StreamType, position.Affiliate, events, new Answer(StatusCodes.Status200OK, new VersionBody(after.Version)));
        }, envelope.Attempts, ct);
    }

    public static async Task<Guid> VisibleLeaderAsync(string? raw, string field, string affiliate, CurrentUser caller, LeaderReader leaders, CancellationToken ct)
    {
        var id = LeaderInput.Id(raw ?? "", field);
        try
        {
            var loaded = await leaders.LoadForCallerAsync(id, caller, ct);
            if (loaded.State.Affiliate != affiliate) throw new RequestValidationException(field, $"Leader {id} is not of affiliate {affiliate}.");
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
        foreach (var edition in await catalog.ListAsync(ct))
            if (await scopes.FindAsync(edition.Id, ct) is { } scope)
                foreach (var (theme, domain) in scope.ThemeToDomain) { themes.Add(theme); domains.Add(domain); }
        var list = new List<Requirement>();
        foreach (var (r, i) in input.Select((r, i) => (r, i)))
        {
            var field = $"requirements[{i}]";
            if (r is null || (r.DomainCode is null) == (r.ThemeCode is null))
                throw new RequestValidationException(field, "A requirement names either a domainCode or a themeCode, and a level.");
            if (r.ThemeCode is { } t && !themes.Contains(t)) throw new RequestValidationException(field, $"'{t}' is not a theme code of any framework in the catalog.");
            if (r.DomainCode is { } d && !domains.Contains(d)) throw new RequestValidationException(field, $"'{d}' is not a domain code; known: {string.Join(", ", domains.Order())}.");
            if (r.Level is not (>= 1 and <= 3)) throw new RequestValidationException(field, "level is a whole number from 1 to 3.");
            list.Add(new Requirement(r.DomainCode, r.ThemeCode, r.Level!.Value));
        }
        return list;
    }
}
