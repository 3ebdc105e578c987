using LeaderJourney.Core.Hosting;
using Npgsql;

namespace LeaderJourney.Core.Notifications.Mail;

/// <summary>
/// Which mails were sent (<c>mail_sent</c>: what a mail tells of, by ids, and to whom, by id): a mail is
/// claimed before it is sent and the claim taken back when sending fails, so a reaction or a message that
/// runs twice, or a retry after one of several recipients failed, sends each mail once. A host killed
/// between the claim and the send loses that mail (at most once); the notice stays in the inbox.
/// </summary>
public sealed class MailClaims(NpgsqlDataSource dataSource, DatabaseSettings settings, TimeProvider clock)
{
    public static string Notice(long notificationId) => $"notice:{notificationId}";
    public static string Request(Guid requestEventId) => $"request:{requestEventId}";
    public static string AddressChanged(Guid profileChangedEventId) => $"address-changed:{profileChangedEventId}";

    /// <summary>
    /// True when this caller may send the mail (no one claimed it before). A notice's mail
    /// (<paramref name="notice"/>) is claimed only while the notice stands, its row locked meanwhile: a
    /// level taken back unheard withdraws its notice under the same lock (<see cref="NotificationBox.AddRevokedAsync"/>).
    /// </summary>
    public async Task<bool> ClaimAsync(string what, Guid recipient, CancellationToken ct, long? notice = null)
    {
        await using var command = dataSource.CreateCommand($"""
            insert into {settings.Schema}.mail_sent (what, recipient, sent_at)
            select $1, $2, $3
             where $4::bigint is null or exists (select 1 from {settings.Schema}.notifications n where n.id = $4 and not n.withdrawn for update)
            on conflict do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = what });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = recipient });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = notice, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Claims the mail of each of <paramref name="notices"/> that stands, for one mail telling of them all; the ids claimed.
    /// One statement, in the notices' order: of two runs at once, the one that claims the first waits the other out
    /// and gets none, so the notices are never split between two mails.
    /// </summary>
    public async Task<IReadOnlyList<long>> ClaimNoticesAsync(IReadOnlyList<long> notices, Guid recipient, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            insert into {settings.Schema}.mail_sent (what, recipient, sent_at)
            select 'notice:' || n.id, $2, $3 from {settings.Schema}.notifications n
             where n.id = any($1) and not n.withdrawn order by n.id for update
            on conflict do nothing
            returning what
            """);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. notices] });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = recipient });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        var claimed = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) claimed.Add(long.Parse(reader.GetString(0)["notice:".Length..], System.Globalization.CultureInfo.InvariantCulture));
        return claimed;
    }

    public async Task ReleaseAsync(string what, Guid recipient)
    {
        await using var command = dataSource.CreateCommand($"delete from {settings.Schema}.mail_sent where what = $1 and recipient = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = what });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = recipient });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Whether a mail telling of <paramref name="what"/> went to anyone.</summary>
    public async Task<bool> AnySentAsync(string what, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select exists (select 1 from {settings.Schema}.mail_sent where what = $1)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = what });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
