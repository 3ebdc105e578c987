using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.EventStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Leaders.Demographics;

public sealed record DemographicsBody(IReadOnlyList<string>? RaceEthnicity, string? Gender, string? JobCategory, bool? Consent);

/// <summary>
/// A leader's self-identified demographics, with consent: recorded by the leader or by staff on the
/// leader's stated consent, shown back to the leader alone, counted elsewhere only in aggregates. The
/// one write path for the API and the pages.
/// </summary>
public sealed class DemographicsWrites(StreamCommandPipeline pipeline, LeaderReader reader, Store store)
{
    public const string StreamType = "demographics";

    public DateTimeOffset Now => pipeline.Now;

    public async Task<Answer> RecordAsync(Guid leaderId, CurrentUser caller, WriteOptions options, IReadOnlyList<string> raceEthnicity, string? gender, string? jobCategory, CancellationToken ct)
    {
        var leader = await Writer(leaderId, caller, ct);
        return await Run(leader, caller, options, new RecordDemographics(raceEthnicity, gender, jobCategory, true, caller.ToActor(), pipeline.Now), ct);
    }

    public async Task<Answer> WithdrawAsync(Guid leaderId, CurrentUser caller, WriteOptions options, CancellationToken ct)
    {
        var leader = await Writer(leaderId, caller, ct);
        return await Run(leader, caller, options, new WithdrawDemographicsConsent(caller.ToActor(), pipeline.Now), ct);
    }

    /// <summary>The leader's demographics as they stand; for the leader's own eyes only.</summary>
    public async Task<DemographicsState> OwnAsync(Guid leaderId, CurrentUser caller, CancellationToken ct)
    {
        // Demographic data never leaves aggregates except to the leader themself.
        if (caller.LeaderId != leaderId) throw new ForbiddenException("Only the leader sees their own demographics; reports show them in aggregate.");
        return (await store.ReadStreamAsync(DemographicsState.StreamIdFor(leaderId), ct: ct)).Aggregate(DemographicsState.Initial, (s, e) => DemographicsState.Evolve(s, e.Data));
    }

    private async Task<LoadedLeader> Writer(Guid leaderId, CurrentUser caller, CancellationToken ct)
    {
        var leader = await reader.LoadForCallerAsync(leaderId, caller, ct);
        if (!(caller.IsAdmin || caller.LeaderId == leader.State.Id))
            throw new ForbiddenException("Only the leader, or staff recording the leader's stated consent, records demographics.");
        if (leader.State.Erased) throw new DomainRuleException("This leader's personal data was erased; nothing more is recorded about them.");
        return leader;
    }

    private Task<Answer> Run(LoadedLeader leader, CurrentUser caller, WriteOptions options, object command, CancellationToken ct)
    {
        var leaderId = leader.State.Id;
        return pipeline.RunAsync(DemographicsState.StreamIdFor(leaderId), caller, options, history =>
        {
            var state = history.Aggregate(DemographicsState.Initial, (s, e) => DemographicsState.Evolve(s, e.Data));
            var events = DemographicsState.Decide(leaderId, command, state);
            var after = events.Aggregate(state, DemographicsState.Evolve);
            // A withdrawal shreds the demographics key in the same transaction: what was given can no
            // longer be read anywhere, and a later consent starts with a new key.
            var shred = events.OfType<DemographicsConsentWithdrawn>().Any()
                ? (Func<EventStoreSession, CancellationToken, Task>)((session, token) => session.ShredSubjectAsync(DemographicsState.StreamIdFor(leaderId), final: false, token))
                : null;
            return Task.FromResult(new StreamDecision(state.Version, StreamType, leader.State.Affiliate, events,
                new Answer(StatusCodes.Status200OK, new { consent = after.Consented }), shred));
        }, ct);
    }
}

/// <summary>PUT, DELETE and GET /api/leaders/{id}/demographics.</summary>
public static class DemographicsEndpoints
{
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPut("/{id}/demographics", (string id, DemographicsBody? body, HttpContext http, DemographicsWrites writes, CancellationToken ct) =>
            Problems.Handle(() =>
            {
                if (body?.Consent is not true) throw new RequestValidationException("consent", "Demographics are recorded only with the leader's consent: send consent: true.");
                return writes.RecordAsync(LeaderInput.Id(id), http.CurrentUser(), WriteOptions.From(http.Request, body), body.RaceEthnicity ?? [], body.Gender, body.JobCategory, ct);
            }));

        leaders.MapDelete("/{id}/demographics", (string id, HttpContext http, DemographicsWrites writes, CancellationToken ct) =>
            Problems.Handle(() => writes.WithdrawAsync(LeaderInput.Id(id), http.CurrentUser(), WriteOptions.From(http.Request, new { withdraw = true }), ct)));

        leaders.MapGet("/{id}/demographics", (string id, HttpContext http, DemographicsWrites writes, CancellationToken ct) => Problems.Handle(async () =>
        {
            var state = await writes.OwnAsync(LeaderInput.Id(id), http.CurrentUser(), ct);
            return Results.Ok(new { consent = state.Consented, raceEthnicity = state.RaceEthnicity, gender = state.Gender, jobCategory = state.JobCategory });
        }));
    }
}
