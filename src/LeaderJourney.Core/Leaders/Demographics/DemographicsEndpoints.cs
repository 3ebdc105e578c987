using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.EventStore;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Leaders.Demographics;

/// <summary>What recording or withdrawing demographics answers: whether consent now stands.</summary>
public sealed record ConsentBody(bool Consent);

public sealed record DemographicsBody(IReadOnlyList<string>? RaceEthnicity, string? Gender, string? JobCategory, bool? Consent);

/// <summary>
/// A leader's self-identified demographics, with consent: recorded by the leader or by staff on the
/// leader's stated consent, shown back to the leader alone, counted elsewhere only in aggregates. The
/// one write path for the API and the pages.
/// </summary>
public sealed class DemographicsWrites(StreamCommandPipeline pipeline, IdempotentAnswers answers, LeaderReader reader, Store store)
{
    public const string StreamType = "demographics";

    public DateTimeOffset Now => pipeline.Now;

    public async Task<Answer> RecordAsync(RecordDemographicsCommand command, int attempt, CancellationToken ct)
    {
        if (command.Consent is not true) throw new RequestValidationException("consent", "Demographics are recorded only with the leader's consent: send consent: true.");
        var caller = command.Sender.Caller;
        var leader = await Writer(command.LeaderId, caller, ct);
        return await Run(leader, command.Sender, new RecordDemographics(command.RaceEthnicity ?? [], command.Gender, command.JobCategory, true, caller.ToActor(), pipeline.Now), attempt, ct);
    }

    public async Task<Answer> WithdrawAsync(WithdrawDemographicsConsentCommand command, int attempt, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var leader = await Writer(command.LeaderId, caller, ct);
        return await Run(leader, command.Sender, new WithdrawDemographicsConsent(caller.ToActor(), pipeline.Now), attempt, ct);
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

    private Task<Answer> Run(LoadedLeader leader, Sender sender, object command, int attempt, CancellationToken ct)
    {
        var leaderId = leader.State.Id;
        return pipeline.RunAsync(DemographicsState.StreamIdFor(leaderId), sender.Caller, sender.Options, history =>
        {
            var state = history.Aggregate(DemographicsState.Initial, (s, e) => DemographicsState.Evolve(s, e.Data));
            var events = DemographicsState.Decide(leaderId, command, state);
            var after = events.Aggregate(state, DemographicsState.Evolve);
            // A withdrawal shreds the demographics key in the same transaction: what was given can no
            // longer be read anywhere, and a later consent starts with a new key. The answers kept for
            // earlier demographics writes under their Idempotency-Keys go too, request hashes included.
            var shred = events.OfType<DemographicsConsentWithdrawn>().Any()
                ? (Func<IDocumentSession, CancellationToken, Task>)((session, _) =>
                {
                    store.ShredSubject(session, DemographicsState.StreamIdFor(leaderId), final: false);
                    answers.Forget(session, DemographicsState.StreamIdFor(leaderId));
                    return Task.CompletedTask;
                })
                : null;
            return Task.FromResult(new StreamDecision(state.Version, StreamType, leader.State.Affiliate, events,
                new Answer(StatusCodes.Status200OK, new ConsentBody(after.Consented)), shred));
        }, attempt, ct);
    }
}

/// <summary>The leader (or staff on the leader's stated consent) records their self-identified demographics.</summary>
public sealed record RecordDemographicsCommand(Guid LeaderId, IReadOnlyList<string>? RaceEthnicity, string? Gender, string? JobCategory, bool? Consent) : LeaderCommand(LeaderId);

/// <summary>The leader withdraws consent: what was given becomes unreadable (its key is shredded).</summary>
public sealed record WithdrawDemographicsConsentCommand(Guid LeaderId) : LeaderCommand(LeaderId);

public static class RecordDemographicsHandler
{
    public static Task<Answer> Handle(RecordDemographicsCommand command, DemographicsWrites writes, Wolverine.Envelope envelope, CancellationToken ct) =>
        writes.RecordAsync(command, envelope.Attempts, ct);
}

public static class WithdrawDemographicsConsentHandler
{
    public static Task<Answer> Handle(WithdrawDemographicsConsentCommand command, DemographicsWrites writes, Wolverine.Envelope envelope, CancellationToken ct) =>
        writes.WithdrawAsync(command, envelope.Attempts, ct);
}

/// <summary>PUT, DELETE and GET /api/leaders/{id}/demographics: the same commands the leader's page sends.</summary>
public static class DemographicsEndpoints
{
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPut("/{id}/demographics", async (string id, DemographicsBody? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
        {
            var leaderId = LeaderInput.Id(id);
            body ??= new DemographicsBody(null, null, null, null);
            return await bus.InvokeAsync<Answer>(new RecordDemographicsCommand(leaderId, body.RaceEthnicity, body.Gender, body.JobCategory, body.Consent) { Sender = http.SenderOf(body) }, ct);
        }).Produces<ConsentBody>();

        leaders.MapDelete("/{id}/demographics", async (string id, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new WithdrawDemographicsConsentCommand(LeaderInput.Id(id)) { Sender = http.SenderOf(new { withdraw = true }) }, ct)).Produces<ConsentBody>();

        leaders.MapGet("/{id}/demographics", async (string id, HttpContext http, DemographicsWrites writes, CancellationToken ct) =>
        {
            var state = await writes.OwnAsync(LeaderInput.Id(id), http.CurrentUser(), ct);
            return Results.Ok(new OwnDemographicsBody(state.Consented, state.RaceEthnicity, state.Gender, state.JobCategory));
        }).Produces<OwnDemographicsBody>();
        // The values the caller's affiliate reports on, for a form to offer (anything else counts as self-described).
        leaders.MapGet("/demographic-lists", (string? affiliate, HttpContext http, Domain.Demographics.DemographicLists lists) =>
        {
            var caller = http.CurrentUser();
            var code = affiliate ?? caller.Affiliate ?? throw new RequestValidationException("affiliate", "Give the affiliate's code (affiliate=...).");
            if (!caller.CanSee(code)) throw new ForbiddenException("You see your own affiliate's lists only.");
            return Results.Ok(Domain.Demographics.DemographicLists.Categories.ToDictionary(c => c, c => lists.For(code, c)));
        }).Produces<Dictionary<string, IReadOnlyList<string>>>();
    }
}

/// <summary>A leader's own demographic answers (GET /api/leaders/{id}/demographics, for the leader alone).</summary>
public sealed record OwnDemographicsBody(bool Consent, IReadOnlyList<string> RaceEthnicity, string? Gender, string? JobCategory);
