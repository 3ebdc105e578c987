using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;

namespace LeaderJourney.Core.Projections;

/// <summary>
/// Async: every leader's level in every domain of their framework (the lowest of the domain's theme
/// levels, API.md) and their stage (the highest level attained in any theme), per affiliate and local,
/// for the pipeline counts. It learns each edition's themes from the framework events themselves.
/// </summary>
public sealed class AffiliatePipelineProjection : IProjection
{
    public const string ProjectionName = "affiliate-pipeline";

    public string Name => ProjectionName;
    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>
    {
        "framework.edition-published", "framework.revision-published", "leader.enrolled", "leader.profile-changed",
        "leader.level-attained", "leader.level-attainment-revoked", "leader.withdrawn", "leader.reactivated",
    };

    public async Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct)
    {
        await using var command = context.Command($"""
            create table {context.Table("themes")} (edition_id uuid not null, theme_code text not null, domain_code text not null, primary key (edition_id, theme_code));
            create table {context.Table("leaders")} (
                leader_id uuid primary key, affiliate text not null, local text, edition_id uuid not null,
                withdrawn boolean not null default false, stage int not null default 0);
            create index on {context.Table("leaders")} (affiliate, local);
            create table {context.Table("attainments")} (leader_id uuid not null, theme_code text not null, level int not null, primary key (leader_id, theme_code, level));
            create table {context.Table("domains")} (leader_id uuid not null, domain_code text not null, level int not null, primary key (leader_id, domain_code));
            """);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A batch's leader events are reduced, in order, to what they leave behind and written in a few
    /// set-based statements (rather than three per attainment): for each leader their local and
    /// withdrawal, for each theme level whether it stands, the last event deciding; then the domains of
    /// every changed theme and the stages of the leaders touched are worked out again once. A framework
    /// event writes what came before it first, so leaders always meet the themes in log order.
    /// </summary>
    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var tables = new Tables(context);
        var pending = new LeaderChanges();
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case FrameworkEditionPublished e:
                    pending = pending.WriteTo(context, tables);
                    AddThemes(context, tables, e.EditionId, e.Content);
                    break;
                case FrameworkRevisionPublished e:
                    pending = pending.WriteTo(context, tables);
                    AddThemes(context, tables, e.EditionId, e.Content);
                    break;
                case LeaderEnrolled e:
                    // Twice in one batch: the first is written before the second, which then fails on the
                    // key as it would one event at a time (and the failing event is found the same way).
                    if (pending.Enrolled.ContainsKey(e.LeaderId)) pending = pending.WriteTo(context, tables);
                    pending.Enrolled[e.LeaderId] = (e.Affiliate, e.Local, e.FrameworkEditionId);
                    break;
                case LeaderProfileChanged e:
                    pending.Local[e.LeaderId] = e.Local;
                    break;
                case LeaderWithdrawn e:
                    pending.Withdrawn[e.LeaderId] = true;
                    break;
                case LeaderReactivated e:
                    pending.Withdrawn[e.LeaderId] = false;
                    break;
                case LevelAttained e:
                    pending.Levels[(e.LeaderId, e.ThemeCode, e.Level)] = true;
                    break;
                case LevelAttainmentRevoked e:
                    pending.Levels[(e.LeaderId, e.ThemeCode, e.Level)] = false;
                    break;
            }
        }
        pending.WriteTo(context, tables);
        return Task.CompletedTask;
    }

    private sealed record Tables(string Themes, string Leaders, string Attainments, string Domains)
    {
        public Tables(ProjectionContext context) : this(context.Table("themes"), context.Table("leaders"), context.Table("attainments"), context.Table("domains"))
        {
        }
    }

    /// <summary>What a run of leader events leaves behind; the last event about a leader or a theme level decides.</summary>
    private sealed class LeaderChanges
    {
        public Dictionary<Guid, (string Affiliate, string? Local, Guid Edition)> Enrolled { get; } = new();
        public Dictionary<Guid, string?> Local { get; } = new();
        public Dictionary<Guid, bool> Withdrawn { get; } = new();
        public Dictionary<(Guid Leader, string Theme, int Level), bool> Levels { get; } = new();

        /// <summary>Queues the writes, in the order one event at a time would leave the same rows; returns an empty run.</summary>
        public LeaderChanges WriteTo(ProjectionContext context, Tables t)
        {
            if (Enrolled.Count > 0)
            {
                var ids = Enrolled.Keys.ToArray();
                var editions = Enrolled.Values.Select(l => l.Edition).ToArray();
                context.Write($"insert into {t.Leaders} (leader_id, affiliate, local, edition_id) select * from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[])",
                    ids, Enrolled.Values.Select(l => l.Affiliate).ToArray(), Enrolled.Values.Select(l => l.Local).ToArray(), editions);
                context.Write($"insert into {t.Domains} select distinct x.l, th.domain_code, 0 from unnest($1::uuid[], $2::uuid[]) as x(l, e) join {t.Themes} th on th.edition_id = x.e",
                    ids, editions);
            }
            if (Local.Count > 0)
                context.Write($"update {t.Leaders} l set local = c.local from unnest($1::uuid[], $2::text[]) as c(leader_id, local) where l.leader_id = c.leader_id",
                    Local.Keys.ToArray(), Local.Values.ToArray());
            if (Withdrawn.Count > 0)
                context.Write($"update {t.Leaders} l set withdrawn = c.withdrawn from unnest($1::uuid[], $2::boolean[]) as c(leader_id, withdrawn) where l.leader_id = c.leader_id",
                    Withdrawn.Keys.ToArray(), Withdrawn.Values.ToArray());
            if (Levels.Count == 0) return new LeaderChanges();

            var revoked = Levels.Where(l => !l.Value).Select(l => l.Key).ToList();
            if (revoked.Count > 0)
                context.Write($"delete from {t.Attainments} a using unnest($1::uuid[], $2::text[], $3::int[]) as c(l, th, lv) where a.leader_id = c.l and a.theme_code = c.th and a.level = c.lv",
                    revoked.Select(r => r.Leader).ToArray(), revoked.Select(r => r.Theme).ToArray(), revoked.Select(r => r.Level).ToArray());
            var attained = Levels.Where(l => l.Value).Select(l => l.Key).ToList();
            if (attained.Count > 0)
                context.Write($"insert into {t.Attainments} select * from unnest($1::uuid[], $2::text[], $3::int[]) on conflict do nothing",
                    attained.Select(r => r.Leader).ToArray(), attained.Select(r => r.Theme).ToArray(), attained.Select(r => r.Level).ToArray());

            // Each changed theme's domain, for its leader: the lowest of the domain's theme levels, missing themes at 0.
            // Worked out with an index probe per leader and theme (the subqueries), whatever the tables' size:
            // joined plainly, PostgreSQL scanned all attainments and leaders for every batch, which made a
            // rebuild quadratic (docs/performance.md). Rows whose level stays as it was are not rewritten.
            var changed = Levels.Keys.Select(k => (k.Leader, k.Theme)).Distinct().ToList();
            var leaders = changed.Select(c => c.Leader).Distinct().ToArray();
            context.Write($"""
                update {t.Domains} d set level = x.level
                  from (select c.l as leader_id, c.domain_code,
                               (select min(coalesce((select max(a.level) from {t.Attainments} a where a.leader_id = c.l and a.theme_code = ft.theme_code), 0))
                                  from {t.Themes} ft where ft.edition_id = c.edition_id and ft.domain_code = c.domain_code) as level
                          from (select distinct x.l, l.edition_id, th.domain_code
                                  from unnest($1::uuid[], $2::text[]) as x(l, th)
                                  cross join lateral (select edition_id from {t.Leaders} where leader_id = x.l offset 0) l
                                  join {t.Themes} th on th.edition_id = l.edition_id and th.theme_code = x.th) c) x
                 where d.leader_id = x.leader_id and d.domain_code = x.domain_code and d.level <> x.level
                """, changed.Select(c => c.Leader).ToArray(), changed.Select(c => c.Theme).ToArray());
            context.Write($"update {t.Leaders} l set stage = coalesce((select max(level) from {t.Attainments} a where a.leader_id = l.leader_id), 0) where l.leader_id = any($1)", leaders);
            return new LeaderChanges();
        }
    }

    private static void AddThemes(ProjectionContext context, Tables tables, Guid editionId, Framework content)
    {
        var pairs = content.Domains.SelectMany(d => d.Themes.Select(t => (Theme: t.Code, Domain: d.Code))).ToArray();
        context.Write($"insert into {tables.Themes} select $1, t, d from unnest($2::text[], $3::text[]) as x(t, d) on conflict do nothing",
            editionId, pairs.Select(p => p.Theme).ToArray(), pairs.Select(p => p.Domain).ToArray());
        // Marten's daemon hands a batch over one affiliate at a time, the framework's events (no affiliate)
        // apart: leaders of this edition may have been enrolled, and reached levels, before its themes
        // arrived here. They get their domains now, at the levels they have.
        context.Write($"""
            insert into {tables.Domains} (leader_id, domain_code, level)
            select l.leader_id, t.domain_code, min(coalesce(a.level, 0))
              from {tables.Leaders} l
              join {tables.Themes} t on t.edition_id = l.edition_id
              left join (select leader_id, theme_code, max(level) as level from {tables.Attainments}
                          where leader_id in (select leader_id from {tables.Leaders} where edition_id = $1)
                          group by leader_id, theme_code) a on a.leader_id = l.leader_id and a.theme_code = t.theme_code
             where l.edition_id = $1
             group by l.leader_id, t.domain_code
            on conflict (leader_id, domain_code) do nothing
            """, editionId);
    }
}
