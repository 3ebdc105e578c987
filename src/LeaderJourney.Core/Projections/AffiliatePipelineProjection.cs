using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
using LeaderJourney.EventStore.Projections;

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

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var themes = context.Table("themes");
        var leaders = context.Table("leaders");
        var attainments = context.Table("attainments");
        var domains = context.Table("domains");
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case FrameworkEditionPublished e:
                    AddThemes(context, themes, leaders, attainments, domains, e.EditionId, e.Content);
                    break;
                case FrameworkRevisionPublished e:
                    AddThemes(context, themes, leaders, attainments, domains, e.EditionId, e.Content);
                    break;
                case LeaderEnrolled e:
                    context.Write($"insert into {leaders} (leader_id, affiliate, local, edition_id) values ($1, $2, $3, $4)", e.LeaderId, e.Affiliate, e.Local, e.FrameworkEditionId);
                    context.Write($"insert into {domains} select distinct $1::uuid, domain_code, 0 from {themes} where edition_id = $2", e.LeaderId, e.FrameworkEditionId);
                    break;
                case LeaderProfileChanged e:
                    context.Write($"update {leaders} set local = $2 where leader_id = $1", e.LeaderId, e.Local);
                    break;
                case LeaderWithdrawn e:
                    context.Write($"update {leaders} set withdrawn = true where leader_id = $1", e.LeaderId);
                    break;
                case LeaderReactivated e:
                    context.Write($"update {leaders} set withdrawn = false where leader_id = $1", e.LeaderId);
                    break;
                case LevelAttained e:
                    context.Write($"insert into {attainments} values ($1, $2, $3) on conflict do nothing", e.LeaderId, e.ThemeCode, e.Level);
                    Recompute(context, themes, leaders, attainments, domains, e.LeaderId, e.ThemeCode);
                    break;
                case LevelAttainmentRevoked e:
                    context.Write($"delete from {attainments} where leader_id = $1 and theme_code = $2 and level = $3", e.LeaderId, e.ThemeCode, e.Level);
                    Recompute(context, themes, leaders, attainments, domains, e.LeaderId, e.ThemeCode);
                    break;
            }
        }
    }

    private static void AddThemes(ProjectionContext context, string themes, string leaders, string attainments, string domains, Guid editionId, Framework content)
    {
        var pairs = content.Domains.SelectMany(d => d.Themes.Select(t => (Theme: t.Code, Domain: d.Code))).ToArray();
        context.Write($"insert into {themes} select $1, t, d from unnest($2::text[], $3::text[]) as x(t, d) on conflict do nothing",
            editionId, pairs.Select(p => p.Theme).ToArray(), pairs.Select(p => p.Domain).ToArray());
        // Marten's daemon hands a batch over one affiliate at a time, the framework's events (no affiliate)
        // apart: leaders of this edition may have been enrolled, and reached levels, before its themes
        // arrived here. They get their domains now, at the levels they have.
        context.Write($"""
            insert into {domains} (leader_id, domain_code, level)
            select l.leader_id, t.domain_code, min(coalesce(a.level, 0))
              from {leaders} l
              join {themes} t on t.edition_id = l.edition_id
              left join (select leader_id, theme_code, max(level) as level from {attainments}
                          where leader_id in (select leader_id from {leaders} where edition_id = $1)
                          group by leader_id, theme_code) a on a.leader_id = l.leader_id and a.theme_code = t.theme_code
             where l.edition_id = $1
             group by l.leader_id, t.domain_code
            on conflict (leader_id, domain_code) do nothing
            """, editionId);
    }

    /// <summary>The leader's level in the changed theme's domain (lowest theme level, missing themes at 0), and their stage.</summary>
    private static void Recompute(ProjectionContext context, string themes, string leaders, string attainments, string domains, Guid leaderId, string themeCode)
    {
        context.Write($"""
            update {domains} d set level = x.level
              from (select ft.domain_code, min(coalesce(a.level, 0)) as level
                      from {leaders} l
                      join {themes} ft on ft.edition_id = l.edition_id
                      left join (select theme_code, max(level) as level from {attainments} where leader_id = $1 group by theme_code) a on a.theme_code = ft.theme_code
                     where l.leader_id = $1
                       and ft.domain_code = (select t.domain_code from {themes} t join {leaders} l2 on l2.edition_id = t.edition_id where l2.leader_id = $1 and t.theme_code = $2)
                     group by ft.domain_code) x
             where d.leader_id = $1 and d.domain_code = x.domain_code
            """, leaderId, themeCode);
        context.Write($"update {leaders} set stage = coalesce((select max(level) from {attainments} where leader_id = $1), 0) where leader_id = $1", leaderId);
    }
}
