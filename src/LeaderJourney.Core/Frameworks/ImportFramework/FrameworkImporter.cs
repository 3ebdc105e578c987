using LeaderJourney.Domain;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.EventStore;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Frameworks.ImportFramework;

/// <summary>One framework document: its text and a name for it in messages (e.g. its file name).</summary>
public sealed record FrameworkDocument(string Text, string SourceName);

/// <param name="Documents">One document, or several that each hold some domains of the same edition.</param>
/// <param name="Name">The framework's name; when null, the name the document states.</param>
/// <param name="Edition">The edition label; when null, the date of the import (yyyy-MM-dd).</param>
public sealed record ImportFrameworkRequest(IReadOnlyList<FrameworkDocument> Documents, string? Name, string? Edition, string Actor, DateTimeOffset Now);

/// <param name="Published">False when this exact edition was already published (the import changed nothing).</param>
/// <param name="Mapping">How the themes continue the previous edition's; null for a first edition.</param>
public sealed record ImportFrameworkResult(
    Guid FrameworkId, Guid EditionId, string Name, string Edition, bool Published, int DomainCount, int ThemeCount,
    Guid? PreviousEditionId, string? PreviousEdition, EditionMapping? Mapping);

/// <summary>
/// Parses framework documents and publishes them as an edition of the framework's stream, the catalog
/// rows written in the same transaction (<see cref="FrameworkCatalogProjection"/>, inline). Nothing is stored from a document that fails to parse.
/// </summary>
public sealed class FrameworkImporter(Store store)
{
    public const string StreamType = "framework";

    public async Task<ImportFrameworkResult> ImportAsync(ImportFrameworkRequest request, CancellationToken ct = default)
    {
        if (request.Documents.Count == 0) throw new DomainRuleException("Give at least one framework document.");
        var parts = request.Documents.Select(d => FrameworkDocumentParser.Parse(d.Text, d.SourceName)).ToArray();
        var name = request.Name ?? parts.Select(p => p.Name).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n))
            ?? throw new DomainRuleException("The document does not state the framework's name; give one (--name, or ?name= on the API).");
        Framework content;
        try
        {
            content = parts.Length == 1 ? parts[0] : Framework.Merge(name, parts);
        }
        catch (ArgumentException e)
        {
            throw new DomainRuleException($"These documents do not make one edition: {e.Message.Split(" (Parameter", 2)[0]}");
        }
        var command = new PublishEdition(name, request.Edition ?? request.Now.ToString("yyyy-MM-dd"), content,
            string.Join(", ", request.Documents.Select(d => d.SourceName)), request.Actor, request.Now);

        // Two imports of the same framework at once: each holds the framework's id from before it reads
        // the lineage until it commits, so the second decides on what the first published.
        var streamId = FrameworkLineage.StreamIdFor(name);
        await using var session = store.OpenWriteSession(AppendMetadata.DefaultTenant, new AppendMetadata { UserName = request.Actor });
        await store.LockStreamIdAsync(session, streamId, ct);
        var history = await store.ReadStreamAsync(streamId, ct: ct, within: session);
        var lineage = history.Aggregate(FrameworkLineage.Empty, (state, e) => FrameworkLineage.Evolve(state, e.Data));
        var events = FrameworkLineage.Decide(command, lineage, Guid.CreateVersion7);
        if (events.Count == 0)
            return Result(streamId, lineage.Editions.Single(e => string.Equals(e.Edition, command.Edition.Trim(), StringComparison.OrdinalIgnoreCase)), lineage, published: false);

        if (history.Count == 0) store.StartStream(session, streamId, StreamType, events);
        else store.Append(session, streamId, history[^1].Version, events);
        await store.SaveAsync(session, ct);
        var after = events.Aggregate(lineage, FrameworkLineage.Evolve);
        return Result(streamId, after.Latest!, after, published: true, events[0] as FrameworkRevisionPublished);
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
