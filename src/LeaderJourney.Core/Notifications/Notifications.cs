using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Core.Notifications;

/// <summary>
/// One thing someone should hear of: to one user (<see cref="UserId"/>, a mentor about a leader), else to a leader
/// (<see cref="LeaderId"/>), else to the affiliate's staff. <see cref="Read"/>: the reader has marked it read.
/// </summary>
public sealed record Notification(long Id, string Kind, Guid? LeaderId, Guid? PositionId, string? ThemeCode, int? Level, DateOnly? OnDate, DateTimeOffset CreatedAt, bool Read,
    Guid? UserId = null);

/// <summary>
/// What the reactions (<see cref="Reactions"/>) tell people: a leader's level attained or withdrawn,
/// a request declined (and the decline withdrawn), a position's term coming to an end, a mentor's new mentee. Ids, codes and dates only, so nothing here
/// needs sealing; an erasure deletes the leader's. Each is written under a key, once however often the
/// reaction that writes it runs. Each reader marks what they have read as one number, the newest id
/// read (a leader's and a mentor's are theirs alone; an affiliate's staff each keep their own mark). A level attained
/// and taken back before the leader heard of it is told neither way (<see cref="AddRevokedAsync"/>).
/// </summary>
public sealed class NotificationBox(NpgsqlDataSource dataSource, DatabaseSettings settings, TimeProvider clock, IConfiguration configuration)
{
    public const string LevelAttained = "level-attained";
    public const string LevelRevoked = "level-revoked";
    public const string RequestDeclined = "request-declined";
    public const string DeclineWithdrawn = "decline-withdrawn";
    public const string TermEnding = "term-ending";
    public const string MenteeAssigned = "mentee-assigned";

    /// <summary>
    /// How long a level attained waits before it is mailed, and how soon after it a level taken back
    /// before the leader read or was mailed of it is told neither way: a mentor who undoes a wrong tap on
    /// a phone does not send the leader "attained" and then "taken back". <c>LeaderJourney:Notices:AttainedHold</c>,
    /// 5 minutes unless set; zero tells every level at once.
    /// </summary>
    public TimeSpan AttainedHold { get; } = Hold(configuration, "AttainedHold");

    /// <summary>
    /// How long a mentor's new mentee waits before it is mailed: staff who undo a wrong pick send no mail, and a
    /// mentor whose mentees are handed over hears of them once they are theirs. <c>LeaderJourney:Notices:MenteeHold</c>,
    /// 5 minutes unless set; zero mails each at once.
    /// </summary>
    public TimeSpan MenteeHold { get; } = Hold(configuration, "MenteeHold");

    private static TimeSpan Hold(IConfiguration configuration, string name) =>
        configuration[$"LeaderJourney:Notices:{name}"] is not { Length: > 0 } hold ? TimeSpan.FromMinutes(5)
        : TimeSpan.TryParse(hold, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed >= TimeSpan.Zero ? parsed
        : throw new SettingException($"LeaderJourney:Notices:{name} must be a time span of zero or more (\"00:05:00\" for five minutes).");

    /// <summary>Writes the notification unless one with its key exists; true when written.</summary>
    public async Task<bool> AddAsync(string key, string affiliate, string kind, Guid? leaderId = null, Guid? positionId = null,
        string? themeCode = null, int? level = null, DateOnly? onDate = null, CancellationToken ct = default, Guid? userId = null)
    {
        await using var command = dataSource.CreateCommand($"""
            insert into {settings.Schema}.notifications (key, affiliate, leader_id, position_id, kind, theme_code, level, on_date, created_at, user_id)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (key) do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leaderId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = positionId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = themeCode, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = level, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<DateOnly?> { TypedValue = onDate, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = userId, NpgsqlDbType = NpgsqlDbType.Uuid });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Writes the notice that a level was taken back, under <paramref name="key"/>, unless written before.
    /// When the newest notice of that level attained was written no earlier than <see cref="AttainedHold"/>
    /// before <paramref name="revokedAt"/> and the leader has neither marked it read nor been mailed it, both
    /// are withdrawn: the leader never heard of the level, so nothing is said of it being taken back. (A notice
    /// is written when the reactions reach its event: behind, they write both late, and the leader heard of neither.)
    /// The attained notice's row is locked first, as its mail's claim locks it (<see cref="Mail.MailClaims"/>):
    /// either the claim came first and is seen here, or the claim waits and finds the notice withdrawn.
    /// </summary>
    /// <param name="byTheLeader">The leader took it back themself (a training of theirs removed): the notice is written withdrawn, so they
    /// are told nothing they did, and an attained notice they had not heard of goes with it as above.</param>
    public async Task AddRevokedAsync(string key, string affiliate, Guid leaderId, string themeCode, int level, DateTimeOffset revokedAt, CancellationToken ct, bool byTheLeader = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long? attainedId = null;
        if (AttainedHold > TimeSpan.Zero)
        {
            await using var locking = new NpgsqlCommand($"""
                select id from {settings.Schema}.notifications
                 where leader_id = $1 and kind = '{LevelAttained}' and theme_code = $2 and level = $3 and not withdrawn and created_at >= $4
                 order by id desc limit 1 for update
                """, connection, transaction);
            locking.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
            locking.Parameters.Add(new NpgsqlParameter<string> { TypedValue = themeCode });
            locking.Parameters.Add(new NpgsqlParameter<int> { TypedValue = level });
            locking.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = (revokedAt - AttainedHold).ToUniversalTime() });
            attainedId = await locking.ExecuteScalarAsync(ct) as long?;
        }
        // A statement of its own, so that it sees a claim committed while it waited for the lock.
        await using (var writing = new NpgsqlCommand($"""
            with unheard as (
                select n.id from {settings.Schema}.notifications n
                 where n.id = $1
                   and not exists (select 1 from {settings.Schema}.mail_sent m where m.what = 'notice:' || n.id)
                   and n.id > coalesce((select r.read_through from {settings.Schema}.notification_reads r
                                          join {settings.Schema}.users u on u.id = r.user_id where u.leader_id = n.leader_id), 0)),
            revoked as (
                insert into {settings.Schema}.notifications (key, affiliate, leader_id, kind, theme_code, level, on_date, created_at, withdrawn)
                values ($2, $3, $4, '{LevelRevoked}', $5, $6, $7, $8, exists (select 1 from unheard) or $9)
                on conflict (key) do nothing returning withdrawn)
            update {settings.Schema}.notifications set withdrawn = true
             where id in (select id from unheard) and exists (select 1 from revoked where withdrawn)
            """, connection, transaction))
        {
            writing.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = attainedId, NpgsqlDbType = NpgsqlDbType.Bigint });
            writing.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            writing.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
            writing.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
            writing.Parameters.Add(new NpgsqlParameter<string> { TypedValue = themeCode });
            writing.Parameters.Add(new NpgsqlParameter<int> { TypedValue = level });
            writing.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = DateOnly.FromDateTime(revokedAt.UtcDateTime) });
            writing.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
            writing.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = byTheLeader });
            await writing.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>The id of the notification written under <paramref name="key"/> while its mail has not been sent (<see cref="Mail.MailClaims"/>) and it stands; null once sent or withdrawn.</summary>
    public async Task<long?> UnmailedAsync(string key, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select n.id from {settings.Schema}.notifications n
             where n.key = $1 and not n.withdrawn and not exists (select 1 from {settings.Schema}.mail_sent m where m.what = 'notice:' || n.id)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteScalarAsync(ct) as long?;
    }

    /// <summary>
    /// The leader's notice of the decline at <paramref name="declineVersion"/> of their stream (keyed by the decline event's id),
    /// withdrawn when they have neither marked it read nor been mailed it: a decline withdrawn at once is told neither way.
    /// Answers the key of that notice when it still stands (the leader heard of it), else null (withdrawn now, or never
    /// written: the reactions began after the decline).
    /// </summary>
    public async Task<string?> WithdrawUnheardDeclineAsync(Guid leaderId, long declineVersion, CancellationToken ct)
    {
        var filter = $"n.key = '{RequestDeclined}:' || (select e.id::text from {settings.Schema}.mt_events e where e.stream_id = $1 and e.version = $2)";
        NpgsqlParameter[] Parameters() => [new NpgsqlParameter<Guid> { TypedValue = leaderId }, new NpgsqlParameter<long> { TypedValue = declineVersion }];
        await WithdrawUnheardAsync(filter,
            $"select r.read_through from {settings.Schema}.notification_reads r join {settings.Schema}.users u on u.id = r.user_id where u.leader_id = n.leader_id",
            Parameters, ct);
        await using var command = dataSource.CreateCommand($"select n.key from {settings.Schema}.notifications n where {filter} and not n.withdrawn");
        command.Parameters.AddRange(Parameters());
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The key of the notice that the decline told under <paramref name="declineKey"/> was withdrawn: one per decline.</summary>
    public static string DeclineWithdrawnKey(string declineKey) => $"{DeclineWithdrawn}:{declineKey[(RequestDeclined.Length + 1)..]}";

    /// <summary>Whether the leader was mailed the decline that a notice of its withdrawal (<see cref="DeclineWithdrawnKey"/>) is about: they hear of the withdrawal as they heard of the decline.</summary>
    public async Task<bool> DeclineWasMailedAsync(long withdrawnNoticeId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select exists (select 1 from {settings.Schema}.notifications w
                             join {settings.Schema}.notifications d on d.key = '{RequestDeclined}:' || substr(w.key, {DeclineWithdrawn.Length + 2})
                             join {settings.Schema}.mail_sent m on m.what = 'notice:' || d.id
                            where w.id = $1)
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = withdrawnNoticeId });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Withdraws the notices of <paramref name="kind"/> to <paramref name="userId"/> about <paramref name="leaderId"/> that they have
    /// neither marked read nor been mailed: a mentor taken off a leader before they heard of it (a wrong pick undone) is told
    /// neither way. One they heard of stays, and no longer names the leader (the page's rule).
    /// </summary>
    public Task WithdrawUnheardAsync(Guid userId, Guid leaderId, string kind, CancellationToken ct) =>
        WithdrawUnheardAsync(
            "n.user_id = $1 and n.leader_id = $2 and n.kind = $3",
            $"select r.read_through from {settings.Schema}.notification_reads r where r.user_id = n.user_id",
            () => [new NpgsqlParameter<Guid> { TypedValue = userId }, new NpgsqlParameter<Guid> { TypedValue = leaderId }, new NpgsqlParameter<string> { TypedValue = kind }],
            ct);

    /// <summary>
    /// Withdraws the standing notices <paramref name="filter"/> picks (over <c>n</c>) whose reader has neither marked them read
    /// (<paramref name="readMark"/>: a query for the reader's mark) nor been mailed them. The notices are locked first, as a
    /// mail's claim locks them (<see cref="Mail.MailClaims"/>), then looked at in a statement of its own, which sees a claim
    /// committed while it waited: a notice is never both mailed and withdrawn (as <see cref="AddRevokedAsync"/> does).
    /// </summary>
    /// <param name="parameters">The filter's values, made anew for each statement (a parameter belongs to one command).</param>
    private async Task WithdrawUnheardAsync(string filter, string readMark, Func<NpgsqlParameter[]> parameters, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var sql in new[]
        {
            $"select n.id from {settings.Schema}.notifications n where {filter} and not n.withdrawn for update",
            $"""
            update {settings.Schema}.notifications n set withdrawn = true
             where {filter} and not n.withdrawn
               and not exists (select 1 from {settings.Schema}.mail_sent m where m.what = 'notice:' || n.id)
               and n.id > coalesce(({readMark}), 0)
            """,
        })
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddRange(parameters());
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// The notices of <paramref name="kind"/> to one user that stand and were not mailed, written from <paramref name="from"/>
    /// to <paramref name="through"/>, oldest first, with the leader each is about: told in one mail.
    /// </summary>
    public async Task<IReadOnlyList<(long Id, Guid LeaderId)>> UnmailedToAsync(Guid userId, string kind, DateTimeOffset from, DateTimeOffset through, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select n.id, n.leader_id from {settings.Schema}.notifications n
             where n.user_id = $1 and n.kind = $2 and n.leader_id is not null and not n.withdrawn
               and n.created_at between $3 and $4
               and not exists (select 1 from {settings.Schema}.mail_sent m where m.what = 'notice:' || n.id)
             order by n.id
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = through.ToUniversalTime() });
        var notices = new List<(long, Guid)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) notices.Add((reader.GetInt64(0), reader.GetGuid(1)));
        return notices;
    }

    /// <summary>One notification and its affiliate, for its mail; null when it is gone (an erasure took it) or withdrawn.</summary>
    public async Task<(Notification Notice, string Affiliate)?> FindAsync(long id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select id, kind, leader_id, position_id, theme_code, level, on_date, created_at, affiliate, user_id from {settings.Schema}.notifications where id = $1 and not withdrawn");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (new Notification(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt32(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6), reader.GetFieldValue<DateTimeOffset>(7), Read: false, reader.IsDBNull(9) ? null : reader.GetGuid(9)),
            reader.GetString(8));
    }

    /// <summary>
    /// Whether a newer notice of the same leader's same level stands (attained again, or taken back): a held
    /// "attained" mail is then not sent, as it would come after what the leader was told since.
    /// </summary>
    public async Task<bool> SupersededAsync(Notification notice, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select exists (select 1 from {settings.Schema}.notifications n
                            where n.leader_id = $1 and n.theme_code = $2 and n.level = $3 and n.id > $4 and not n.withdrawn
                              and n.kind in ('{LevelAttained}', '{LevelRevoked}'))
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = notice.LeaderId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = notice.ThemeCode, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = notice.Level, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = notice.Id });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task ForgetLeaderAsync(Guid leaderId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"delete from {settings.Schema}.notifications where leader_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The caller's own, newest first, older than <paramref name="before"/> when given: a leader's about
    /// themself, staff's about their affiliate's positions, a mentor's about their mentees.
    /// </summary>
    public async Task<IReadOnlyList<Notification>> ForAsync(CurrentUser caller, int limit, CancellationToken ct, long? before = null)
    {
        await using var command = Scoped(caller, $$"""
            select n.id, n.kind, n.leader_id, n.position_id, n.theme_code, n.level, n.on_date, n.created_at,
                   n.id <= coalesce((select r.read_through from {{settings.Schema}}.notification_reads r where r.user_id = $2), 0)
              from {{settings.Schema}}.notifications n
             where {0} and not n.withdrawn and n.id < $3 order by n.id desc limit $4
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = before ?? long.MaxValue });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var list = new List<Notification>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new Notification(reader.GetInt64(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetBoolean(8)));
        return list;
    }

    /// <summary>How many of the caller's notifications they have not marked read, counted up to <paramref name="atMost"/> (a menu says "9+", not the exact number).</summary>
    public async Task<int> UnreadCountAsync(CurrentUser caller, int atMost, CancellationToken ct)
    {
        await using var command = Scoped(caller, $$"""
            select count(*)::int from (
                select 1 from {{settings.Schema}}.notifications n
                 where {0} and not n.withdrawn and n.id > coalesce((select r.read_through from {{settings.Schema}}.notification_reads r where r.user_id = $2), 0)
                 limit $3) unread
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = atMost });
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Marks the caller's notifications up to <paramref name="throughId"/> read (all of them when null), never
    /// past the newest they have now: one written later is unread whatever id was sent. A mark never moves
    /// back, so a page opened before another's "mark read" does not undo it.
    /// </summary>
    public async Task MarkReadAsync(CurrentUser caller, long? throughId, CancellationToken ct)
    {
        // Who may act is settled before what they sent is judged.
        await using var command = Scoped(caller, $$"""
            insert into {{settings.Schema}}.notification_reads (user_id, read_through)
            select $2, case when newest is null then 0 else least(coalesce($3, newest), newest) end
              from (select max(n.id) as newest from {{settings.Schema}}.notifications n where {0}) own
            on conflict (user_id) do update set read_through = greatest(notification_reads.read_through, excluded.read_through)
            """);
        if (throughId is < 0) throw new RequestValidationException("throughId", "throughId is the id of a notification: 0 or more.");
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = throughId, NpgsqlDbType = NpgsqlDbType.Bigint });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Who has notifications to read: a leader (their own), a mentor (their own), an affiliate's staff (the affiliate's); the menu and the page ask this too.</summary>
    public static bool MayRead(CurrentUser caller) => caller is { Role: Roles.Leader, LeaderId: not null } or { Role: Roles.Mentor } or { IsAdmin: true, Affiliate: not null };

    /// <summary>
    /// A statement over the caller's own notifications: <c>{0}</c> in <paramref name="sql"/> is the filter
    /// on <c>n</c>, $1 what it filters by, $2 the caller's user id; further parameters are the caller's to add.
    /// </summary>
    private NpgsqlCommand Scoped(CurrentUser caller, string sql)
    {
        var (filter, value) = caller switch
        {
            // A leader's are about them and to them: one to their mentor about them is not theirs.
            { Role: Roles.Leader, LeaderId: { } leaderId } => ("n.leader_id = $1 and n.user_id is null", (object)leaderId),
            { Role: Roles.Mentor } => ("n.user_id = $1", caller.UserId),
            { IsAdmin: true, Affiliate: { } affiliate } => ("n.leader_id is null and n.affiliate = $1", affiliate),
            _ => throw new ForbiddenException("Leaders and mentors read their own notifications; staff read their affiliate's."),
        };
        var command = dataSource.CreateCommand(string.Format(sql, filter));
        command.Parameters.Add(value is Guid g ? new NpgsqlParameter<Guid> { TypedValue = g } : new NpgsqlParameter<string> { TypedValue = (string)value });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
        return command;
    }
}
