using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
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
            var leader = (await reader.ReadRecordAsync(LeaderInput.Id(id), http.CurrentUser(), ct)).State;
            http.Response.Headers.ETag = $"\"{leader.Version}\"";
            return Results.Ok(new
            {
                id = leader.Id,
                affiliate = leader.Affiliate,
                local = leader.Local,
                displayName = leader.DisplayName,
                email = leader.Erased ? null : leader.Email,
                erased = leader.Erased,
                frameworkId = leader.FrameworkEditionId,
                status = leader.Status.ToString().ToLowerInvariant(),
                mentors = leader.Mentors.Order().ToArray(),
                positions = leader.Positions.Select(p => new { p.Title, p.From, p.To }).ToArray(),
                version = leader.Version,
            });
        });

        leaders.MapGet("/{id}/progress", async (string id, string? asOf, HttpContext http, LeaderReader reader, LeaderProgressQueries queries, FrameworkScopes scopes,
            Privacy.Audit.SensitiveReads audit, CancellationToken ct) =>
            {
                var caller = http.CurrentUser();
                LeaderReader.EnsureNotBoard(caller);
                var at = LeaderInput.AsOf(asOf);
                var leaderId = LeaderInput.Id(id);
                ProgressView progress;
                var (ready, row) = await queries.FindAsync(leaderId, ct);
                if (ready)
                {
                    // The read model answers; scoping is the same rule the stream reader applies.
                    if (row is null || !LeaderReader.MaySee(caller, leaderId, row.Affiliate))
                        throw new NotFoundException($"There is no leader {leaderId}.");
                    await audit.RecordAsync(caller, Privacy.Audit.SensitiveReads.LeaderRecord, leaderId, row.Affiliate, ct);
                    var scope = (await scopes.FindAsync(row.FrameworkEditionId, ct))!;
                    progress = at is { } moment ? await queries.AsOfAsync(leaderId, scope, moment, ct) : await queries.CurrentAsync(leaderId, scope, ct);
                }
                else
                {
                    // While the read model's first generation is still being built, fold the stream.
                    var loaded = await reader.ReadRecordAsync(leaderId, caller, ct, at);
                    progress = LeaderProgress.Of(loaded.State, loaded.Scope.ThemeToDomain) with { LeaderId = leaderId };
                }
                return Results.Ok(new
                {
                    leaderId,
                    asOf = at,
                    themes = progress.Themes.Select(t => new { code = t.Code, level = t.Level, pendingLevel = t.PendingLevel, attainedAt = t.AttainedAt }),
                    domains = progress.Domains.Select(d => new { code = d.Code, level = d.Level }),
                });
            });

        leaders.MapGet("/{id}/history", async (string id, HttpContext http, LeaderReader reader, CancellationToken ct) =>
        {
            var loaded = await reader.ReadRecordAsync(LeaderInput.Id(id), http.CurrentUser(), ct);
            return Results.Ok(loaded.Events.Select(e => new
            {
                version = e.Version,
                type = e.TypeName,
                at = e.Timestamp,
                actor = e.UserName,
                data = JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), types.JsonOptions),
            }));
        });

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
            return Results.Ok(new
            {
                leaderId = loaded.State.Id,
                themeCode,
                level = number,
                attainedAt = attained.AttainedAt,
                clauses = attained.Provenance.Select(c => new
                {
                    rule = c.Rule,
                    events = c.EventVersions.Select(v => new
                    {
                        version = v,
                        type = byVersion[v].TypeName,
                        at = byVersion[v].Timestamp,
                        actor = byVersion[v].UserName,
                        data = JsonSerializer.SerializeToElement(byVersion[v].Data, byVersion[v].Data.GetType(), types.JsonOptions),
                    }),
                }),
            });
        });
    }
}
