using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;

namespace LeaderJourney.Core.Projections;

/// <summary>
/// Async: each mentor's pending sign-off requests from the leaders assigned to them, oldest first, and
/// each sign-off or decline a mentor gave (who, for which leader and level, when; a sign-off revoked
/// or a decline withdrawn since is gone): what staff see of a mentor's activity. An erased leader counts as withdrawn.
/// </summary>
public sealed class MentorQueueProjection : IProjection
{
    public const string ProjectionName = "mentor-queue";

    public string Name => ProjectionName;
    public int Version => 4;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>
    {
        "leader.enrolled", "leader.mentor-assigned", "leader.mentor-unassigned", "leader.sign-off-requested", "leader.signed-off",
        "leader.sign-off-declined", "leader.level-attained", "leader.withdrawn", "leader.reactivated", "leader.sign-off-request-withdrawn",
        "leader.sign-off-revoked", "leader.erased", "leader.sign-off-decline-withdrawn",
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
            -- One row per answer, keyed by its event: a sign-off (signed_off) or a decline, by whom and when, and its version in
            -- the leader's stream (the one a decline's withdrawal names); a sign-off revoked or a decline withdrawn since is gone.
            create table {context.Table("answers")} (
                seq bigint primary key, mentor_user_id uuid not null, leader_id uuid not null, theme_code text not null, level int not null,
                signed_off boolean not null, answered_at timestamptz not null, version bigint not null);
            create index on {context.Table("answers")} (mentor_user_id, answered_at);
            create index on {context.Table("answers")} (leader_id, version);
            """);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A batch's events are reduced, in order, to what they leave behind, and written in at most nine
    /// statements (rather than one per event): for each leader, pair of leader and mentor, and request,
    /// the last event about it decides. A request answered (signed off, declined, attained) and asked
    /// again (or its decline withdrawn) within the batch starts over from the new request, as it does one event at a time.
    /// </summary>
    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var enrolled = new Dictionary<Guid, (string Affiliate, bool Withdrawn)>();
        var withdrawn = new Dictionary<Guid, bool>();
        var mentors = new Dictionary<(Guid Leader, Guid Mentor), bool>();
        var requests = new Dictionary<(Guid Leader, string Theme, int Level), RequestChange>();
        var answers = new List<(long Sequence, Guid Mentor, Guid Leader, string Theme, int Level, bool SignedOff, DateTimeOffset At, long Version)>();
        var revoked = new List<(long Sequence, Guid Mentor, Guid Leader, string Theme, int Level)>();
        var withdrawnDeclines = new List<(Guid Leader, long DeclineVersion)>();
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case LeaderEnrolled e:
                    // Twice in one batch would have failed on the key one event at a time: so it does here.
                    if (!enrolled.TryAdd(e.LeaderId, (e.Affiliate, false))) throw new InvalidOperationException($"Leader {e.LeaderId} is enrolled twice.");
                    break;
                case LeaderWithdrawn e:
                    SetWithdrawn(e.LeaderId, true);
                    break;
                case LeaderReactivated e:
                    SetWithdrawn(e.LeaderId, false);
                    break;
                case MentorAssigned e:
                    mentors[(e.LeaderId, e.MentorUserId)] = true;
                    break;
                case MentorUnassigned e:
                    mentors[(e.LeaderId, e.MentorUserId)] = false;
                    break;
                case SignOffRequested e:
                    var key = (e.LeaderId, e.ThemeCode, e.Level);
                    var change = requests.GetValueOrDefault(key);
                    // Asked while already asked: the first request stands (it keeps its place in the queue).
                    requests[key] = change.Request is not null ? change : change with { Request = (e.Waiting(), stored.Sequence) };
                    break;
                case LevelSignedOff e:
                    Answer(e.LeaderId, e.ThemeCode, e.Level);
                    answers.Add((stored.Sequence, e.MentorUserId, e.LeaderId, e.ThemeCode, e.Level, true, e.SignedOffAt, stored.Version));
                    break;
                case SignOffDeclined e:
                    Answer(e.LeaderId, e.ThemeCode, e.Level);
                    answers.Add((stored.Sequence, e.MentorUserId, e.LeaderId, e.ThemeCode, e.Level, false, e.DeclinedAt, stored.Version));
                    break;
                // The decline is taken back: it is no longer among the mentor's answers, and the request waits again as old as it was.
                case SignOffDeclineWithdrawn e:
                    var declined = (e.LeaderId, e.ThemeCode, e.Level);
                    var before = requests.GetValueOrDefault(declined);
                    requests[declined] = before.Request is not null ? before : before with { Request = (e.RequestWaitingSince, stored.Sequence) };
                    withdrawnDeclines.Add((e.LeaderId, e.DeclineVersion));
                    break;
                case SignOffRequestWithdrawn e:
                    Answer(e.LeaderId, e.ThemeCode, e.Level);
                    break;
                case LevelAttained e:
                    Answer(e.LeaderId, e.ThemeCode, e.Level);
                    break;
                case SignOffRevoked e:
                    revoked.Add((stored.Sequence, e.MentorUserId, e.LeaderId, e.ThemeCode, e.Level));
                    break;
                case LeaderErased e:
                    // An erased leader's record takes no more changes: their requests wait for no one, and they are no one's mentee.
                    SetWithdrawn(e.LeaderId, true);
                    break;
            }
        }

        var leaders = context.Table("leaders");
        if (enrolled.Count > 0)
            context.Write($"insert into {leaders} select * from unnest($1::uuid[], $2::text[], $3::boolean[])",
                enrolled.Keys.ToArray(), enrolled.Values.Select(l => l.Affiliate).ToArray(), enrolled.Values.Select(l => l.Withdrawn).ToArray());
        if (withdrawn.Count > 0)
            context.Write($"update {leaders} l set withdrawn = c.withdrawn from unnest($1::uuid[], $2::boolean[]) as c(leader_id, withdrawn) where l.leader_id = c.leader_id",
                withdrawn.Keys.ToArray(), withdrawn.Values.ToArray());

        var mentorTable = context.Table("mentors");
        var (assigned, unassigned) = (mentors.Where(m => m.Value).Select(m => m.Key).ToList(), mentors.Where(m => !m.Value).Select(m => m.Key).ToList());
        if (unassigned.Count > 0)
            context.Write($"delete from {mentorTable} m using unnest($1::uuid[], $2::uuid[]) as c(leader_id, mentor_user_id) where m.leader_id = c.leader_id and m.mentor_user_id = c.mentor_user_id",
                unassigned.Select(m => m.Leader).ToArray(), unassigned.Select(m => m.Mentor).ToArray());
        if (assigned.Count > 0)
            context.Write($"insert into {mentorTable} select * from unnest($1::uuid[], $2::uuid[]) on conflict do nothing",
                assigned.Select(m => m.Leader).ToArray(), assigned.Select(m => m.Mentor).ToArray());

        var requestTable = context.Table("requests");
        var answered = requests.Where(r => r.Value.Answered).Select(r => r.Key).ToList();
        if (answered.Count > 0)
            context.Write($"delete from {requestTable} r using unnest($1::uuid[], $2::text[], $3::int[]) as c(leader_id, theme_code, level) where r.leader_id = c.leader_id and r.theme_code = c.theme_code and r.level = c.level",
                answered.Select(r => r.Leader).ToArray(), answered.Select(r => r.Theme).ToArray(), answered.Select(r => r.Level).ToArray());
        var asked = requests.Where(r => r.Value.Request is not null).Select(r => (r.Key, Request: r.Value.Request!.Value)).ToList();
        if (asked.Count > 0)
            context.Write($"insert into {requestTable} select * from unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::bigint[]) on conflict do nothing",
                asked.Select(r => r.Key.Leader).ToArray(), asked.Select(r => r.Key.Theme).ToArray(), asked.Select(r => r.Key.Level).ToArray(),
                asked.Select(r => r.Request.At.ToUniversalTime()).ToArray(), asked.Select(r => r.Request.Sequence).ToArray());
        // Keyed by the event's sequence: a batch applied again (after a crash) adds nothing twice.
        var answerTable = context.Table("answers");
        if (answers.Count > 0)
            context.Write($"insert into {answerTable} select * from unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::boolean[], $7::timestamptz[], $8::bigint[]) on conflict do nothing",
                answers.Select(a => a.Sequence).ToArray(), answers.Select(a => a.Mentor).ToArray(), answers.Select(a => a.Leader).ToArray(),
                answers.Select(a => a.Theme).ToArray(), answers.Select(a => a.Level).ToArray(), answers.Select(a => a.SignedOff).ToArray(),
                answers.Select(a => a.At.ToUniversalTime()).ToArray(), answers.Select(a => a.Version).ToArray());
        // After the inserts: a revocation takes back the mentor's sign-offs of that level before it, this batch's too.
        if (revoked.Count > 0)
            context.Write($"""
                delete from {answerTable} a using unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::text[], $5::int[]) as r(seq, mentor_user_id, leader_id, theme_code, level)
                 where a.signed_off and a.seq < r.seq and a.mentor_user_id = r.mentor_user_id and a.leader_id = r.leader_id and a.theme_code = r.theme_code and a.level = r.level
                """,
                revoked.Select(r => r.Sequence).ToArray(), revoked.Select(r => r.Mentor).ToArray(), revoked.Select(r => r.Leader).ToArray(),
                revoked.Select(r => r.Theme).ToArray(), revoked.Select(r => r.Level).ToArray());
        // A decline withdrawn takes back the decline it names by its version in the leader's stream: applied twice, it takes nothing more.
        if (withdrawnDeclines.Count > 0)
            context.Write($"""
                delete from {answerTable} a using unnest($1::uuid[], $2::bigint[]) as w(leader_id, version)
                 where not a.signed_off and a.leader_id = w.leader_id and a.version = w.version
                """,
                withdrawnDeclines.Select(w => w.Leader).ToArray(), withdrawnDeclines.Select(w => w.DeclineVersion).ToArray());
        return Task.CompletedTask;

        void SetWithdrawn(Guid leader, bool value)
        {
            // A leader enrolled in this batch is inserted as they stand at its end.
            if (enrolled.TryGetValue(leader, out var row)) enrolled[leader] = row with { Withdrawn = value };
            else withdrawn[leader] = value;
        }

        // Answering clears the request: the row goes, and only a request after this one puts it back.
        void Answer(Guid leader, string theme, int level) => requests[(leader, theme, level)] = new RequestChange(true, null);
    }

    /// <summary>What a batch did to one request: answered it (the row goes), and the request standing at the end, if any.</summary>
    private readonly record struct RequestChange(bool Answered, (DateTimeOffset At, long Sequence)? Request);
}
