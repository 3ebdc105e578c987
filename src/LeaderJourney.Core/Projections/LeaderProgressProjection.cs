using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
using LeaderJourney.EventStore.Projections;

namespace LeaderJourney.Core.Projections;

/// <summary>
/// Inline: each leader's attained levels and pending sign-off requests per theme, as the leader's own
/// fold has them, plus the progression history (valid-from / valid-to rows per theme level) that makes
/// an as-of question a query. Times are the events' own (when the level was attained or revoked).
/// </summary>
public sealed class LeaderProgressProjection : IProjection
{
    public const string ProjectionName = "leader-progress";

    public string Name => ProjectionName;
    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>
    {
        "leader.enrolled", "leader.profile-changed", "leader.sign-off-requested", "leader.signed-off", "leader.sign-off-declined",
        "leader.level-attained", "leader.level-attainment-revoked", "leader.paused", "leader.withdrawn", "leader.reactivated", "leader.erased",
    };

    public async Task CreateTablesAsync(ProjectionContext context, CancellationToken ct)
    {
        await using var command = context.Command($"""
            create table {context.Table("leaders")} (
                leader_id uuid primary key, affiliate text not null, local text, framework_edition_id uuid not null, status text not null,
                display_name text not null, enrolled_at timestamptz not null);
            create index on {context.Table("leaders")} (affiliate);
            -- Active, paused or withdrawn over time, so a report as of a past date counts who was in the pipeline then.
            create table {context.Table("status_history")} (
                leader_id uuid not null, status text not null, valid_from timestamptz not null, valid_to timestamptz);
            create index on {context.Table("status_history")} (leader_id, valid_from);
            create table {context.Table("attainments")} (
                leader_id uuid not null, theme_code text not null, level int not null, attained_at timestamptz not null,
                primary key (leader_id, theme_code, level));
            create table {context.Table("pending")} (
                leader_id uuid not null, theme_code text not null, level int not null, requested_at timestamptz not null,
                primary key (leader_id, theme_code, level));
            create table {context.Table("history")} (
                leader_id uuid not null, theme_code text not null, level int not null, attained_at timestamptz not null,
                valid_from timestamptz not null, valid_to timestamptz);
            create index on {context.Table("history")} (leader_id, theme_code, valid_from);
            """);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var leaders = context.Table("leaders");
        var attainments = context.Table("attainments");
        var pending = context.Table("pending");
        var history = context.Table("history");
        var statuses = context.Table("status_history");
        var batch = new SqlBatch(context);
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case LeaderEnrolled e:
                    batch.Add($"insert into {leaders} values ($1, $2, $3, $4, 'active', $5, $6)", e.LeaderId, e.Affiliate, e.Local, e.FrameworkEditionId, e.DisplayName, e.EnrolledAt);
                    batch.Add($"insert into {statuses} values ($1, 'active', $2, null)", e.LeaderId, e.EnrolledAt);
                    break;
                case LeaderProfileChanged e:
                    batch.Add($"update {leaders} set local = $2, display_name = $3 where leader_id = $1", e.LeaderId, e.Local, e.DisplayName);
                    break;
                case LeaderErased e:
                    // The name read from the enrolment is already unreadable after the erasure (a rebuild
                    // sees it so); the row says plainly what happened, with its levels untouched.
                    batch.Add($"update {leaders} set display_name = $2 where leader_id = $1", e.LeaderId, Leader.ErasedName);
                    break;
                case LeaderPaused e:
                    AddStatus(batch, leaders, statuses, e.LeaderId, "paused", e.PausedAt);
                    break;
                case LeaderWithdrawn e:
                    AddStatus(batch, leaders, statuses, e.LeaderId, "withdrawn", e.WithdrawnAt);
                    break;
                case LeaderReactivated e:
                    AddStatus(batch, leaders, statuses, e.LeaderId, "active", e.ReactivatedAt);
                    break;
                case SignOffRequested e:
                    batch.Add($"insert into {pending} values ($1, $2, $3, $4) on conflict do nothing", e.LeaderId, e.ThemeCode, e.Level, e.RequestedAt);
                    break;
                case LevelSignedOff e:
                    batch.Add($"delete from {pending} where leader_id = $1 and theme_code = $2 and level = $3", e.LeaderId, e.ThemeCode, e.Level);
                    break;
                case SignOffDeclined e:
                    batch.Add($"delete from {pending} where leader_id = $1 and theme_code = $2 and level = $3", e.LeaderId, e.ThemeCode, e.Level);
                    break;
                case LevelAttained e:
                    batch.Add($"delete from {pending} where leader_id = $1 and theme_code = $2 and level = $3", e.LeaderId, e.ThemeCode, e.Level);
                    batch.Add($"""
                        insert into {attainments} values ($1, $2, $3, $4)
                        on conflict (leader_id, theme_code, level) do update set attained_at = excluded.attained_at
                        """, e.LeaderId, e.ThemeCode, e.Level, e.AttainedAt);
                    AddHistory(batch, attainments, history, e.LeaderId, e.ThemeCode, e.AttainedAt);
                    break;
                case LevelAttainmentRevoked e:
                    batch.Add($"delete from {attainments} where leader_id = $1 and theme_code = $2 and level = $3", e.LeaderId, e.ThemeCode, e.Level);
                    AddHistory(batch, attainments, history, e.LeaderId, e.ThemeCode, e.RevokedAt);
                    break;
            }
        }
        await batch.ExecuteAsync(ct);
    }

    private static void AddStatus(SqlBatch batch, string leaders, string statuses, Guid leaderId, string status, DateTimeOffset at)
    {
        batch.Add($"update {leaders} set status = $2 where leader_id = $1", leaderId, status);
        batch.Add($"update {statuses} set valid_to = $2 where leader_id = $1 and valid_to is null", leaderId, at);
        batch.Add($"insert into {statuses} values ($1, $2, $3, null)", leaderId, status, at);
    }

    /// <summary>When the theme's level (its highest attained level) changed at <paramref name="at"/>, the open history row closes and a new one opens.</summary>
    private static void AddHistory(SqlBatch batch, string attainments, string history, Guid leaderId, string themeCode, DateTimeOffset at)
    {
        batch.Add($"""
            update {history} set valid_to = $3
             where leader_id = $1 and theme_code = $2 and valid_to is null
               and level <> coalesce((select max(level) from {attainments} where leader_id = $1 and theme_code = $2), 0)
            """, leaderId, themeCode, at);
        batch.Add($"""
            insert into {history} (leader_id, theme_code, level, attained_at, valid_from)
            select a.leader_id, a.theme_code, a.level, a.attained_at, $3 from {attainments} a
             where a.leader_id = $1 and a.theme_code = $2
               and a.level = (select max(level) from {attainments} where leader_id = $1 and theme_code = $2)
               and not exists (select 1 from {history} h where h.leader_id = $1 and h.theme_code = $2 and h.valid_to is null)
            """, leaderId, themeCode, at);
    }
}
