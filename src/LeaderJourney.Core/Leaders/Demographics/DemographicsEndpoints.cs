using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Demographics;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using JasperFx.Events;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Leaders.Demographics;

/// <summary>What recording or withdrawing demographics answers: whether consent now stands.</summary>
public sealed record ConsentBody(bool Consent);

public sealed record DemographicsBody(IReadOnlyList<string>? RaceEthnicity, string? Gender, string? JobCategory, bool? Consent);

/// <summary>
/// A leader's self-identified demographics, with consent: recorded by the leader or by staff on the
/// leader's stated consent, shown back to the leader alone, counted elsewhere only in aggregates. The
/// one write path for the API and the pages. The commands run on Wolverine's aggregate handler workflow:
/// Wolverine has loaded the leader's demographics stream (Marten's <c>FetchForExclusiveWriting</c>,
/// folded by <see cref="DemographicsAggregation"/>) in the session of the leader's affiliate, holding the
/// stream's row, and the events, the key shredding of a withdrawal and the answer kept under the
/// Idempotency-Key commit in that session's transaction.
/// </summary>
public sealed class DemographicsWrites(IdempotentAnswers answers, LeaderReader reader, Store store, TimeProvider clock)
{
    public const string StreamType = "demographics";

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<Answer> RecordAsync(RecordDemographicsCommand command, IEventStream<DemographicsState> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var leader = await Writer(command.LeaderId, caller, session, ct);
        return await DecideAsync(command, leader, stream, session, new RecordDemographics(command.RaceEthnicity ?? [], command.Gender, command.JobCategory, true, caller.ToActor(), Now), ct);
    }

    public async Task<Answer> WithdrawAsync(WithdrawDemographicsConsentCommand command, IEventStream<DemographicsState> stream, IDocumentSession session, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        var leader = await Writer(command.LeaderId, caller, session, ct);
        return await DecideAsync(command, leader, stream, session, new WithdrawDemographicsConsent(caller.ToActor(), Now), ct);
    }

    /// <summary>The leader's demographics as they stand; for the leader's own eyes only.</summary>
    public async Task<DemographicsState> OwnAsync(Guid leaderId, CurrentUser caller, CancellationToken ct)
    {
        // Demographic data never leaves aggregates except to the leader themself.
        if (caller.LeaderId != leaderId) throw new ForbiddenException("Only the leader sees their own demographics; reports show them in aggregate.");
        return (await store.ReadStreamAsync(DemographicsState.StreamIdFor(leaderId), ct: ct)).Aggregate(DemographicsState.Initial, (s, e) => DemographicsState.Evolve(s, e.Data));
    }

    // Read through the command's session: it holds the demographics row, and writers queued behind it hold pooled connections.
    private async Task<LoadedLeader> Writer(Guid leaderId, CurrentUser caller, IDocumentSession session, CancellationToken ct)
    {
        var leader = await reader.LoadForCallerAsync(leaderId, caller, ct, within: session);
        // The message was sent for the leader's affiliate (StreamCommandBus): the stream lives there.
        if (leader.State.Affiliate != session.TenantId) throw new NotFoundException($"There is no leader {leaderId}.");
        // Checked after the leader is found, not before the stream is loaded as a position's role is: a
        // leader of another affiliate answers as a missing one (404) whoever asks.
        if (!(caller.IsAdmin || caller.LeaderId == leader.State.Id))
            throw new ForbiddenException("Only the leader, or staff recording the leader's stated consent, records demographics.");
        if (leader.State.Erased) throw new DomainRuleException("This leader's personal data was erased; nothing more is recorded about them.");
        return leader;
    }

    private async Task<Answer> DecideAsync(DemographicsCommand message, LoadedLeader leader, IEventStream<DemographicsState> stream, IDocumentSession session, object command, CancellationToken ct)
    {
        // A repeat of this request may have committed while this one waited for the stream's row.
        if (await answers.FindAsync(message.Sender, ct, session) is { } kept) return kept;
        var leaderId = leader.State.Id;
        var version = message.Sender.CheckIfMatch(stream.Id, stream.StartingVersion);
        var state = stream.Aggregate ?? DemographicsState.Initial;
        var events = DemographicsState.Decide(leaderId, command, state);
        var answer = new Answer(StatusCodes.Status200OK, new ConsentBody(events.Aggregate(state, DemographicsState.Evolve).Consented));
        if (events.Count > 0 && version == 0) store.DeclareNewStream(session, stream.Id, StreamType);
        return answers.Append(session, message.Sender, stream, events, answer, () =>
        {
            // A withdrawal shreds the demographics key in the same transaction: what was given can no
            // longer be read anywhere, and a later consent starts with a new key. The answers kept for
            // earlier demographics writes under their Idempotency-Keys go too, request hashes included.
            if (!events.OfType<DemographicsConsentWithdrawn>().Any()) return;
            store.ShredSubject(session, stream.Id, final: false);
            answers.Forget(session, stream.Id);
        });
    }
}

/// <summary>
/// A write to a leader's demographics stream, kept apart from the journey's (<see cref="DemographicsState.StreamIdFor"/>)
/// and in the leader's affiliate.
/// </summary>
public abstract record DemographicsCommand(Guid LeaderId) : StreamCommand(DemographicsState.StreamIdFor(LeaderId))
{
    /// <summary>The stream Wolverine loads for the handler (its aggregate's id).</summary>
    [JasperFx.Identity]
    public Guid DemographicsStreamId => StreamId;

    public override Guid AffiliationStreamId => LeaderId;
}

/// <summary>The leader (or staff on the leader's stated consent) records their self-identified demographics.</summary>
public sealed record RecordDemographicsCommand(Guid LeaderId, IReadOnlyList<string>? RaceEthnicity, string? Gender, string? JobCategory, bool? Consent) : DemographicsCommand(LeaderId);

/// <summary>The leader withdraws consent: what was given becomes unreadable (its key is shredded).</summary>
public sealed record WithdrawDemographicsConsentCommand(Guid LeaderId) : DemographicsCommand(LeaderId);

public static class RecordDemographicsHandler
{
    /// <summary>Without consent nothing is recorded: refused before the stream is loaded and its row held.</summary>
    public static void Before(RecordDemographicsCommand command)
    {
        if (command.Consent is not true) throw new RequestValidationException("consent", "Demographics are recorded only with the leader's consent: send consent: true.");
    }

    public static void Configure(HandlerChain chain) => StreamCommandBus.RetryLostStart(chain);

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(RecordDemographicsCommand command, DemographicsWrites writes, IEventStream<DemographicsState> stream, IDocumentSession session, CancellationToken ct) =>
        writes.RecordAsync(command, stream, session, ct);
}

public static class WithdrawDemographicsConsentHandler
{
    public static void Configure(HandlerChain chain) => StreamCommandBus.RetryLostStart(chain);

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Task<Answer> Handle(WithdrawDemographicsConsentCommand command, DemographicsWrites writes, IEventStream<DemographicsState> stream, IDocumentSession session, CancellationToken ct) =>
        writes.WithdrawAsync(command, stream, session, ct);
}

/// <summary>PUT, DELETE and GET /api/leaders/{id}/demographics: the same commands the leader's page sends.</summary>
public static class DemographicsEndpoints
{
    public static void Map(RouteGroupBuilder leaders)
    {
        leaders.MapPut("/{id}/demographics", async (string id, DemographicsBody? body, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
        {
            var leaderId = LeaderInput.Id(id);
            body ??= new DemographicsBody(null, null, null, null);
            return await commands.InvokeAsync(new RecordDemographicsCommand(leaderId, body.RaceEthnicity, body.Gender, body.JobCategory, body.Consent) { Sender = http.SenderOf(body) }, ct);
        }).Produces<ConsentBody>().ChecksTokenWithItsWrite();

        leaders.MapDelete("/{id}/demographics", async (string id, HttpContext http, StreamCommandBus commands, CancellationToken ct) =>
            await commands.InvokeAsync(new WithdrawDemographicsConsentCommand(LeaderInput.Id(id)) { Sender = http.SenderOf(new { withdraw = true }) }, ct)).Produces<ConsentBody>().ChecksTokenWithItsWrite();

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
