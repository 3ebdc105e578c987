using System.Text;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine;

namespace LeaderJourney.Core.Frameworks;

public static class FrameworkEndpoints
{
    /// <summary>The largest document the import accepts; the real ones are tens of kilobytes.</summary>
    public const int MaxDocumentBytes = 5 * 1024 * 1024;

    public static IEndpointRouteBuilder MapFrameworks(this IEndpointRouteBuilder app)
    {
        // Frameworks are shared by every affiliate: any signed-in user reads them; national admins import.
        var group = app.MapGroup("/api/frameworks").WithTags("Frameworks").RequireAuthorization();

        group.MapGet("/", async (FrameworkCatalog catalog, CancellationToken ct) =>
            Results.Ok((await catalog.ListAsync(ct)).Select(f => new FrameworkListEntry(f.Id, f.Name, f.Edition, f.DomainCount, f.ThemeCount, f.PreviousEditionId))))
            .Produces<IReadOnlyList<FrameworkListEntry>>();

        group.MapGet("/{id}", async (string id, FrameworkCatalog catalog, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var editionId)) return Problems.Validation("id", $"'{id}' is not a framework id (a GUID from GET /api/frameworks).");
            return await catalog.GetAsync(editionId, ct) is { } framework
                ? Results.Json(framework)
                : Results.Problem(title: $"There is no framework edition {editionId}.", statusCode: StatusCodes.Status404NotFound);
        }).Produces<System.Text.Json.Nodes.JsonObject>();

        // The document is the request body, as it is (text/plain); name and edition come in the query.
        group.MapPost("/import", async (HttpRequest request, string? name, string? edition, IMessageBus bus, CancellationToken ct) =>
        {
            // Refused before the body is read: only national admins change the catalog.
            ImportFrameworkHandler.EnsureMayImport(request.HttpContext.CurrentUser());
            var text = await ReadDocument(request, ct);
            return (await bus.InvokeAsync<ImportFrameworkAnswer>(new ImportFrameworkCommand([new FrameworkDocument(text, "the request body")], name, edition)
                { Sender = new Sender(request.HttpContext.CurrentUser(), new WriteOptions(null, null, "import")) }, ct)).Answer;
        }).Produces<ImportFrameworkResponse>().Produces<ImportFrameworkResponse>(StatusCodes.Status201Created);

        return app;
    }

    private static async Task<string> ReadDocument(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxDocumentBytes)
            throw new RequestValidationException("body", $"The document is larger than {MaxDocumentBytes / 1024 / 1024} MB.");
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
                throw new RequestValidationException("body", $"The document is larger than {MaxDocumentBytes / 1024 / 1024} MB.");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw new RequestValidationException("body", "Send the framework document as the request body (text/plain).");
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary>A national admin (or the command line's operator) imports framework documents into the catalog: a new framework, or a new edition of one.</summary>
public sealed record ImportFrameworkCommand(IReadOnlyList<FrameworkDocument> Documents, string? Name, string? Edition) : Command
{
    protected override string Describe() => $"{nameof(ImportFrameworkCommand)} {Name} {Edition}";
}

/// <summary>What an import decided (for the command line's report) and its HTTP answer.</summary>
public sealed record ImportFrameworkAnswer(ImportFrameworkResult Result, Answer Answer);

public static class ImportFrameworkHandler
{
    public static async Task<ImportFrameworkAnswer> Handle(ImportFrameworkCommand command, FrameworkImporter importer, TimeProvider clock, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        EnsureMayImport(caller);
        var result = await importer.ImportAsync(
            new ImportFrameworkRequest(command.Documents, command.Name, command.Edition, caller.IsOperator ? caller.Username : caller.UserId.ToString(), clock.GetUtcNow()), ct);
        var body = ImportFrameworkResponse.From(result);
        return new ImportFrameworkAnswer(result,
            result.Published ? new Answer(StatusCodes.Status201Created, body, $"/api/frameworks/{result.EditionId}") : new Answer(StatusCodes.Status200OK, body));
    }

    /// <summary>The catalog is shared by every affiliate (and names the default framework), so only national admins change it.</summary>
    public static void EnsureMayImport(CurrentUser caller)
    {
        if (!caller.IsNationalAdmin) throw new ForbiddenException("Only national admins import frameworks.");
    }
}

/// <summary>What an import answers: the edition, and for a revision what changed against the previous edition.</summary>
public sealed record ImportFrameworkResponse(
    Guid Id, Guid FrameworkId, string Name, string Edition, bool Published, int DomainCount, int ThemeCount,
    Guid? PreviousEditionId, string? PreviousEdition, EditionChanges? Changes)
{
    public static ImportFrameworkResponse From(ImportFrameworkResult r) => new(r.EditionId, r.FrameworkId, r.Name, r.Edition, r.Published,
        r.DomainCount, r.ThemeCount, r.PreviousEditionId, r.PreviousEdition, r.Mapping is null ? null : EditionChanges.From(r.Mapping));
}

public sealed record ThemeChangeEntry(string From, string To, string FromTitle, string ToTitle, string Change, IReadOnlyList<int> ChangedLevels);
public sealed record ThemeEntry(string Code, string Title);

public sealed record EditionChanges(
    IReadOnlyList<ThemeChangeEntry> Mapped, IReadOnlyList<ThemeEntry> Added, IReadOnlyList<ThemeEntry> Removed,
    IReadOnlyList<string> AddedDomains, IReadOnlyList<string> RemovedDomains)
{
    public static EditionChanges From(Domain.Frameworks.EditionMapping m) => new(
        m.Matches.Select(x => new ThemeChangeEntry(x.EarlierCode, x.LaterCode, x.EarlierTitle, x.LaterTitle, FrameworkCatalogProjection.ChangeName(x.Change), x.ChangedLevels)).ToArray(),
        m.AddedThemes.Select(t => new ThemeEntry(t.Code, t.Title)).ToArray(),
        m.RemovedThemes.Select(t => new ThemeEntry(t.Code, t.Title)).ToArray(),
        m.AddedDomains.Select(d => $"{d.Code} {d.Name}").ToArray(),
        m.RemovedDomains.Select(d => $"{d.Code} {d.Name}").ToArray());
}

/// <summary>One framework edition in the catalog (GET /api/frameworks); the whole edition is at GET /api/frameworks/{id}.</summary>
public sealed record FrameworkListEntry(Guid Id, string Name, string Edition, int DomainCount, int ThemeCount, Guid? PreviousEditionId);
