using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
using LeaderJourney.EventStore.Projections;

namespace LeaderJourney.Core.Projections;

/// <summary>Async: each mentor's pending sign-off requests from the leaders assigned to them, oldest first.</summary>
public sealed class MentorQueueProjection : IProjection
{
    public const string ProjectionName = "mentor-queue";

    public string Name => ProjectionName;
    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>
    {
        "leader.enrolled", "leader.mentor-assigned", "leader.mentor-unassigned", "leader.sign-off-requested", "leader.signed-off",
        "leader.sign-off-declined", "leader.level-attained", "leader.withdrawn", "leader.reactivated",
    };

    public async Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct)
    {
        await using var command = context.Command($"""
            create table {context.Table("leaders")} (leader_id uuid primary key, affiliate text not null, withdrawn boolean not null default false);
            create table {context.Table("mentors")} (leader_id uuid not null, mentor_user_id uuid not null, primary key (leader_id, mentor_user_id));
            create table {context.Table("requests")} (
                leader_id uuid not null, theme_code text not null, level int not null, requested_at timestamptz not null, requested_seq bigint not null,
                primary key (leader_id, theme_code, level));
            create index on {context.Table("requests")} (requested_at, requested_seq);
            """);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var leaders = context.Table("leaders");
        var mentors = context.Table("mentors");
        var requests = context.Table("requests");
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case LeaderEnrolled e:
                    context.Write($"insert into {leaders} values ($1, $2, false)", e.LeaderId, e.Affiliate);
                    break;
                case LeaderWithdrawn e:
                    context.Write($"update {leaders} set withdrawn = true where leader_id = $1", e.LeaderId);
                    break;
                case LeaderReactivated e:
                    context.Write($"update {leaders} set withdrawn = false where leader_id = $1", e.LeaderId);
                    break;
                case MentorAssigned e:
                    context.Write($"insert into {mentors} values ($1, $2) on conflict do nothing", e.LeaderId, e.MentorUserId);
                    break;
                case MentorUnassigned e:
                    context.Write($"delete from {mentors} where leader_id = $1 and mentor_user_id = $2", e.LeaderId, e.MentorUserId);
                    break;
                case SignOffRequested e:
                    context.Write($"insert into {requests} values ($1, $2, $3, $4, $5) on conflict do nothing", e.LeaderId, e.ThemeCode, e.Level, e.RequestedAt, stored.Sequence);
                    break;
                case LevelSignedOff e:
                    context.Write($"delete from {requests} where leader_id = $1 and theme_code = $2 and level = $3", e.LeaderId, e.ThemeCode, e.Level);
                    break;
                case SignOffDeclined e:
                    context.Write($"delete from {requests} where leader_id = $1 and theme_code = $2 and level = $3", e.LeaderId, e.ThemeCode, e.Level);
                    break;
                case LevelAttained e:
                    context.Write($"delete from {requests} where leader_id = $1 and theme_code = $2 and level = $3", e.LeaderId, e.ThemeCode, e.Level);
                    break;
            }
        }
    }
}
