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
using LeaderJourney.EventStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Privacy.SubjectAccess;

/// <summary>
/// Subject access: everything LeaderJourney holds about one leader, as one JSON document: the
/// profile, every event of their journey and of their demographics (decrypted, as far as the keys
/// still exist), what position records say about them, their progress, their sign-in accounts and
/// who read their record. For the leader themself and their affiliate's admins; every export is
/// itself recorded in the audit of sensitive reads.
/// </summary>
public sealed class SubjectAccessExport(Store store, LeaderReader reader, LeaderProgressQueries progress, SensitiveReads audit,
    Succession.Reports.SuccessionData succession, NpgsqlDataSource dataSource, DatabaseSettings settings, TimeProvider clock)
{
    public async Task<object> ExportAsync(Guid leaderId, CurrentUser caller, CancellationToken ct)
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
        return new
        {
            exportedAt = clock.GetUtcNow(),
            leader = new
            {
                id = leader.Id, affiliate = leader.Affiliate, local = leader.Local, displayName = leader.DisplayName,
                email = leader.Erased ? null : leader.Email, status = leader.Status.ToString().ToLowerInvariant(), erased = leader.Erased,
                frameworkEditionId = leader.FrameworkEditionId,
            },
            journey = loaded.Events.Select(Describe),
            demographics = self
                ? new
                {
                    consent = demographics.Consented, raceEthnicity = demographics.RaceEthnicity, gender = demographics.Gender, jobCategory = demographics.JobCategory,
                    events = demographicEvents.Select(Describe),
                }
                : (object)new { omitted = "Demographics are shown to the leader alone; they are in the leader's own export." },
            positions = await PositionRecordsAsync(leaderId, leader.Affiliate, ct),
            progress = new
            {
                themes = current.Themes.Where(t => t.Level > 0 || t.PendingLevel is not null).Select(t => new { code = t.Code, level = t.Level, pendingLevel = t.PendingLevel, attainedAt = t.AttainedAt }),
                domains = current.Domains.Select(d => new { code = d.Code, level = d.Level }),
            },
            accounts = await AccountsAsync(leaderId, ct),
            readsOfThisRecord = (await audit.ListAsync(leaderId, null, null, null, SensitiveReads.MaxLimit, ct))
                .Select(r => new { r.At, r.UserId, r.Role, r.What }),
        };
    }

    private object Describe(StoredEvent e) => new
    {
        stream = e.StreamId, version = e.Version, type = e.TypeName, at = e.Timestamp, actor = e.UserName,
        data = JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), store.Types.JsonOptions),
    };

    /// <summary>Events in the affiliate's position streams that are about this leader (nominations, readiness, appointments).</summary>
    private async Task<IReadOnlyList<object>> PositionRecordsAsync(Guid leaderId, string affiliate, CancellationToken ct)
    {
        var records = new List<object>();
        foreach (var id in await succession.PositionIdsAsync(affiliate, ct))
            foreach (var e in await store.ReadStreamAsync(id, ct: ct))
                if (IsAbout(e.Data, leaderId))
                    // An appointment's slate judges every candidate: only this leader's own entry is theirs to see.
                    records.Add(Describe(e.Data is Appointed a ? e with { Data = a with { Slate = a.Slate.Where(x => x.LeaderId == leaderId).ToList() } } : e));
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

    private async Task<IReadOnlyList<object>> AccountsAsync(Guid leaderId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select username, role, created_at from {settings.Schema}.users where leader_id = $1 order by created_at");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderId });
        await using var rows = await command.ExecuteReaderAsync(ct);
        var accounts = new List<object>();
        while (await rows.ReadAsync(ct)) accounts.Add(new { username = rows.GetString(0), role = rows.GetString(1), createdAt = rows.GetFieldValue<DateTimeOffset>(2) });
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
        });
    }
}
