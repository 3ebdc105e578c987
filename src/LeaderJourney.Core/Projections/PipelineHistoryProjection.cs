using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;

namespace LeaderJourney.Core.Projections;

/// <summary>
/// Async: every leader's stage (the highest level in any theme) and domain levels (the lowest level
/// among a domain's themes) over time, as spells with valid-from / valid-to, each stage spell saying
/// whether the leader was withdrawn then. The pipeline report counts these rows in SQL at any moment,
/// where it used to fold every leader's theme history in the host on each request (1.3 s at 20,000
/// leaders, docs/performance.md).
/// <para>
/// The spells follow the leader-progress level history exactly: a theme's level changes, in event
/// order, at the time its event gives; the leader's stage and domain levels are read off those theme
/// levels at every moment one of them (or the leader's status) changes, from enrolment on. So that a
/// revoked level or a late event changes the whole timeline correctly, each batch recomputes the
/// timelines of the leaders it touches from their recorded changes (the <c>changes</c> table), and
/// replaces their spells.
/// </para>
/// <para>
/// A domain's themes come from the framework catalog (framework_editions, written inline with each
/// edition's import): a leader is only ever enrolled against an edition the catalog holds, and an
/// edition never changes, so a rebuild reads the same map.
/// </para>
/// <para>
/// Async rather than inline: run inline it cost a sign-off that attains a level about 30% of the
/// command's throughput (docs/performance.md); under the daemon a batch's leaders are worked out together.
/// </para>
/// </summary>
public sealed class PipelineHistoryProjection : IProjection
{
    public const string ProjectionName = "pipeline-history";

    public string Name => ProjectionName;
    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>
    {
        "leader.enrolled", "leader.level-attained", "leader.level-attainment-revoked", "leader.paused", "leader.withdrawn", "leader.reactivated",
    };

    public async Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct)
    {
        await using var command = context.Command($"""
            create table {context.Table("leaders")} (
                leader_id uuid primary key, affiliate text not null, edition_id uuid not null, enrolled_at timestamptz not null);
            -- What the timelines are worked out from: each level attained or revoked, and each status change.
            create table {context.Table("changes")} (
                leader_id uuid not null, number int not null, theme_code text, level int, attained boolean, status text, at timestamptz not null,
                primary key (leader_id, number));
            create table {context.Table("stages")} (
                leader_id uuid not null, affiliate text not null, edition_id uuid not null, stage int not null, withdrawn boolean not null,
                valid_from timestamptz not null, valid_to timestamptz);
            create index on {context.Table("stages")} (affiliate, valid_from);
            create index on {context.Table("stages")} (leader_id);
            -- Domain levels of 1 and above: a leader with no row covering a moment is at level 0 in that domain.
            create table {context.Table("domains")} (
                leader_id uuid not null, affiliate text not null, domain_code text not null, level int not null,
                valid_from timestamptz not null, valid_to timestamptz);
            create index on {context.Table("domains")} (affiliate, valid_from);
            create index on {context.Table("domains")} (leader_id);
            """);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var enrolled = new Dictionary<Guid, Enrolment>();
        var added = new Dictionary<Guid, List<Change>>();
        foreach (var stored in events)
        {
            var (leaderId, change) = stored.Data switch
            {
                LeaderEnrolled e => (e.LeaderId, (Change?)null),
                LevelAttained e => (e.LeaderId, new Change(0, e.ThemeCode, e.Level, true, null, e.AttainedAt)),
                LevelAttainmentRevoked e => (e.LeaderId, new Change(0, e.ThemeCode, e.Level, false, null, e.RevokedAt)),
                LeaderPaused e => (e.LeaderId, new Change(0, null, null, null, "paused", e.PausedAt)),
                LeaderWithdrawn e => (e.LeaderId, new Change(0, null, null, null, "withdrawn", e.WithdrawnAt)),
                LeaderReactivated e => (e.LeaderId, new Change(0, null, null, null, "active", e.ReactivatedAt)),
                _ => (Guid.Empty, null),
            };
            if (leaderId == Guid.Empty) continue;
            if (stored.Data is LeaderEnrolled enrolment) enrolled[leaderId] = new(enrolment.Affiliate, enrolment.FrameworkEditionId, enrolment.EnrolledAt);
            if (!added.TryGetValue(leaderId, out var list)) added[leaderId] = list = [];
            if (change is not null) list.Add(change);
        }
        if (added.Count == 0) return;

        var leaders = context.Table("leaders");
        var changes = context.Table("changes");
        var ids = added.Keys.ToArray();
        var known = new Dictionary<Guid, Enrolment>(enrolled);
        await context.QueryAsync($"select leader_id, affiliate, edition_id, enrolled_at from {leaders} where leader_id = any($1)", [ids],
            r => known[r.GetGuid(0)] = new(r.GetString(1), r.GetGuid(2), r.GetFieldValue<DateTimeOffset>(3)), ct);
        var history = ids.ToDictionary(id => id, _ => new List<Change>());
        await context.QueryAsync($"select leader_id, number, theme_code, level, attained, status, at from {changes} where leader_id = any($1) order by leader_id, number", [ids],
            r => history[r.GetGuid(0)].Add(new Change(r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetBoolean(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetFieldValue<DateTimeOffset>(6))), ct);
        foreach (var id in ids)
            if (!known.ContainsKey(id)) throw new InvalidOperationException($"Leader {id} has events before their enrolment.");
        var domainThemes = await DomainThemesAsync(context, known.Values.Select(k => k.Edition).Distinct().ToArray(), ct);

        var stageRows = new List<(Guid Leader, Enrolment Enrolment, StageSpell Spell)>();
        var domainRows = new List<(Guid Leader, string Affiliate, DomainSpell Spell)>();
        foreach (var id in ids)
        {
            var leader = known[id];
            if (!domainThemes.TryGetValue(leader.Edition, out var themes))
                throw new InvalidOperationException($"Leader {id} is tracked against framework edition {leader.Edition}, which is not in the catalog.");
            var timeline = LeaderTimeline.Of(leader.EnrolledAt, [.. history[id], .. added[id]], themes);
            stageRows.AddRange(timeline.Stages.Select(s => (id, leader, s)));
            domainRows.AddRange(timeline.Domains.Select(d => (id, leader.Affiliate, d)));
        }

        if (enrolled.Count > 0)
            context.Write($"insert into {leaders} select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[])",
                enrolled.Keys.ToArray(), enrolled.Values.Select(e => e.Affiliate).ToArray(), enrolled.Values.Select(e => e.Edition).ToArray(),
                enrolled.Values.Select(e => e.EnrolledAt).ToArray());
        // Numbered per leader in event order, after the changes already recorded.
        var newChanges = added.SelectMany(a => a.Value.Select((c, i) => (Leader: a.Key, Change: c with { Number = history[a.Key].Count + i + 1 }))).ToArray();
        if (newChanges.Length > 0)
            context.Write($"""
                insert into {changes} (leader_id, number, theme_code, level, attained, status, at)
                select * from unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::boolean[], $6::text[], $7::timestamptz[])
                """, newChanges.Select(c => c.Leader).ToArray(), newChanges.Select(c => c.Change.Number).ToArray(),
                newChanges.Select(c => c.Change.Theme).ToArray(), newChanges.Select(c => c.Change.Level).ToArray(),
                newChanges.Select(c => c.Change.Attained).ToArray(), newChanges.Select(c => c.Change.Status).ToArray(), newChanges.Select(c => c.Change.At).ToArray());
        var stages = context.Table("stages");
        var domains = context.Table("domains");
        context.Write($"delete from {stages} where leader_id = any($1)", ids);
        context.Write($"delete from {domains} where leader_id = any($1)", ids);
        context.Write($"""
            insert into {stages} (leader_id, affiliate, edition_id, stage, withdrawn, valid_from, valid_to)
            select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[], $5::boolean[], $6::timestamptz[], $7::timestamptz[])
            """, stageRows.Select(r => r.Leader).ToArray(), stageRows.Select(r => r.Enrolment.Affiliate).ToArray(), stageRows.Select(r => r.Enrolment.Edition).ToArray(),
            stageRows.Select(r => r.Spell.Stage).ToArray(),
            stageRows.Select(r => r.Spell.Withdrawn).ToArray(), stageRows.Select(r => r.Spell.From).ToArray(), stageRows.Select(r => r.Spell.To).ToArray());
        if (domainRows.Count > 0)
            context.Write($"""
                insert into {domains} (leader_id, affiliate, domain_code, level, valid_from, valid_to)
                select * from unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::timestamptz[])
                """, domainRows.Select(r => r.Leader).ToArray(), domainRows.Select(r => r.Affiliate).ToArray(), domainRows.Select(r => r.Spell.Domain).ToArray(),
                domainRows.Select(r => r.Spell.Level).ToArray(), domainRows.Select(r => r.Spell.From).ToArray(), domainRows.Select(r => r.Spell.To).ToArray());
    }

    // An edition never changes once in the catalog: its map is read once per process, not per command.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, IReadOnlyDictionary<string, string[]>> _editions = new();

    /// <summary>Each edition's domains with their theme codes, from the framework catalog.</summary>
    private async Task<IReadOnlyDictionary<Guid, IReadOnlyDictionary<string, string[]>>> DomainThemesAsync(ProjectionContext context, Guid[] editions, CancellationToken ct)
    {
        var missing = editions.Where(e => !_editions.ContainsKey(e)).ToArray();
        if (missing.Length > 0)
            foreach (var (edition, map) in await ReadDomainThemesAsync(context, missing, ct)) _editions[edition] = map;
        return editions.Where(_editions.ContainsKey).ToDictionary(e => e, e => _editions[e]);
    }

    private static async Task<Dictionary<Guid, IReadOnlyDictionary<string, string[]>>> ReadDomainThemesAsync(ProjectionContext context, Guid[] editions, CancellationToken ct)
    {
        var pairs = new List<(Guid Edition, string Domain, string Theme)>();
        await context.QueryAsync($"""
            select e.edition_id, d ->> 'code', t ->> 'code'
              from {context.Schema}.framework_editions e, jsonb_array_elements(e.content -> 'domains') d, jsonb_array_elements(d -> 'themes') t
             where e.edition_id = any($1)
            """, [editions], r => pairs.Add((r.GetGuid(0), r.GetString(1), r.GetString(2))), ct);
        return pairs.GroupBy(p => p.Edition).ToDictionary(g => g.Key,
            g => (IReadOnlyDictionary<string, string[]>)g.GroupBy(p => p.Domain).ToDictionary(d => d.Key, d => d.Select(p => p.Theme).ToArray(), StringComparer.Ordinal));
    }

    private sealed record Enrolment(string Affiliate, Guid Edition, DateTimeOffset EnrolledAt);
}

/// <summary>A level attained (<see cref="Attained"/> true) or revoked in a theme, or (<see cref="Status"/> set) a change of status; the leader's <see cref="Number"/>th.</summary>
public sealed record Change(int Number, string? Theme, int? Level, bool? Attained, string? Status, DateTimeOffset At);

/// <summary>A spell at a stage; <see cref="Withdrawn"/> splits it where the leader's status crossed withdrawn.</summary>
public sealed record StageSpell(int Stage, bool Withdrawn, DateTimeOffset From, DateTimeOffset? To);

/// <summary>A spell at a level of 1 or more in a domain.</summary>
public sealed record DomainSpell(string Domain, int Level, DateTimeOffset From, DateTimeOffset? To);

/// <summary>A leader's stage and domain levels over time, worked out from their changes (pure).</summary>
public sealed record LeaderTimeline(IReadOnlyList<StageSpell> Stages, IReadOnlyList<DomainSpell> Domains)
{
    /// <param name="changes">In event order.</param>
    /// <param name="domainThemes">The domains of the leader's framework edition, with their theme codes.</param>
    public static LeaderTimeline Of(DateTimeOffset enrolledAt, IReadOnlyList<Change> changes, IReadOnlyDictionary<string, string[]> domainThemes)
    {
        // Theme level spells as the leader-progress history keeps them: a theme's level is its highest
        // attained level; when it changes, the open spell closes and (above 0) a new one opens.
        var attained = new Dictionary<string, SortedDictionary<int, DateTimeOffset>>(StringComparer.Ordinal);
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        var themeSpells = new List<(string Theme, int Level, DateTimeOffset From, DateTimeOffset? To)>();
        var statuses = new List<(DateTimeOffset At, string Status)> { (enrolledAt, "active") };
        foreach (var c in changes)
        {
            if (c.Status is { } status)
            {
                statuses.Add((c.At, status));
                continue;
            }
            var theme = c.Theme!;
            if (!attained.TryGetValue(theme, out var levels)) attained[theme] = levels = new();
            if (c.Attained == true) levels[c.Level!.Value] = c.At;
            else levels.Remove(c.Level!.Value);
            var level = levels.Count == 0 ? 0 : levels.Keys.Max();
            int? current = open.TryGetValue(theme, out var index) ? themeSpells[index].Level : null;
            if (current == level) continue;
            if (current is not null)
            {
                themeSpells[index] = themeSpells[index] with { To = c.At };
                open.Remove(theme);
            }
            if (level > 0)
            {
                open[theme] = themeSpells.Count;
                themeSpells.Add((theme, level, c.At, null));
            }
        }

        // Read off at enrolment and at every later moment a theme spell or the status changes.
        var moments = themeSpells.SelectMany(s => s.To is { } to ? new[] { s.From, to } : [s.From]).Concat(statuses.Select(s => s.At))
            .Where(m => m > enrolledAt).Append(enrolledAt).Distinct().Order().ToList();
        var stages = new List<StageSpell>();
        var domains = new List<DomainSpell>();
        var domainOpen = new Dictionary<string, int>(StringComparer.Ordinal); // index into domains of a domain's open spell
        foreach (var moment in moments)
        {
            var themeLevels = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var s in themeSpells)
                if (s.From <= moment && (s.To is null || s.To > moment))
                    themeLevels[s.Theme] = Math.Max(themeLevels.GetValueOrDefault(s.Theme), s.Level);
            var stage = themeLevels.Values.DefaultIfEmpty(0).Max();
            var withdrawn = StatusAt(statuses, moment) == "withdrawn";
            if (stages.Count == 0 || stages[^1].Stage != stage || stages[^1].Withdrawn != withdrawn)
            {
                if (stages.Count > 0) stages[^1] = stages[^1] with { To = moment };
                stages.Add(new StageSpell(stage, withdrawn, moment, null));
            }
            foreach (var (domain, themes) in domainThemes)
            {
                var level = themes.Min(t => themeLevels.GetValueOrDefault(t));
                var was = domainOpen.TryGetValue(domain, out var index) ? domains[index].Level : 0;
                if (level == was) continue;
                if (was > 0)
                {
                    domains[index] = domains[index] with { To = moment };
                    domainOpen.Remove(domain);
                }
                if (level > 0)
                {
                    domainOpen[domain] = domains.Count;
                    domains.Add(new DomainSpell(domain, level, moment, null));
                }
            }
        }
        return new LeaderTimeline(stages, domains);
    }

    /// <summary>The status at a moment: the latest change made by then (the first recorded of those at the same time).</summary>
    private static string StatusAt(List<(DateTimeOffset At, string Status)> statuses, DateTimeOffset moment)
    {
        var (at, status) = statuses[0];
        foreach (var s in statuses)
            if (s.At <= moment && s.At > at) (at, status) = s;
        return status;
    }
}
