using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain;
using LeaderJourney.EventStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Leaders.Demographics;

public sealed record DemographicsBody(IReadOnlyList<string>? RaceEthnicity, string? Gender, string? JobCategory, bool? Consent);

/// <summary>
/// A leader's self-identified demographics, with consent: recorded by the leader or by staff on the
/// leader's stated consent, shown back to the leader alone, counted elsewhere only in aggregates.
/// </summary>
public static class DemographicsEndpoints
{
    public const string StreamType = "demographics";

    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPut("/{id}/demographics", (string id, DemographicsBody? body, HttpContext http, StreamCommandPipeline pipeline, LeaderReader reader, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var (caller, leader) = await Writer(http, id, reader, ct);
                if (body?.Consent is not true) throw new RequestValidationException("consent", "Demographics are recorded only with the leader's consent: send consent: true.");
                var command = new RecordDemographics(body.RaceEthnicity ?? [], body.Gender, body.JobCategory, true, caller.ToActor(), pipeline.Now);
                return await Run(leader, caller, http, body, command, pipeline, ct);
            }));

        leaders.MapDelete("/{id}/demographics", (string id, HttpContext http, StreamCommandPipeline pipeline, LeaderReader reader, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var (caller, leader) = await Writer(http, id, reader, ct);
                return await Run(leader, caller, http, new { withdraw = true }, new WithdrawDemographicsConsent(caller.ToActor(), pipeline.Now), pipeline, ct);
            }));

        leaders.MapGet("/{id}/demographics", (string id, HttpContext http, Store store, CancellationToken ct) => Problems.Handle(async () =>
        {
            var caller = http.CurrentUser();
            var leaderId = LeaderInput.Id(id);
            // Demographic data never leaves aggregates except to the leader themself.
            if (caller.LeaderId != leaderId) throw new ForbiddenException("Only the leader sees their own demographics; reports show them in aggregate.");
            var state = await State(store, leaderId, ct);
            return Results.Ok(new { consent = state.Consented, raceEthnicity = state.RaceEthnicity, gender = state.Gender, jobCategory = state.JobCategory });
        }));
    }

    private static async Task<(CurrentUser Caller, LoadedLeader Leader)> Writer(HttpContext http, string id, LeaderReader reader, CancellationToken ct)
    {
        var caller = http.CurrentUser();
        var leader = await reader.LoadForCallerAsync(LeaderInput.Id(id), caller, ct);
        if (!(caller.IsAdmin || caller.LeaderId == leader.State.Id))
            throw new ForbiddenException("Only the leader, or staff recording the leader's stated consent, records demographics.");
        if (leader.State.Erased) throw new DomainRuleException("This leader's personal data was erased; nothing more is recorded about them.");
        return (caller, leader);
    }

    private static Task<IResult> Run(LoadedLeader leader, CurrentUser caller, HttpContext http, object body, object command, StreamCommandPipeline pipeline, CancellationToken ct)
    {
        var leaderId = leader.State.Id;
        return pipeline.RunAsync(DemographicsState.StreamIdFor(leaderId), caller, WriteOptions.From(http.Request, body), history =>
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

    private static async Task<DemographicsState> State(Store store, Guid leaderId, CancellationToken ct) =>
        (await store.ReadStreamAsync(DemographicsState.StreamIdFor(leaderId), ct: ct)).Aggregate(DemographicsState.Initial, (s, e) => DemographicsState.Evolve(s, e.Data));
}
