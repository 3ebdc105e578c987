using System.Text.Json.Serialization;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.View;
using LeaderJourney.Core.Privacy.Audit;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using LeaderJourney.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace LeaderJourney.Core.Privacy.SubjectAccess;

/// <summary>
/// Subject access: everything LeaderJourney holds about one leader, as one JSON document: the
/// profile, every event of their journey and of their demographics (decrypted, as far as the keys
/// still exist), what position records say about them, their progress, their sign-in accounts and
/// who read their record. For the leader themself and their affiliate's admins; every export is
/// itself recorded in the audit of sensitive reads.
/// </summary>
public sealed class SubjectAccessExport(Store store, LeaderReader reader, LeaderProgressQueries progress, SensitiveReads audit,
    Succession.Reports.SuccessionData succession, NpgsqlDataSource dataSource, DatabaseSettings settings, TimeProvider clock, Access.AccessDirectory directory)
{
    public async Task<PersonalDataExport> ExportAsync(Guid leaderId, CurrentUser caller, CancellationToken ct)
    {
        var loaded = await reader.LoadForCallerAsync(leaderId, caller, ct);
        if (!(caller.IsAdmin || caller.LeaderId == leaderId))
            throw new ForbiddenException("A leader's data is exported for the leader themself, or by their affiliate's admins.");
        var leader = loaded.State;
        await audit.RecordAsync(caller, SensitiveReads.SubjectAccessExport, leaderId, leader.Affiliate, ct);

        // Demographics never leave aggregates except to the leader themself: an admin's export leaves them out.
        var self = caller.LeaderId == leaderId;
        var demographicEvents = self ? await store.ReadStreamAsync(DemographicsState.StreamIdFor(leaderId), ct: ct) : [];
        var demographics = demographicEvents.Aggregate(DemographicsState.Initial, (s, e) => DemographicsState.Evolve(s, e.Data));
        var current = await progress.CurrentAsync(leaderId, loaded.Scope, ct);
        var journey = loaded.Events.Select(Describe).ToList();
        // The events name mentors by user id: their names as the leader's pages show them, for those the journey names.
        var named = string.Concat(journey.Select(e => e.Data.GetRawText()));
        var mentors = (await directory.MentorNamesAsync(leader.Affiliate, ct)).Where(m => named.Contains(m.Key.ToString(), StringComparison.Ordinal))
            .ToDictionary(m => m.Key, m => m.Value);
        return new PersonalDataExport(
            clock.GetUtcNow(),
            new ExportedLeader(leader.Id, leader.Affiliate, leader.Local, leader.DisplayName, leader.Erased ? null : leader.Email,
                leader.Status.ToString().ToLowerInvariant(), leader.Erased, leader.FrameworkEditionId),
            journey,
            self
                ? new OwnDemographics(demographics.Consented, demographics.RaceEthnicity, demographics.Gender, demographics.JobCategory, SinceLastWithdrawal(demographicEvents).Select(Describe).ToList())
                : new DemographicsOmitted("Demographics are shown to the leader alone; they are in the leader's own export."),
            await PositionRecordsAsync(leaderId, leader.Affiliate, ct),
            new ExportedProgress(current.Themes.Where(t => t.Level > 0 || t.PendingLevel is not null).ToList(), current.Domains),
            await AccountsAsync(leaderId, ct),
            (await audit.ListAsync(leaderId, null, null, null, SensitiveReads.MaxLimit, ct)).Select(r => new ExportedRead(r.At, r.UserId, r.Role, r.What)).ToList())
        { Mentors = mentors };
    }

    /// <summary>
    /// The demographics events after the last withdrawal of consent: what came before is unreadable (its key
    /// is shredded), and that it was ever given is not told to whoever holds the sign-in next (a password
    /// link an admin made withdraws the leader's answers first: Access/PasswordReset).
    /// </summary>
    private static IEnumerable<StoredEvent> SinceLastWithdrawal(IReadOnlyList<StoredEvent> events) =>
        events.Skip(events.Select((e, i) => (e, i)).LastOrDefault(x => x.e.Data is DemographicsConsentWithdrawn, (null!, -1)).i + 1);

    private ExportedEvent Describe(StoredEvent e) =>
        new(e.StreamId, e.Version, e.TypeName, e.Timestamp, e.UserName, JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), store.Types.JsonOptions));

    /// <summary>Events in the affiliate's position streams that are about this leader (nominations, readiness, appointments).</summary>
    private async Task<IReadOnlyList<ExportedEvent>> PositionRecordsAsync(Guid leaderId, string affiliate, CancellationToken ct)
    {
        var records = new List<ExportedEvent>();
        foreach (var id in await succession.PositionIdsAsync(affiliate, ct))
        {
            var position = Position.Initial;
            foreach (var e in await store.ReadStreamAsync(id, ct: ct))
            {
                // A retirement closes the slate: it ends the nomination of each leader on it, so it is theirs too.
                if (IsAbout(e.Data, leaderId) || e.Data is PositionRetired && position.IsNominated(leaderId))
                    // An appointment's slate judges every candidate: only this leader's own entry is theirs to see.
                    records.Add(Describe(e.Data is Appointed a ? e with { Data = a with { Slate = a.Slate.Where(x => x.LeaderId == leaderId).ToList() } } : e));
                position = Position.Evolve(position, e.Data);
            }
        }
        return records;
    }

    private static bool IsAbout(object positionEvent, Guid leaderId) => positionEvent switch
    {
        IncumbentSeated e => e.LeaderId == leaderId,
        IncumbentVacated e => e.LeaderId == leaderId,
        CandidateNominated e => e.LeaderId == leaderId,
        CandidateWithdrawn e => e.LeaderId == leaderId,
        ReadinessAssessed e => e.LeaderId == leaderId,
        Appointed e => e.LeaderId == leaderId || e.Slate.Any(s => s.LeaderId == leaderId),
        _ => false,
    };

    private async Task<IReadOnlyList<ExportedAccount>> AccountsAsync(Guid leaderId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select username, role, created_at, language from {settings.Schema}.users where leader_id = $1 order by created_at");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        await using var rows = await command.ExecuteReaderAsync(ct);
        var accounts = new List<ExportedAccount>();
        while (await rows.ReadAsync(ct))
            accounts.Add(new ExportedAccount(rows.GetString(0), rows.GetString(1), rows.GetFieldValue<DateTimeOffset>(2), rows.IsDBNull(3) ? null : rows.GetString(3)));
        return accounts;
    }

    /// <summary>GET /api/leaders/{id}/personal-data</summary>
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapGet("/{id}/personal-data", async (string id, HttpContext http, SubjectAccessExport export, CancellationToken ct) =>
        {
            var leaderId = LeaderInput.Id(id);
            var document = await export.ExportAsync(leaderId, http.CurrentUser(), ct);
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"leader-{leaderId}-personal-data.json\"";
            return Results.Json(document, JsonSerializerOptions.Web);
        }).Produces<PersonalDataExport>();
    }
}

/// <summary>Everything LeaderJourney holds about a leader (GET /api/leaders/{id}/personal-data).</summary>
public sealed record PersonalDataExport(DateTimeOffset ExportedAt, ExportedLeader Leader, IReadOnlyList<ExportedEvent> Journey, ExportedDemographics Demographics,
    IReadOnlyList<ExportedEvent> Positions, ExportedProgress Progress, IReadOnlyList<ExportedAccount> Accounts, IReadOnlyList<ExportedRead> ReadsOfThisRecord)
{
    /// <summary>The mentors the journey's events name by user id, by the name the leader's pages show them by.</summary>
    public IReadOnlyDictionary<Guid, string> Mentors { get; init; } = new Dictionary<Guid, string>();
}

public sealed record ExportedLeader(Guid Id, string Affiliate, string? Local, string DisplayName, string? Email, string Status, bool Erased, Guid FrameworkEditionId);

/// <summary>One event of the leader's streams, or of a position's stream about them.</summary>
public sealed record ExportedEvent(Guid Stream, long Version, string Type, DateTimeOffset At, string? Actor, JsonElement Data);

/// <summary>The leader's own demographics (<see cref="OwnDemographics"/>), or in an admin's export only why they are left out (<see cref="DemographicsOmitted"/>).</summary>
[JsonDerivedType(typeof(OwnDemographics))]
[JsonDerivedType(typeof(DemographicsOmitted))]
public abstract record ExportedDemographics;

public sealed record OwnDemographics(bool Consent, IReadOnlyList<string> RaceEthnicity, string? Gender, string? JobCategory, IReadOnlyList<ExportedEvent> Events) : ExportedDemographics;

public sealed record DemographicsOmitted(string Omitted) : ExportedDemographics;

public sealed record ExportedProgress(IReadOnlyList<ThemeProgress> Themes, IReadOnlyList<DomainProgress> Domains);

/// <param name="Language">The language of the account's pages when they last signed in or chose one (their mails are written in it); null before.</param>
public sealed record ExportedAccount(string Username, string Role, DateTimeOffset CreatedAt, string? Language);

public sealed record ExportedRead(DateTimeOffset At, Guid UserId, string Role, string What);
