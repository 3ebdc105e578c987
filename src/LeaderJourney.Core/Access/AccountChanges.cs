using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Core.Access;

/// <summary>
/// Who changed whose sign-in, and how: a user added, a role changed, a sign-in disabled or enabled, an
/// address or a name set or removed, a password link made; and who added or renamed an affiliate (a change
/// to no sign-in, its detail the name given: an affiliate's name is no person's data). Written in the same statement or batch as the
/// change (the audit trail of reads, <c>sensitive_reads</c>, covers reading records; this covers the
/// accounts). Ids, role codes and times only: the names shown are the accounts' own, looked up as the
/// trail is read, so a sign-in deleted on erasure leaves "a removed sign-in" behind, not its name.
/// </summary>
public sealed partial class AccessDirectory
{
    public static class Changes
    {
        public const string Added = "added", Role = "role", Disabled = "disabled", Enabled = "enabled",
            Email = "email", EmailRemoved = "email-removed", Name = "name", NameRemoved = "name-removed", PasswordLink = "password-link",
            AffiliateAdded = "affiliate-added", AffiliateRenamed = "affiliate-renamed", AffiliateRemoved = "affiliate-removed";
    }

    /// <param name="By">The admin's user name; null for the command line (<see cref="ByCommandLine"/>) or an account removed since.</param>
    /// <param name="Username">The changed account's user name, null when it was removed since (an erased leader's).</param>
    /// <param name="UserId">The sign-in changed; null for a change to an affiliate (<see cref="Affiliate"/>).</param>
    /// <param name="Detail">The role given (<see cref="Changes.Added"/>, <see cref="Changes.Role"/>), the affiliate's name given, else null.</param>
    public sealed record AccountChange(DateTimeOffset At, string? By, bool ByCommandLine, Guid? UserId, string? Username, Guid? LeaderId, string Change, string? Detail, string? Affiliate = null);

    /// <summary>How many changes the users page shows, newest first.</summary>
    public const int ChangesShown = 20;

    /// <summary>
    /// The latest changes to the sign-ins of an affiliate, newest first, as the users page lists them: an
    /// affiliate admin reads their own affiliate's only; a national admin one affiliate's, or with none
    /// named every sign-in's (national admins' too), as their list of users is.
    /// </summary>
    public async Task<IReadOnlyList<AccountChange>> AccountChangesAsync(CurrentUser caller, string? affiliate, CancellationToken ct = default, int limit = ChangesShown)
    {
        if (!caller.IsAdmin) throw new ForbiddenException("Only admins read the changes to sign-ins.");
        if (!caller.IsNationalAdmin) affiliate = caller.Affiliate;
        await using var command = dataSource.CreateCommand($"""
            select c.at, a.username, c.actor is null, c.user_id, u.username, u.leader_id, c.change, c.detail, c.affiliate
              from {schema}.account_changes c
              left join {schema}.users a on a.id = c.actor
              left join {schema}.users u on u.id = c.user_id
             {(affiliate is null ? "" : AffiliateSinceAdded)}
             order by c.id desc limit $1
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        if (affiliate is not null) command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        var changes = new List<AccountChange>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            changes.Add(new(reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        return changes;
    }

    /// <summary>
    /// One affiliate's entries ($2) since it was last added: a code removed (added by mistake) and added again later is
    /// another affiliate, whose readers do not see the first one's entries (a national admin's trail of every affiliate
    /// keeps both).
    /// </summary>
    private string AffiliateSinceAdded => $"""
        where c.affiliate = $2
          and c.id >= coalesce((select max(x.id) from {schema}.account_changes x where x.affiliate = $2 and x.change = '{Changes.AffiliateAdded}'), 0)
        """;

    /// <summary>The trail's entry for an affiliate added or renamed, as a statement over the CTE <paramref name="changed"/> (its <c>code</c>; the name at $2, the time at $3, who changed it at $4, <see cref="ActorOf"/>).</summary>
    private string AffiliateTrail(string changed, string change) => $"""
        insert into {schema}.account_changes (at, actor, user_id, affiliate, change, detail) select $3, $4, null, code, '{change}', $2 from {changed}
        """;

    private static NpgsqlParameter<Guid?> ActorOf(CurrentUser? by) =>
        new() { TypedValue = by is null || by.IsOperator ? null : by.UserId, NpgsqlDbType = NpgsqlDbType.Uuid };

    /// <summary>A change to <paramref name="user"/>'s sign-in by <paramref name="caller"/> (the command line kept as no one), to send with the change itself.</summary>
    private NpgsqlBatchCommand Trail(CurrentUser caller, UserSummary user, string change, string? detail = null) => new($"""
        insert into {schema}.account_changes (at, actor, user_id, affiliate, change, detail) values ($1, $2, $3, $4, $5, $6)
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() },
            ActorOf(caller),
            new NpgsqlParameter<Guid> { TypedValue = user.Id },
            new NpgsqlParameter<string?> { TypedValue = user.Affiliate, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter<string> { TypedValue = change },
            new NpgsqlParameter<string?> { TypedValue = detail, NpgsqlDbType = NpgsqlDbType.Text },
        },
    };
}
