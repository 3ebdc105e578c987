using Npgsql;

namespace LeaderJourney.Storage;

/// <summary>One versioned, forward-only change to a component's tables. Its SQL may use {schema}.</summary>
public sealed record Migration(int Version, string Description, string Sql);

/// <summary>
/// Applies versioned migrations, each at most once, recorded per component in
/// <c>{schema}.schema_migrations</c>. Every run holds a transaction-scoped advisory lock for the
/// schema, so hosts starting at once against an empty database take turns: the first creates
/// everything, the others find it done.
/// </summary>
public static class SchemaMigrator
{
    public static async Task<int> MigrateAsync(
        NpgsqlDataSource dataSource, string schema, string component, IReadOnlyList<Migration> migrations,
        CancellationToken ct = default)
    {
        SchemaName.Validate(schema);
        var ordered = migrations.OrderBy(m => m.Version).ToArray();
        if (ordered.Select(m => m.Version).Distinct().Count() != ordered.Length)
            throw new ArgumentException($"Migrations of '{component}' repeat a version number.", nameof(migrations));

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('leaderjourney.migrate.' || @schema, 0))", connection, tx))
        {
            lockCommand.Parameters.AddWithValue("schema", schema);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await Execute(connection, tx, $"""
            create schema if not exists {schema};
            create table if not exists {schema}.schema_migrations (
                component   text        not null,
                version     int         not null,
                description text        not null,
                applied_at  timestamptz not null default now(),
                primary key (component, version));
            """, ct);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand($"select version from {schema}.schema_migrations where component = @component", connection, tx))
        {
            read.Parameters.AddWithValue("component", component);
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));
        }

        var count = 0;
        foreach (var migration in ordered.Where(m => !applied.Contains(m.Version)))
        {
            await Execute(connection, tx, migration.Sql.Replace("{schema}", schema, StringComparison.Ordinal), ct);
            await using var record = new NpgsqlCommand(
                $"insert into {schema}.schema_migrations (component, version, description) values (@component, @version, @description)", connection, tx);
            record.Parameters.AddWithValue("component", component);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("description", migration.Description);
            await record.ExecuteNonQueryAsync(ct);
            count++;
        }

        await tx.CommitAsync(ct);
        return count;
    }

    /// <summary>The highest applied version of a component, or 0 when the schema or the component is not there yet.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlDataSource dataSource, string schema, string component, CancellationToken ct = default)
    {
        SchemaName.Validate(schema);
        // Two statements: a single one would fail to plan when the table does not exist yet.
        await using var command = dataSource.CreateCommand($"select to_regclass('{schema}.schema_migrations') is not null");
        if (!(bool)(await command.ExecuteScalarAsync(ct))!) return 0;
        command.CommandText = $"select coalesce(max(version), 0) from {schema}.schema_migrations where component = $1";
        command.Parameters.Add(new NpgsqlParameter { Value = component });
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Schema names go into SQL text, so only plain identifiers are accepted.</summary>
public static class SchemaName
{
    public static void Validate(string schema)
    {
        if (string.IsNullOrEmpty(schema) || schema.Length > 63 || !(char.IsAsciiLetterLower(schema[0]) || schema[0] == '_')
            || !schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"Schema name '{schema}' is not allowed: use lower-case letters, digits and '_' (at most 63, not starting with a digit).", nameof(schema));
    }
}
