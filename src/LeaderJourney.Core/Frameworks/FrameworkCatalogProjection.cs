using JasperFx.Events;
using LeaderJourney.Domain.Frameworks;
using Marten;

namespace LeaderJourney.Core.Frameworks;

/// <summary>
/// Keeps the catalog tables (framework_editions, framework_theme_map) in step with the framework
/// streams. A Marten inline projection: its rows are written in the transaction that appends the
/// events, so the catalog never shows an edition that is not stored, nor misses one that is. Everything
/// it writes comes from the events. It has one generation (the catalog's tables are the core schema's).
/// </summary>
public sealed class FrameworkCatalogProjection(string schema) : Marten.Events.Projections.IProjection
{
    public const string ProjectionName = "framework-catalog";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case FrameworkEditionPublished p:
                    InsertEdition(operations, p.FrameworkId, p.EditionId, p.Name, p.Edition, null, p.Content, p.Source, p.PublishedBy, p.PublishedAt);
                    break;
                case FrameworkRevisionPublished p:
                    InsertEdition(operations, p.FrameworkId, p.EditionId, p.Name, p.Edition, p.PreviousEditionId, p.Content, p.Source, p.PublishedBy, p.PublishedAt);
                    InsertThemeMap(operations, p);
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private void InsertEdition(IDocumentOperations operations, Guid frameworkId, Guid editionId, string name,
        string edition, Guid? previous, Framework content, string? source, string publishedBy, DateTimeOffset publishedAt) =>
        operations.QueueSqlCommand('?', $"""
            insert into {schema}.framework_editions
                (edition_id, framework_id, name, edition, previous_edition_id, content, domain_count, theme_count, source, published_by, published_at)
            values (?, ?, ?, ?, ?::uuid, ?::jsonb, ?, ?, ?::text, ?, ?)
            """, editionId, frameworkId, name, edition, previous!, FrameworkJson.Serialize(content), content.Domains.Count,
            content.Domains.Sum(d => d.Themes.Count), source!, publishedBy, publishedAt);

    private void InsertThemeMap(IDocumentOperations operations, FrameworkRevisionPublished e)
    {
        if (e.Mapping.Matches.Count == 0) return;
        operations.QueueSqlCommand('?', $"""
            insert into {schema}.framework_theme_map (from_edition_id, from_code, to_edition_id, to_code, change)
            select ?, m.from_code, ?, m.to_code, m.change from unnest(?::text[], ?::text[], ?::text[]) as m(from_code, to_code, change)
            """, e.PreviousEditionId, e.EditionId, e.Mapping.Matches.Select(m => m.EarlierCode).ToArray(),
            e.Mapping.Matches.Select(m => m.LaterCode).ToArray(), e.Mapping.Matches.Select(m => ChangeName(m.Change)).ToArray());
    }

    /// <summary>"unchanged", "renamed", "reworded" or "renamed, reworded".</summary>
    public static string ChangeName(ThemeChange change) => change == ThemeChange.Unchanged
        ? "unchanged"
        : string.Join(", ", Enum.GetValues<ThemeChange>().Where(c => c != ThemeChange.Unchanged && change.HasFlag(c)).Select(c => c.ToString().ToLowerInvariant()));
}
