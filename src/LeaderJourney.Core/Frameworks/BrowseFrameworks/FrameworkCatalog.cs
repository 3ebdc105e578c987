using System.Text.Json.Nodes;
using Npgsql;
using LeaderJourney.Core.Frameworks;

namespace LeaderJourney.Core.Frameworks.BrowseFrameworks;

public sealed record FrameworkSummary(Guid Id, string Name, string Edition, int DomainCount, int ThemeCount, Guid? PreviousEditionId, DateTimeOffset PublishedAt);

/// <summary>Queries over the catalog tables. Frameworks are shared by every affiliate, so nothing here is tenant-scoped.</summary>
public sealed class FrameworkCatalog(NpgsqlDataSource dataSource, string schema)
{
    public async Task<IReadOnlyList<FrameworkSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select edition_id, name, edition, domain_count, theme_count, previous_edition_id, published_at
              from {schema}.framework_editions order by name, published_at
            """);
        var list = new List<FrameworkSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new FrameworkSummary(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetFieldValue<DateTimeOffset>(6)));
        return list;
    }

    /// <summary>The edition new leaders follow unless told otherwise: the latest edition of the built-in NEA framework.</summary>
    public async Task<Guid?> DefaultEditionAsync(CancellationToken ct = default) =>
        (await ListAsync(ct)).Where(f => f.Name == BuiltInFrameworks.Entries[0].Name).OrderBy(f => f.PublishedAt).LastOrDefault()?.Id;

    /// <summary>The editions a leader is enrolled against today: of each framework, the one no later edition follows.</summary>
    public async Task<IReadOnlyList<FrameworkSummary>> CurrentEditionsAsync(CancellationToken ct = default)
    {
        var all = await ListAsync(ct);
        var followed = all.Select(f => f.PreviousEditionId).OfType<Guid>().ToHashSet();
        return all.Where(f => !followed.Contains(f.Id)).OrderBy(f => f.Name, StringComparer.CurrentCulture).ToList();
    }

    /// <summary>The edition's content in the `framework parse` shape, plus its id and edition label; null when there is no such edition.</summary>
    public async Task<JsonObject?> GetAsync(Guid editionId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select content::text, edition, previous_edition_id from {schema}.framework_editions where edition_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = editionId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var content = JsonNode.Parse(reader.GetString(0))!.AsObject();
        var result = new JsonObject { ["id"] = editionId, ["edition"] = reader.GetString(1), ["previousEditionId"] = reader.IsDBNull(2) ? null : reader.GetGuid(2) };
        foreach (var (key, value) in content.ToList())
        {
            content.Remove(key);
            result[key] = value;
        }
        return result;
    }

    /// <summary>
    /// The code a theme of one edition has in a later edition of the same framework, following the
    /// mapping edition by edition; null when the theme was removed on the way or the editions are not
    /// of one lineage.
    /// </summary>
    public async Task<string?> CarryOverAsync(Guid fromEditionId, string themeCode, Guid toEditionId, CancellationToken ct = default)
    {
        if (fromEditionId == toEditionId) return themeCode;
        await using var command = dataSource.CreateCommand($"""
            with recursive path(edition_id, code, depth) as (
                select $1::uuid, $2::text, 0
                union all
                select m.to_edition_id, m.to_code, p.depth + 1
                  from path p join {schema}.framework_theme_map m on m.from_edition_id = p.edition_id and m.from_code = p.code
                 where p.depth < 100)
            select code from path where edition_id = $3 limit 1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = fromEditionId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = themeCode });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = toEditionId });
        return await command.ExecuteScalarAsync(ct) as string;
    }
}
