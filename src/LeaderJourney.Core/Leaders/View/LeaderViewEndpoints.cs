using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Leaders.View;

/// <summary>Reading one leader: the record (with its ETag), progress (now or as of a date), history, and why a level was attained.</summary>
public static class LeaderViewEndpoints
{
    public static void Map(RouteGroupBuilder leaders, EventTypeRegistry types)
    {
        leaders.MapGet("/{id}", async (string id, HttpContext http, LeaderReader reader, CancellationToken ct) =>
        {
            var leader = await reader.ReadCurrentRecordAsync(LeaderInput.Id(id), http.CurrentUser(), ct, http.TokenCheckAhead());
            http.Response.Headers.ETag = $"\"{leader.Version}\"";
            return Results.Ok(new LeaderRecordBody(leader.Id, leader.Affiliate, leader.Local, leader.DisplayName, leader.Erased ? null : leader.Email, leader.Erased,
                leader.FrameworkEditionId, leader.Status.ToString().ToLowerInvariant(), leader.Mentors.Order().ToArray(),
                leader.Positions.Select(p => new HeldPositionBody(p.Title, p.From, p.To)).ToArray(), leader.Version));
        }).Produces<LeaderRecordBody>().ChecksTokenWithItsRead();

        leaders.MapGet("/{id}/progress", async (string id, string? asOf, HttpContext http, LeaderReader reader, LeaderProgressQueries queries, FrameworkScopes scopes,
            Privacy.Audit.SensitiveReads audit, CancellationToken ct) =>
            {
                var caller = http.CurrentUser();
                LeaderReader.EnsureNotBoard(caller);
                var at = LeaderInput.AsOf(asOf);
                var leaderId = LeaderInput.Id(id);
                ProgressView progress;
                var entry = audit.EntryOfLeaderRead(caller, Privacy.Audit.SensitiveReads.LeaderRecord, leaderId);
                if (await queries.ReadAsync(leaderId, at, ct, http.TokenCheckAhead(), entry) is { } rows)
                {
                    // The read model answers; scoping is the same rule the stream reader applies (and the audit's entry, in the read's batch).
                    if (rows.Leader is not { } row || !LeaderReader.MaySee(caller, leaderId, row.Affiliate))
                        throw new NotFoundException($"There is no leader {leaderId}.");
                    progress = rows.View(leaderId, (await scopes.FindAsync(row.FrameworkEditionId, ct))!);
                }
                else
                {
                    // While the read model's first generation is still being built, fold the stream.
                    var loaded = await reader.ReadRecordAsync(leaderId, caller, ct, at);
                    progress = LeaderProgress.Of(loaded.State, loaded.Scope.ThemeToDomain) with { LeaderId = leaderId };
                }
                return Results.Ok(new ProgressBody(leaderId, at, progress.Themes, progress.Domains));
            }).Produces<ProgressBody>().ChecksTokenWithItsRead();

        leaders.MapGet("/{id}/history", async (string id, HttpContext http, LeaderReader reader, CancellationToken ct) =>
        {
            var loaded = await reader.ReadRecordAsync(LeaderInput.Id(id), http.CurrentUser(), ct);
            return Results.Ok(loaded.Events.Select(e => HistoryEntryBody.Of(e, types)));
        }).Produces<IReadOnlyList<HistoryEntryBody>>();

        leaders.MapGet("/{id}/attainments/{themeCode}/{level}", async (string id, string themeCode, string level, HttpContext http, LeaderReader reader, CancellationToken ct) =>
        {
            var loaded = await reader.ReadRecordAsync(LeaderInput.Id(id), http.CurrentUser(), ct);
            loaded.Scope.ValidateTheme(themeCode);
            if (!int.TryParse(level, out var number)) throw new RequestValidationException("level", $"Level must be a whole number from 1 to {loaded.Scope.MaxLevel}.");
            loaded.Scope.ValidateLevel(number);
            var attained = loaded.Events.Select(e => e.Data).OfType<LevelAttained>().LastOrDefault(a => a.ThemeCode == themeCode && a.Level == number);
            if (attained is null || !loaded.State.HasAttained(themeCode, number))
                throw new NotFoundException($"Level {number} of {themeCode} is not attained.");
            var byVersion = loaded.Events.ToDictionary(e => e.Version);
            return Results.Ok(new AttainmentBody(loaded.State.Id, themeCode, number, attained.AttainedAt,
                attained.Provenance.Select(c => new AttainmentClauseBody(c.Rule, c.EventVersions.Select(v => HistoryEntryBody.Of(byVersion[v], types)).ToArray())).ToArray()));
        }).Produces<AttainmentBody>();
    }
}

/// <summary>A leader's record (GET /api/leaders/{id}); the email is null once erased.</summary>
public sealed record LeaderRecordBody(Guid Id, string Affiliate, string? Local, string DisplayName, string? Email, bool Erased, Guid FrameworkId,
    string Status, Guid[] Mentors, HeldPositionBody[] Positions, long Version);

/// <summary>A position the leader held (or holds, without <see cref="To"/>).</summary>
public sealed record HeldPositionBody(string Title, DateOnly From, DateOnly? To);

/// <summary>A leader's level in each theme and domain, now or as of <see cref="AsOf"/>.</summary>
public sealed record ProgressBody(Guid LeaderId, DateTimeOffset? AsOf, IReadOnlyList<ThemeProgress> Themes, IReadOnlyList<DomainProgress> Domains);

/// <summary>One event of a leader's history: its version, published name, when it was recorded, by whom, and its data.</summary>
public sealed record HistoryEntryBody(long Version, string Type, DateTimeOffset At, string? Actor, JsonElement Data)
{
    public static HistoryEntryBody Of(StoredEvent e, EventTypeRegistry types) =>
        new(e.Version, e.TypeName, e.Timestamp, e.UserName, JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), types.JsonOptions));
}

/// <summary>Why a level was attained: each clause of the rule with the events that met it.</summary>
public sealed record AttainmentBody(Guid LeaderId, string ThemeCode, int Level, DateTimeOffset AttainedAt, AttainmentClauseBody[] Clauses);

public sealed record AttainmentClauseBody(string Rule, HistoryEntryBody[] Events);
