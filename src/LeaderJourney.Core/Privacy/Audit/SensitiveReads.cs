using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Core.Privacy.Audit;

/// <param name="AsOf">For a read of an equity breakdown: the moment it was counted to (for the board, a month's end; docs/security.md).</param>
public sealed record SensitiveRead(long Id, DateTimeOffset At, Guid UserId, string Role, string? Affiliate, string What, Guid? LeaderId, DateTimeOffset? AsOf = null);

/// <summary>
/// The trail of who read sensitive data, and when: a leader's record (by anyone but the leader), an
/// equity breakdown, a subject-access export, a download of the staff's list of leaders. It keeps ids and times only, never what was read, and
/// national admins see it all; a leader sees the entries about their own record (their journey page, their data's export).
/// </summary>
public sealed class SensitiveReads(NpgsqlDataSource dataSource, DatabaseSettings settings, TimeProvider clock)
{
    public const string LeaderRecord = "leader-record";
    public const string EquityBreakdown = "equity-breakdown";
    public const string SubjectAccessExport = "subject-access-export";
    /// <summary>Staff downloaded their list of leaders (the filters' result) as a file: one entry, with no leader.</summary>
    public const string LeaderListExport = "leader-list-export";

    /// <summary>Records one read. A leader reading their own record leaves no trail: it discloses nothing.</summary>
    /// <param name="asOf">What an equity breakdown read was counted to (<see cref="SensitiveRead.AsOf"/>).</param>
    public async Task RecordAsync(CurrentUser caller, string what, Guid? leaderId, string? affiliate, CancellationToken ct, DateTimeOffset? asOf = null)
    {
        if (leaderId is not null && caller.LeaderId == leaderId) return;
        await using var command = dataSource.CreateCommand($"""
            insert into {settings.Schema}.sensitive_reads (at, user_id, role, affiliate, what, leader_id, as_of) values ($1, $2, $3, $4, $5, $6, $7)
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Role });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = affiliate, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = what });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leaderId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = asOf?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The entry of a read of a leader's record or progress, as a statement of the read's own batch, so
    /// the read and its entry take one round trip (a separate insert was one of a read's two). It is
    /// written only where the leader's stream lets the caller see them, by the rule of
    /// <see cref="LeaderReader.MaySee"/>: a stream's affiliate is its leader's, set at enrolment. Null
    /// where no entry is due: a leader reading their own record, or another's (refused). A stream
    /// marked archived leaves one too: the record read may still fold its events, and an entry too many
    /// is better than one missing. The statement reads no read model's table, which a rebuild's
    /// switch-over may drop while the batch runs. It commits with the read's batch, before the answer is
    /// made: a read that fails after it (a framework missing from the catalog) still leaves it.
    /// </summary>
    public NpgsqlBatchCommand? EntryOfLeaderRead(CurrentUser caller, string what, Guid leaderId)
    {
        if (caller.Role == Roles.Leader || (!caller.IsNationalAdmin && caller.Affiliate is null)) return null;
        var entry = new NpgsqlBatchCommand($"""
            insert into {settings.Schema}.sensitive_reads (at, user_id, role, affiliate, what, leader_id)
            select $2, $3, $4, s.tenant_id, $5, s.id from {settings.Schema}.mt_streams s
             where s.id = $1 and s.type = '{LeaderWrites.StreamType}' and ($6::text is null or s.tenant_id = $6)
            """);
        entry.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        entry.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        entry.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
        entry.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Role });
        entry.Parameters.Add(new NpgsqlParameter<string> { TypedValue = what });
        entry.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = caller.IsNationalAdmin ? null : caller.Affiliate, NpgsqlDbType = NpgsqlDbType.Text });
        return entry;
    }

    /// <summary>The newest reads first, optionally of one leader or by one user, between two moments.</summary>
    public async Task<IReadOnlyList<SensitiveRead>> ListAsync(Guid? leaderId, Guid? userId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select id, at, user_id, role, affiliate, what, leader_id, as_of from {settings.Schema}.sensitive_reads
             where ($1::uuid is null or leader_id = $1) and ($2::uuid is null or user_id = $2)
               and ($3::timestamptz is null or at >= $3) and ($4::timestamptz is null or at <= $4)
             order by at desc, id desc limit $5
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = leaderId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = userId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var reads = new List<SensitiveRead>();
        while (await reader.ReadAsync(ct))
            reads.Add(new SensitiveRead(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetGuid(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetGuid(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        return reads;
    }

    public const int MaxLimit = 1000;
}

/// <summary>GET /api/audit/sensitive-reads: the trail, for national admins only.</summary>
public static class SensitiveReadsEndpoint
{
    public static IEndpointRouteBuilder MapSensitiveReads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit/sensitive-reads", async (string? leaderId, string? userId, string? from, string? to, int? limit, HttpContext http, SensitiveReads reads, CancellationToken ct) =>
        {
            if (!http.CurrentUser().IsNationalAdmin) throw new ForbiddenException("The audit of sensitive reads is for national admins.");
            var take = limit ?? 200;
            if (take is < 1 or > SensitiveReads.MaxLimit) throw new RequestValidationException("limit", $"limit is between 1 and {SensitiveReads.MaxLimit}.");
            var list = await reads.ListAsync(leaderId is null ? null : LeaderInput.Id(leaderId, "leaderId"), userId is null ? null : LeaderInput.Id(userId, "userId"),
                Moment(from, "from", endOfDay: false), Moment(to, "to", endOfDay: true), take, ct);
            return Results.Ok(list);
        }).WithTags("Audit").RequireAuthorization().Produces<IReadOnlyList<SensitiveRead>>();
        return app;
    }

    /// <summary>A date (the start or the end of that day, UTC) or an ISO 8601 date and time.</summary>
    private static DateTimeOffset? Moment(string? value, string field, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", out var date))
            return new DateTimeOffset(date.ToDateTime(endOfDay ? TimeOnly.MaxValue : TimeOnly.MinValue), TimeSpan.Zero);
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var moment)) return moment;
        throw new RequestValidationException(field, $"{field} is a date (yyyy-MM-dd) or an ISO 8601 date and time.");
    }
}
