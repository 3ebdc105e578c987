using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using JasperFx.Events;
using Marten;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;
using ConcurrencyStyle = Wolverine.Marten.ConcurrencyStyle;

namespace LeaderJourney.Core.Leaders.Enrol;

/// <summary>What an enrolment answers: the new leader's id and stream version.</summary>
public sealed record EnrolledBody(Guid Id, long Version);

public sealed record EnrolLeaderRequest(string? Affiliate, string? DisplayName, string? Email, string? Local, string? FrameworkId);

/// <summary>Staff enrol a leader in their affiliate, tracked against a framework edition (by default the latest NEA edition). The sender picks the new leader's id.</summary>
public sealed record EnrolLeaderCommand(Guid LeaderId, string? Affiliate, string? DisplayName, string? Email, string? Local, string? FrameworkId) : LeaderCommand(LeaderId)
{
    /// <summary>The new stream belongs to the affiliate named (or the caller's): the message is sent for it.</summary>
    public override string? NewStreamAffiliate => Affiliate?.Trim() ?? Sender.Caller.Affiliate;

    /// <summary>
    /// Refuse (<see cref="AlreadyEnrolledException"/>) if a leader of the affiliate has this address or name, looked for
    /// while the enrolment holds its affiliate's turn (<see cref="EnrolledAlready"/>): the staff page asks so, until staff
    /// say this is someone else, and so does each row of an import.
    /// </summary>
    public bool AsksIfEnrolled { get; init; }
}

public static class EnrolLeaderHandler
{
    /// <summary>Two enrolments under one id (a repeat without its Idempotency-Key): the one that loses is handled once more and answers 409.</summary>
    public static void Configure(HandlerChain chain) => StreamCommandBus.RetryLostStart(chain);

    /// <summary>The role, the affiliate and the input, checked before Wolverine loads the new leader's stream (in the affiliate's session).</summary>
    public static async Task<Enroll> LoadAsync(EnrolLeaderCommand command, LeaderWrites writes, FrameworkCatalog catalog, FrameworkScopes scopes, AccessDirectory directory, CancellationToken ct)
    {
        var caller = command.Sender.Caller;
        if (!caller.IsAdmin) throw new ForbiddenException("Only admins enrol leaders.");
        var affiliate = LeaderInput.Required(command.NewStreamAffiliate, "affiliate", 16);
        if (!caller.CanSee(affiliate)) throw new ForbiddenException("An affiliate admin enrols leaders of their own affiliate only.");
        if (!await directory.AffiliateExistsAsync(affiliate, ct)) throw new RequestValidationException("affiliate", $"There is no affiliate '{affiliate}'.");
        var displayName = LeaderInput.LeaderName(command.DisplayName, "displayName");
        var email = LeaderInput.Email(command.Email);
        var local = LeaderInput.Optional(command.Local, "local", LeaderInput.MaxLocalLength);
        var frameworkId = command.FrameworkId is { } raw ? LeaderInput.Id(raw, "frameworkId") : await DefaultFramework(catalog, ct);
        if (await scopes.FindAsync(frameworkId, ct) is null)
            throw new RequestValidationException("frameworkId", $"There is no framework edition {frameworkId}; GET /api/frameworks lists them.");
        return new Enroll(command.LeaderId, affiliate, local, displayName, email, frameworkId, caller.ToActor(), writes.Now);
    }

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static async Task<Answer> Handle(EnrolLeaderCommand command, Enroll enroll, LeaderWrites writes, LeaderLists lists, IEventStream<Leader> stream, IDocumentSession session, CancellationToken ct)
    {
        // The turn comes before the look for a kept answer: a repeat of an enrolment that asked then finds that answer, not the leader it made.
        if (command.AsksIfEnrolled) await EnrolledAlready.TakeTurnAsync(session, enroll.Affiliate, ct);
        return await writes.StartAsync(command, enroll, stream, session,
            outcome => new Answer(StatusCodes.Status201Created, new EnrolledBody(command.LeaderId, outcome.State.Version), $"/api/leaders/{command.LeaderId}"), ct,
            command.AsksIfEnrolled ? c => EnrolledAlready.RefuseIfFoundAsync(lists, enroll.Affiliate, enroll.DisplayName, enroll.Email, c) : null);
    }

    private static async Task<Guid> DefaultFramework(FrameworkCatalog catalog, CancellationToken ct) =>
        await catalog.DefaultEditionAsync(ct) ?? throw new RequestValidationException("frameworkId", "Give frameworkId: the default framework is not in the catalog.");
}

/// <summary>POST /api/leaders: the same command the staff page sends.</summary>
public static class EnrolLeaderEndpoint
{
    public static void Map(RouteGroupBuilder leaders) =>
        leaders.MapPost("/", async (EnrolLeaderRequest? body, HttpContext http, StreamCommandBus commands, AccessDirectory directory, CancellationToken ct) =>
        {
            body ??= new EnrolLeaderRequest(null, null, null, null, null);
            return await commands.InvokeAsync(new EnrolLeaderCommand(Guid.CreateVersion7(), await directory.AffiliateAsStoredAsync(body.Affiliate, ct), body.DisplayName, body.Email, body.Local, body.FrameworkId)
                { Sender = http.SenderOf(body) }, ct);
        }).Produces<EnrolledBody>(StatusCodes.Status201Created).ChecksTokenWithItsWrite();
}
