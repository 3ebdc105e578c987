using LeaderJourney.Storage;
using LeaderJourney.Core.Projections;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Core.Leaders;

public sealed record LeaderListing(Guid Id, string DisplayName, string? Local, string Status, int AttainedLevels)
{
    /// <summary>The mentors assigned now (filled by <see cref="LeaderLists.PageAsync"/>).</summary>
    public IReadOnlyList<Guid> Mentors { get; init; } = [];

    /// <summary>The framework edition the leader follows (filled by <see cref="LeaderLists.PageAsync"/>).</summary>
    public Guid FrameworkEditionId { get; init; }
}

/// <summary>What staff look for in the leader list: a name (part of it), a local, a status, a mentor or no mentor; a page of it, sorted.</summary>
/// <param name="Status">active, paused or withdrawn; <see cref="OnTheirWay"/> for active or paused; null for any.</param>
/// <param name="Stage">The leader's stage, the highest level attained in any theme (0 for none yet), as the pipeline counts it.</param>
/// <param name="Among">Only these leaders (the stalled ones the pipeline report counts, say), or null for all.</param>
public sealed record LeaderFilter(string? Search = null, string? Local = null, string? Status = null, Guid? Mentor = null, bool NoMentor = false,
    string Sort = LeaderFilter.ByName, int Page = 1, int? Stage = null, IReadOnlyCollection<Guid>? Among = null, bool WithoutErased = false)
{
    /// <summary>Active or paused: the leaders the pipeline counts.</summary>
    public const string OnTheirWay = "current";
    public const string ByName = "name";
    public const string ByLevels = "levels";
    public const string ByEnrolment = "enrolled";
    public const int PageSize = 50;
}

/// <summary>A leader found by name: who an enrolment of that name may repeat.</summary>
public sealed record NamedLeader(Guid Id, string DisplayName, string? Local, string Status);

/// <summary>One page of leaders and how many match in all.</summary>
public sealed record LeaderPage(IReadOnlyList<LeaderListing> Leaders, int Total, int Page, int Pages);

/// <summary>Lists of leaders for staff and mentors, from the read models (affiliate-scoped by the caller's affiliate).</summary>
/// <summary>How many of an affiliate's leaders are in each status, and how many still on their way have no mentor.</summary>
public sealed record LeaderCounts(int Active, int Paused, int Withdrawn, int WithoutMentor)
{
    public int Total => Active + Paused + Withdrawn;
}

public sealed class LeaderLists(ProjectionRuntime projections, NpgsqlDataSource dataSource, Hosting.DatabaseSettings settings, Store store)
{
    /// <summary>
    /// SQL: leader <c>l</c> has a mentor who can sign off, assigned and with a sign-in not disabled. One whose
    /// mentors are all disabled has nobody to sign off their levels, as one with none (the home's count and
    /// the "no mentor" filter); they counted as mentored while their only mentor could not sign in.
    /// </summary>
    private string HasWorkingMentor(string mentors) =>
        $"exists (select 1 from {mentors} m join {settings.Schema}.users u on u.id = m.mentor_user_id where m.leader_id = l.leader_id and u.disabled_at is null)";

    /// <summary>
    /// SQL: leader <c>l</c> is on their way and has no mentor who can sign off: staff's to mend. Not a
    /// withdrawn leader, nor an erased one, whose record takes no mentor (the count could never be cleared).
    /// </summary>
    private string NeedsMentor(string mentors) =>
        $"(l.status <> 'withdrawn' and l.display_name <> '{Domain.Leaders.Leader.ErasedName}' and not {HasWorkingMentor(mentors)})";

    /// <summary>The affiliate's leaders counted by status, in one statement; null while the read models' first generations are built.</summary>
    public async Task<LeaderCounts?> CountsAsync(string affiliate, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        if (leaders is null || mentors is null) return null;
        await using var command = dataSource.CreateCommand($"""
            select count(*) filter (where l.status = 'active'), count(*) filter (where l.status = 'paused'), count(*) filter (where l.status = 'withdrawn'),
                   count(*) filter (where {NeedsMentor(mentors)})
              from {leaders} l where l.affiliate = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new LeaderCounts((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3));
    }

    /// <summary>
    /// A page of the affiliate's leaders matching the filter, with the total: filtered, sorted and cut in
    /// the database, so a page costs about the same at 200 leaders as at 20,000.
    /// </summary>
    public async Task<LeaderPage> PageAsync(string affiliate, LeaderFilter filter, CancellationToken ct)
    {
        var page = Math.Max(1, filter.Page);
        var (list, total) = await ReadAsync(affiliate, filter, LeaderFilter.PageSize, (page - 1) * LeaderFilter.PageSize, ct);
        // A page past the end (a bookmark after leaders left the filter, say) shows the last page.
        if (list.Count == 0 && page > 1)
        {
            var firstPage = await PageAsync(affiliate, filter with { Page = 1 }, ct);
            return firstPage.Pages == 1 ? firstPage : await PageAsync(affiliate, filter with { Page = firstPage.Pages }, ct);
        }
        return new LeaderPage(list, total, page, Math.Max(1, (total + LeaderFilter.PageSize - 1) / LeaderFilter.PageSize));
    }

    /// <summary>Every leader of the affiliate matching the filter, sorted as its pages are: a list to download.</summary>
    public async Task<IReadOnlyList<LeaderListing>> AllAsync(string affiliate, LeaderFilter filter, CancellationToken ct) =>
        (await ReadAsync(affiliate, filter, null, 0, ct)).Leaders;

    private async Task<(IReadOnlyList<LeaderListing> Leaders, int Total)> ReadAsync(string affiliate, LeaderFilter filter, int? limit, int offset, CancellationToken ct)
    {
        var (leaders, nameKey) = await LeadersTableAsync(ct) ?? default;
        var attainments = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "attainments", ct);
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        if (leaders is null || attainments is null || mentors is null) return ([], 0);
        var order = filter.Sort switch
        {
            LeaderFilter.ByLevels => "levels desc, l.display_name, l.leader_id",
            LeaderFilter.ByEnrolment => "l.enrolled_at desc, l.leader_id",
            _ => "lower(l.display_name), l.leader_id",
        };
        await using var command = dataSource.CreateCommand($"""
            select l.leader_id, l.display_name, l.local, l.status,
                   (select count(*) from {attainments} a where a.leader_id = l.leader_id) as levels,
                   coalesce((select array_agg(m.mentor_user_id) from {mentors} m where m.leader_id = l.leader_id), array[]::uuid[]),
                   count(*) over (), l.framework_edition_id
              from {leaders} l
             where l.affiliate = $1
               and ($2::text is null or {nameKey} like '%' || $2 || '%')
               and ($3::text is null or lower(l.local) = lower($3))
               and ($4::text is null or l.status = $4 or ($4 = 'current' and l.status <> 'withdrawn'))
               and ($5::uuid is null or exists (select 1 from {mentors} m where m.leader_id = l.leader_id and m.mentor_user_id = $5))
               and (not $6 or {NeedsMentor(mentors)})
               and ($8::int is null or coalesce((select max(a.level) from {attainments} a where a.leader_id = l.leader_id), 0) = $8)
               and ($9::uuid[] is null or l.leader_id = any($9))
               and (not $10 or l.display_name <> $11)
             order by {order}
             limit {(limit is { } rows ? rows.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")} offset $7
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = Like(Blank(filter.Search) is { } typed ? NameKey(typed) : null), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = Blank(filter.Local), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = Blank(filter.Status), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = filter.Mentor, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = filter.NoMentor });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = offset });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = filter.Stage is >= 0 and <= 3 ? filter.Stage : null, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<Guid[]?> { TypedValue = filter.Among?.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = filter.WithoutErased });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Domain.Leaders.Leader.ErasedName });
        var list = new List<LeaderListing>();
        var total = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                list.Add(new LeaderListing(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), (int)reader.GetInt64(4))
                    { Mentors = reader.GetFieldValue<Guid[]>(5), FrameworkEditionId = reader.GetGuid(7) });
                total = (int)reader.GetInt64(6);
            }
        return (list, total);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // A search is text, not a pattern: % and _ match themselves.
    private static string? Like(string? value) => Blank(value)?.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    /// <summary>
    /// A name as enrolments are compared: its accents, case and hyphens aside (<see cref="NameFold"/>), trimmed and
    /// its spaces one ("Ana  nuñez " is "Ana Nunez", "Mary-Ann" is "Mary Ann").
    /// </summary>
    public static string NameKey(string name) => NameFold.Key(name);

    /// <summary>
    /// The affiliate's leaders, erased ones aside, whose name is one of <paramref name="names"/> as
    /// <see cref="NameKey"/> compares them: the same person enrolled twice (a second form, a list imported
    /// again) is seen before it happens. Two people may share a name, so the pages ask rather than refuse.
    /// </summary>
    public async Task<IReadOnlyList<NamedLeader>> NamedAsync(string affiliate, IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (await LeadersTableAsync(ct) is not var (leaders, nameKey) || names.Count == 0) return [];
        await using var command = dataSource.CreateCommand($"""
            select l.leader_id, l.display_name, l.local, l.status from {leaders} l
             where l.affiliate = $1 and l.display_name <> $3 and {nameKey} = any($2)
             order by l.display_name, l.leader_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. names.Select(NameKey).Distinct()] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Domain.Leaders.Leader.ErasedName });
        var found = new List<NamedLeader>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add(ReadNamed(reader));
        return found;
    }

    /// <summary>
    /// The leaders' active table, and the SQL of a row's name as searches compare it (<see cref="NameKey"/>): the
    /// <c>name_key</c> written with the row, or, while an upgrade builds the version that writes it beside an older
    /// one, the name folded in the query (<see cref="NameFold.Sql"/>; 105-110 ms against 7 ms on 20,000 leaders).
    /// </summary>
    private async Task<(string Table, string NameKey)?> LeadersTableAsync(CancellationToken ct) =>
        await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", LeaderProgressProjection.NameKeysFromVersion, ct) is { } current
            ? (current, "l.name_key")
            : await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct) is { } older
            ? (older, "btrim(regexp_replace(" + NameFold.Sql("l.display_name") + @", '\s+', ' ', 'g'))")
            : null;

    /// <summary>A row of <c>leader_id, display_name, local, status</c>.</summary>
    private static NamedLeader ReadNamed(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));

    /// <summary>An address as enrolments compare it: trimmed, its case ignored.</summary>
    public static string AddressKey(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Can <see cref="WithAddressAsync"/> look for addresses now (not while the leaders' table that keeps them is rebuilt after an upgrade)?</summary>
    public async Task<bool> FindsAddressesAsync(CancellationToken ct) =>
        await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", LeaderProgressProjection.AddressesFromVersion, ct) is not null;

    /// <summary>
    /// The affiliate's leaders whose e-mail address is one of <paramref name="addresses"/> as
    /// <see cref="AddressKey"/> compares them, each with that key: the same person enrolled again under
    /// another spelling of their name is seen too. Addresses are sealed in the events; the leader-progress
    /// read model keeps each as a keyed hash (<see cref="Storage.Projections.LookupHashes"/>), which an
    /// erasure clears.
    /// </summary>
    /// <returns>Null while the addresses cannot be looked at: the version of the read model that keeps their hashes
    /// is still being built beside the last one (after an upgrade), so the callers say the check did not run.</returns>
    public async Task<IReadOnlyList<(NamedLeader Leader, string AddressKey)>?> WithAddressAsync(string affiliate, IReadOnlyCollection<string> addresses, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", LeaderProgressProjection.AddressesFromVersion, ct);
        if (leaders is null) return null;
        if (addresses.Count == 0) return [];
        var keyOfHash = new Dictionary<string, string>();
        foreach (var key in addresses.Select(AddressKey).Distinct())
            if (await store.Hashes.OfAsync(key, ct) is { } hash) keyOfHash[hash] = key;
        if (keyOfHash.Count == 0) return [];
        await using var command = dataSource.CreateCommand($"""
            select l.leader_id, l.display_name, l.local, l.status, l.address_hash from {leaders} l
             where l.affiliate = $1 and l.address_hash = any($2)
             order by l.display_name, l.leader_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keyOfHash.Keys] });
        var found = new List<(NamedLeader, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add((ReadNamed(reader), keyOfHash[reader.GetString(4)]));
        return found;
    }

    /// <summary>
    /// The affiliate's locals, each once however its leaders' records spell its case ("Local 4" and "local 4"
    /// are one local to the filter), as most of its records spell it, most leaders first: what the filter offers.
    /// </summary>
    public async Task<IReadOnlyList<string>> LocalsAsync(string affiliate, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        if (leaders is null) return [];
        await using var command = dataSource.CreateCommand($"""
            select mode() within group (order by l.local) from {leaders} l where l.affiliate = $1 and l.local is not null and l.local <> ''
             group by lower(l.local) order by count(*) desc, 1 limit 500
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        var locals = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) locals.Add(reader.GetString(0));
        return locals;
    }

    /// <summary>The framework editions the affiliate's leaders follow, erased and withdrawn leaders included (a position may wait for them).</summary>
    public async Task<IReadOnlyList<Guid>> EditionsFollowedAsync(string affiliate, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        if (leaders is null) return [];
        await using var command = dataSource.CreateCommand($"select distinct framework_edition_id from {leaders} where affiliate = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        var editions = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) editions.Add(reader.GetGuid(0));
        return editions;
    }

    /// <summary>
    /// Leaders of every affiliate whose name contains <paramref name="text"/> as the search by name compares it
    /// (accents, case and hyphens aside), at most <paramref name="limit"/>, by name: for national admins, who
    /// look a leader up by name in the audit across affiliates.
    /// </summary>
    public async Task<IReadOnlyList<(NamedLeader Leader, string Affiliate)>> NamedLikeInEveryAffiliateAsync(Access.CurrentUser caller, string text, int limit, CancellationToken ct)
    {
        if (!caller.IsNationalAdmin) throw new Access.ForbiddenException("Only national admins look leaders up across affiliates.");
        if (await LeadersTableAsync(ct) is not var (leaders, nameKey) || string.IsNullOrWhiteSpace(text)) return [];
        await using var command = dataSource.CreateCommand($"""
            select l.leader_id, l.display_name, l.local, l.status, l.affiliate from {leaders} l
             where l.display_name <> $3 and {nameKey} like '%' || $1 || '%'
             order by lower(l.display_name), l.affiliate, l.leader_id limit $2
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Like(NameKey(text))! });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Domain.Leaders.Leader.ErasedName });
        var found = new List<(NamedLeader, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add((ReadNamed(reader), reader.GetString(4)));
        return found;
    }

    /// <summary>The names of these leaders as the read model holds them ("Erased leader" after an erasure); leaders it does not know are left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(IReadOnlyCollection<Guid> leaderIds, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        if (leaders is null || leaderIds.Count == 0) return new Dictionary<Guid, string>();
        await using var command = dataSource.CreateCommand($"select leader_id, display_name from {leaders} where leader_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = leaderIds.ToArray() });
        var names = new Dictionary<Guid, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names[reader.GetGuid(0)] = reader.GetString(1);
        return names;
    }

    /// <summary>The framework edition each of these leaders of the affiliate follows; leaders of other affiliates, or unknown, are left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, Guid>> FrameworkEditionsAsync(string affiliate, IReadOnlyCollection<Guid> leaderIds, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        if (leaders is null || leaderIds.Count == 0) return new Dictionary<Guid, Guid>();
        await using var command = dataSource.CreateCommand($"select leader_id, framework_edition_id from {leaders} where affiliate = $1 and leader_id = any($2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = leaderIds.ToArray() });
        var editions = new Dictionary<Guid, Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) editions[reader.GetGuid(0)] = reader.GetGuid(1);
        return editions;
    }

    /// <summary>The leaders a mentor is assigned to (the mentor-queue model keeps the assignments).</summary>
    public async Task<IReadOnlyList<LeaderListing>> MenteesAsync(string affiliate, Guid mentorId, CancellationToken ct)
    {
        var mentors = await projections.ActiveTableAsync(MentorQueueProjection.ProjectionName, "mentors", ct);
        return mentors is null ? [] : await Query("l.affiliate = $1 and exists (select 1 from " + mentors + " m where m.leader_id = l.leader_id and m.mentor_user_id = $2)",
            [affiliate, mentorId], ct);
    }

    private async Task<IReadOnlyList<LeaderListing>> Query(string where, object[] values, CancellationToken ct)
    {
        var leaders = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders", ct);
        var attainments = await projections.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "attainments", ct);
        if (leaders is null || attainments is null) return [];
        await using var command = dataSource.CreateCommand($"""
            select l.leader_id, l.display_name, l.local, l.status, (select count(*) from {attainments} a where a.leader_id = l.leader_id)
              from {leaders} l where {where} order by l.display_name, l.leader_id
            """);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        var list = new List<LeaderListing>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new LeaderListing(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), (int)reader.GetInt64(4)));
        return list;
    }
}
