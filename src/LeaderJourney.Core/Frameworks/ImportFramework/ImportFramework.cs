using System.Text;
using JasperFx.Events;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Storage;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine;
using Wolverine.Marten;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;
using Wolverine.Runtime.Handlers;

namespace LeaderJourney.Core.Frameworks.ImportFramework;

/// <summary>One framework document: its text and a name for it in messages (e.g. its file name).</summary>
public sealed record FrameworkDocument(string Text, string SourceName);

/// <summary>
/// A national admin (or the command line's operator, or the built-in catalog at start-up) publishes
/// framework documents as an edition of a framework: a new framework, or a new edition of one. The
/// documents are parsed where they are read (<see cref="Parse"/>): one that does not parse is never
/// sent, and the framework's stream (named after the framework) is known before it is loaded.
/// </summary>
public sealed record ImportFrameworkCommand(string Name, string Edition, Framework Content, string Sources) : Command
{
    /// <summary>The framework's stream, which Wolverine loads for the handler: the same name always gives the same stream.</summary>
    [JasperFx.Identity]
    public Guid FrameworkId => FrameworkLineage.StreamIdFor(Name);

    /// <param name="documents">One document, or several that each hold some domains of the same edition.</param>
    /// <param name="name">The framework's name; when null, the name the document states.</param>
    /// <param name="edition">The edition label; when null, the date of the import (yyyy-MM-dd).</param>
    public static ImportFrameworkCommand Parse(IReadOnlyList<FrameworkDocument> documents, string? name, string? edition, DateTimeOffset now, Sender sender)
    {
        if (documents.Count == 0) throw new DomainRuleException("Give at least one framework document.");
        // A name or label that PostgreSQL could not store in an event is refused here, naming its field.
        if (name is not null) LeaderInput.NoControlCharacters(name, "name");
        if (edition is not null) LeaderInput.NoControlCharacters(edition, "edition");
        var parts = documents.Select(d => FrameworkDocumentParser.Parse(d.Text, d.SourceName)).ToArray();
        var resolved = name ?? parts.Select(p => p.Name).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n))
            ?? throw new DomainRuleException("The document does not state the framework's name; give one (--name, or ?name= on the API).");
        Framework content;
        try
        {
            content = parts.Length == 1 ? parts[0] : Framework.Merge(resolved, parts);
        }
        catch (ArgumentException e)
        {
            throw new DomainRuleException($"These documents do not make one edition: {e.Message.Split(" (Parameter", 2)[0]}");
        }
        return new ImportFrameworkCommand(resolved, edition ?? now.ToString("yyyy-MM-dd"), content, string.Join(", ", documents.Select(d => d.SourceName))) { Sender = sender };
    }

    protected override string Describe() => $"{nameof(ImportFrameworkCommand)} {Name} {Edition}";
}

/// <param name="Published">False when this exact edition was already published (the import changed nothing).</param>
/// <param name="Mapping">How the themes continue the previous edition's; null for a first edition.</param>
public sealed record ImportFrameworkResult(
    Guid FrameworkId, Guid EditionId, string Name, string Edition, bool Published, int DomainCount, int ThemeCount,
    Guid? PreviousEditionId, string? PreviousEdition, EditionMapping? Mapping);

/// <summary>What an import decided (for the command line's report) and its HTTP answer.</summary>
public sealed record ImportFrameworkAnswer(ImportFrameworkResult Result, Answer Answer);

/// <summary>A framework's stream as the import decides on it: its editions in publication order.</summary>
public sealed record FrameworkEditions(Guid Id, FrameworkLineage Lineage);

/// <summary>
/// How Marten folds a framework's stream for the import (<c>FetchForExclusiveWriting</c>, under
/// Wolverine's aggregate handler workflow): live, with the domain's own <see cref="FrameworkLineage.Evolve"/>.
/// A framework has a few editions; the catalog's rows are the read model (<see cref="FrameworkCatalogProjection"/>).
/// (Marten cannot fold into <see cref="FrameworkLineage"/> itself: it takes a one-argument constructor for a way to create it from an event.)
/// </summary>
public sealed class FrameworkEditionsAggregation : SingleStreamProjection<FrameworkEditions, Guid>
{
    public override FrameworkEditions? Evolve(FrameworkEditions? snapshot, Guid id, IEvent e) =>
        new(id, FrameworkLineage.Evolve(snapshot?.Lineage ?? FrameworkLineage.Empty, e.Data));

    public static void Register(StoreOptions marten) =>
        marten.Projections.Add(new FrameworkEditionsAggregation(), JasperFx.Events.Projections.ProjectionLifecycle.Live);
}

/// <summary>
/// Publishing an edition, on Wolverine's aggregate handler workflow: Wolverine loads the framework's
/// stream holding its row, in the default tenant's session (frameworks are shared by every affiliate),
/// and the events commit with the catalog's rows (<see cref="FrameworkCatalogProjection"/>, inline).
/// Two first imports of one framework both start its stream: the one that loses is handled once more,
/// and then decides on what the other published.
/// </summary>
public static class ImportFrameworkHandler
{
    public const string StreamType = "framework";

    public static void Configure(HandlerChain chain) => StreamCommandBus.RetryLostStart(chain);

    /// <summary>Refused before the framework's stream is loaded.</summary>
    public static void Before(ImportFrameworkCommand command) => EnsureMayImport(command.Sender.Caller);

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static ImportFrameworkAnswer Handle(ImportFrameworkCommand command, IEventStream<FrameworkEditions> stream, IDocumentSession session, Store store,
        IdempotentAnswers answers, TimeProvider clock)
    {
        if (session.TenantId != AppendMetadata.DefaultTenant) throw new InvalidOperationException($"A framework was to be imported in a session of {session.TenantId}.");
        var actor = command.Sender.Caller.ActorName;
        var lineage = stream.Aggregate?.Lineage ?? FrameworkLineage.Empty;
        var events = FrameworkLineage.Decide(new PublishEdition(command.Name, command.Edition, command.Content, command.Sources, actor, clock.GetUtcNow()), lineage, Guid.CreateVersion7);
        if (events.Count == 0)
            return Answer(Result(stream.Id, lineage.Editions.Single(e => string.Equals(e.Edition, command.Edition.Trim(), StringComparison.OrdinalIgnoreCase)), lineage, published: false));

        if (stream.StartingVersion is not > 0) store.DeclareNewStream(session, stream.Id, StreamType);
        var after = events.Aggregate(lineage, FrameworkLineage.Evolve);
        var answer = Answer(Result(stream.Id, after.Latest!, after, published: true, events[0] as FrameworkRevisionPublished));
        answers.Append(session, command.Sender, stream, events, answer.Answer);
        return answer;
    }

    /// <summary>The catalog is shared by every affiliate (and names the default framework), so only national admins change it.</summary>
    public static void EnsureMayImport(CurrentUser caller)
    {
        if (!caller.IsNationalAdmin) throw new ForbiddenException("Only national admins import frameworks.");
    }

    private static ImportFrameworkAnswer Answer(ImportFrameworkResult result)
    {
        var body = ImportFrameworkResponse.From(result);
        return new ImportFrameworkAnswer(result,
            result.Published ? new Answer(StatusCodes.Status201Created, body, $"/api/frameworks/{result.EditionId}") : new Answer(StatusCodes.Status200OK, body));
    }

    private static ImportFrameworkResult Result(Guid frameworkId, PublishedEdition edition, FrameworkLineage lineage, bool published, FrameworkRevisionPublished? revision = null)
    {
        var index = lineage.Editions.ToList().IndexOf(edition);
        var previous = index > 0 ? lineage.Editions[index - 1] : null;
        return new ImportFrameworkResult(frameworkId, edition.EditionId, edition.Content.Name ?? "", edition.Edition, published,
            edition.Content.Domains.Count, edition.Content.Domains.Sum(d => d.Themes.Count), previous?.EditionId, previous?.Edition,
            revision?.Mapping ?? (previous is null ? null : EditionMapper.Map(previous.Content, edition.Content)));
    }
}

/// <summary>POST /api/frameworks/import: the document is the request body, as it is (text/plain); name and edition come in the query.</summary>
public static class ImportFrameworkEndpoint
{
    /// <summary>The largest document the import accepts; the real ones are tens of kilobytes.</summary>
    public const int MaxDocumentBytes = 5 * 1024 * 1024;

    public static void MapImportFramework(this RouteGroupBuilder frameworks) =>
        frameworks.MapPost("/import", async (HttpRequest request, string? name, string? edition, IMessageBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            // Refused before the body is read: only national admins change the catalog.
            var caller = request.HttpContext.CurrentUser();
            ImportFrameworkHandler.EnsureMayImport(caller);
            var text = await ReadDocument(request, ct);
            var command = ImportFrameworkCommand.Parse([new FrameworkDocument(text, "the request body")], name, edition, clock.GetUtcNow(),
                new Sender(caller, new WriteOptions(null, null, "import")));
            return (await bus.InvokeAsync<ImportFrameworkAnswer>(command, ct)).Answer;
        }).Produces<ImportFrameworkResponse>().Produces<ImportFrameworkResponse>(StatusCodes.Status201Created);

    private static async Task<string> ReadDocument(HttpRequest request, CancellationToken ct)
    {
        var tooLarge = new RequestValidationException("body", $"The document is larger than {MaxDocumentBytes / 1024 / 1024} MB.");
        if (request.ContentLength > MaxDocumentBytes) throw tooLarge;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes) throw tooLarge;
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw new RequestValidationException("body", "Send the framework document as the request body (text/plain).");
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
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
    public static EditionChanges From(EditionMapping m) => new(
        m.Matches.Select(x => new ThemeChangeEntry(x.EarlierCode, x.LaterCode, x.EarlierTitle, x.LaterTitle, FrameworkCatalogProjection.ChangeName(x.Change), x.ChangedLevels)).ToArray(),
        m.AddedThemes.Select(t => new ThemeEntry(t.Code, t.Title)).ToArray(),
        m.RemovedThemes.Select(t => new ThemeEntry(t.Code, t.Title)).ToArray(),
        m.AddedDomains.Select(d => $"{d.Code} {d.Name}").ToArray(),
        m.RemovedDomains.Select(d => $"{d.Code} {d.Name}").ToArray());
}
