using LeaderJourney.Domain.Frameworks;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Core.Frameworks;

/// <summary>
/// Keeps the catalog tables (framework_editions, framework_theme_map) in step with the framework
/// streams. It runs inline: its rows are written in the transaction that appends the events, so the
/// catalog never shows an edition that is not stored, nor misses one that is. Everything it writes
/// comes from the events.
/// </summary>
public sealed class FrameworkCatalogProjection(string schema)
{
    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, object @event, CancellationToken ct)
    {
        switch (@event)
        {
            case FrameworkEditionPublished e:
                await InsertEdition(connection, transaction, e.FrameworkId, e.EditionId, e.Name, e.Edition, null, e.Content, e.Source, e.PublishedBy, e.PublishedAt, ct);
                break;
            case FrameworkRevisionPublished e:
                await InsertEdition(connection, transaction, e.FrameworkId, e.EditionId, e.Name, e.Edition, e.PreviousEditionId, e.Content, e.Source, e.PublishedBy, e.PublishedAt, ct);
                await InsertThemeMap(connection, transaction, e, ct);
                break;
        }
    }

    private async Task InsertEdition(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid frameworkId, Guid editionId, string name,
        string edition, Guid? previous, Framework content, string? source, string publishedBy, DateTimeOffset publishedAt, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            insert into {schema}.framework_editions
                (edition_id, framework_id, name, edition, previous_edition_id, content, domain_count, theme_count, source, published_by, published_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = editionId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = frameworkId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = edition });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = previous, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = FrameworkJson.Serialize(content), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = content.Domains.Count });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = content.Domains.Sum(d => d.Themes.Count) });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = source, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = publishedBy });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = publishedAt });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task InsertThemeMap(NpgsqlConnection connection, NpgsqlTransaction transaction, FrameworkRevisionPublished e, CancellationToken ct)
    {
        if (e.Mapping.Matches.Count == 0) return;
        await using var command = new NpgsqlCommand($"""
            insert into {schema}.framework_theme_map (from_edition_id, from_code, to_edition_id, to_code, change)
            select $1, m.from_code, $2, m.to_code, m.change from unnest($3::text[], $4::text[], $5::text[]) as m(from_code, to_code, change)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.PreviousEditionId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.EditionId });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = e.Mapping.Matches.Select(m => m.EarlierCode).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = e.Mapping.Matches.Select(m => m.LaterCode).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = e.Mapping.Matches.Select(m => ChangeName(m.Change)).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>"unchanged", "renamed", "reworded" or "renamed, reworded".</summary>
    public static string ChangeName(ThemeChange change) => change == ThemeChange.Unchanged
        ? "unchanged"
        : string.Join(", ", Enum.GetValues<ThemeChange>().Where(c => c != ThemeChange.Unchanged && change.HasFlag(c)).Select(c => c.ToString().ToLowerInvariant()));
}
