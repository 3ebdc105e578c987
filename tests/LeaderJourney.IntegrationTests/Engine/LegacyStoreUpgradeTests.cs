using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Demo;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Engine;

/// <summary>
/// A database of the previous store (its own <c>streams</c> and <c>events</c> tables, as its schema
/// version 1 made them) is moved into Marten's tables by <c>leaderjourney migrate</c>, with every
/// event as it was, and the read models rebuilt from the moved log equal those built before the move.
/// </summary>
public sealed partial class LegacyStoreUpgradeTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string Schema = "leaderjourney";
    private const string EventColumns = "seq_id, id, stream_id, version, type, data::text, timestamp, tenant_id, correlation_id, causation_id, user_name, headers::text, is_archived";
    private const string StreamColumns = "tenant_id, id, type, version, timestamp, created, is_archived";

    private Task<(int Code, string Out, string Error)> Cli(params string[] args) => CliRunner.RunAsync(database.ConnectionString, args);

    [Fact]
    public async Task Migrate_moves_every_event_with_its_order_version_timestamp_actor_and_sealed_data_and_the_rebuilt_read_models_equal_the_old_ones()
    {
        // A realistic log: the demo generator's bulk path, then an erasure through the API.
        (await Cli("demo", "load", "--leaders", "30")).Code.Should().Be(0);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var erasedId = Guid.Parse((string)(await Rows(dataSource, $"select id::text from {Schema}.mt_streams where type = 'leader' order by id limit 1"))[0][0]!);
        string erasedName;
        await using (var app = new LeaderJourneyAppFactory(database.ConnectionString))
        {
            var admin = await app.SignInAsync("admin", DemoData.Password);
            erasedName = (await admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{erasedId}")).GetProperty("displayName").GetString()!;
            (await admin.PostAsJsonAsync($"/api/leaders/{erasedId}/erasure", new { reason = "Written request of 2026-11-30" })).EnsureSuccessStatusCode();
            await app.CaughtUpAsync();
        }
        var readModelsBefore = await ReadModels(dataSource);
        var eventsBefore = await Lines(dataSource, $"select {EventColumns} from {Schema}.mt_events order by seq_id");
        var streamsBefore = await Lines(dataSource, $"select {StreamColumns} from {Schema}.mt_streams order by id");
        var lastBefore = (long)(await Rows(dataSource, $"select max(seq_id) from {Schema}.mt_events"))[0][0]!;

        // Turn it into the previous store's database: its tables and kind names, Marten's emptied.
        await Execute(dataSource, $"""
            create sequence {Schema}.events_seq_id;
            create table {Schema}.streams (
                id uuid primary key, type text not null, version bigint not null, tenant_id text not null,
                created timestamptz not null default now(), timestamp timestamptz not null default now(), is_archived boolean not null default false);
            create table {Schema}.events (
                seq_id bigint primary key default nextval('{Schema}.events_seq_id'), id uuid not null, stream_id uuid not null,
                version bigint not null, type text not null, data jsonb not null, timestamp timestamptz not null default now(),
                tenant_id text not null, correlation_id text, causation_id text, user_name text, headers jsonb,
                is_archived boolean not null default false, constraint events_stream_version unique (stream_id, version));
            insert into {Schema}.streams (id, type, version, tenant_id, created, timestamp, is_archived)
                select id, case type when 'report_issues' then 'report-issues' else type end, version, tenant_id, created, timestamp, is_archived from {Schema}.mt_streams;
            insert into {Schema}.events select seq_id, id, stream_id, version, type, data, timestamp, tenant_id, correlation_id, causation_id, user_name, headers, is_archived
                from {Schema}.mt_events;
            select setval('{Schema}.events_seq_id', (select max(seq_id) from {Schema}.events));
            delete from {Schema}.mt_events;
            delete from {Schema}.mt_streams;
            """);

        var (code, output, error) = await Cli("migrate");

        code.Should().Be(0, error);
        error.Should().Contain($"Moved the previous event store into Marten's tables: {streamsBefore.Count} streams, {eventsBefore.Count} events.");
        output.Should().Contain("Schema 'leaderjourney'");
        (await Lines(dataSource, $"select {EventColumns} from {Schema}.mt_events order by seq_id")).Should().Equal(eventsBefore);
        (await Lines(dataSource, $"select {StreamColumns} from {Schema}.mt_streams order by id")).Should().Equal(streamsBefore);
        (await Rows(dataSource, $"select to_regclass('{Schema}.events') is null and to_regclass('{Schema}.streams') is null"))[0][0].Should().Be(true, "the old tables are dropped with the move");
        (await Rows(dataSource, $"select seq_id from {Schema}.mt_events where data::text like '%' || $1 || '%'", erasedName)).Should().BeEmpty();

        // A second migrate moves nothing; the read models rebuilt from the moved log are the same.
        (await Cli("migrate")).Error.Should().NotContain("Moved");
        var rebuild = await Cli("projections", "rebuild", "--all");
        rebuild.Code.Should().Be(0, rebuild.Error);
        (await ReadModels(dataSource)).Should().BeEquivalentTo(readModelsBefore);

        // Commands go on after the moved log: the next event follows the last moved number.
        await using (var app = new LeaderJourneyAppFactory(database.ConnectionString))
        {
            var staff = await app.SignInAsync("staff", DemoData.Password);
            var leader = Guid.Parse((string)(await Rows(dataSource, $"select id::text from {Schema}.mt_streams where type = 'leader' and id <> $1 order by id limit 1", erasedId))[0][0]!);
            (await staff.PostAsJsonAsync($"/api/leaders/{leader}/trainings",
                new { themeCode = "ORG.1", level = 1, title = "Power mapping", hours = 2, completedOn = "2026-11-20" })).EnsureSuccessStatusCode();
        }
        ((long)(await Rows(dataSource, $"select max(seq_id) from {Schema}.mt_events"))[0][0]!).Should().BeGreaterThan(lastBefore);
    }

    /// <summary>Every row of every read model table, by table name without its generation number.</summary>
    private static async Task<Dictionary<string, List<string>>> ReadModels(NpgsqlDataSource dataSource)
    {
        var tables = (await Rows(dataSource, $"""
            select g.name, c.relname from {Schema}.projection_generations g
              join pg_class c on c.relname like 'p\_' || replace(g.name, '-', '_') || '\_g' || g.generation || '\_%'
              join pg_namespace n on n.oid = c.relnamespace and n.nspname = '{Schema}'
             where g.status = 'active' and c.relkind = 'r'
            """)).Select(r => (string)r[1]!).ToList();
        tables.Should().NotBeEmpty();
        var dump = new Dictionary<string, List<string>>();
        foreach (var table in tables)
            dump[Generation().Replace(table, "_g_")] = (await Lines(dataSource, $"select t::text from {Schema}.{table} t")).Order(StringComparer.Ordinal).ToList();
        return dump;
    }

    [GeneratedRegex("_g[0-9]+_")]
    private static partial Regex Generation();

    private static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static string Line(object?[] row) =>
        string.Join(" | ", row.Select(v => v switch { DateTime d => d.ToString("O"), DateTimeOffset d => d.ToString("O"), null => "null", _ => v.ToString() }));

    private static async Task<List<string>> Lines(NpgsqlDataSource dataSource, string sql) => (await Rows(dataSource, sql)).Select(Line).ToList();

    private static async Task<List<object?[]>> Rows(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(values);
        }
        return rows;
    }
}
