using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Leaders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Leaders.Enrol;

public sealed record EnrolLeaderRequest(string? Affiliate, string? DisplayName, string? Email, string? Local, string? FrameworkId);

/// <summary>POST /api/leaders: staff enrol a leader in their affiliate, tracked against a framework edition (by default the latest NEA edition).</summary>
public static class EnrolLeaderEndpoint
{
    public static void Map(RouteGroupBuilder leaders) =>
        leaders.MapPost("/", (EnrolLeaderRequest? body, HttpContext http, LeaderCommandPipeline pipeline, FrameworkCatalog catalog, FrameworkScopes scopes, AccessDirectory directory, CancellationToken ct) =>
            Problems.Handle(async () =>
            {
                var caller = http.CurrentUser();
                if (!caller.IsAdmin) throw new ForbiddenException("Only admins enrol leaders.");
                body ??= new EnrolLeaderRequest(null, null, null, null, null);
                var affiliate = LeaderInput.Required(body.Affiliate ?? caller.Affiliate, "affiliate", 16);
                if (!caller.CanSee(affiliate)) throw new ForbiddenException("An affiliate admin enrols leaders of their own affiliate only.");
                if (!await directory.AffiliateExistsAsync(affiliate, ct)) throw new RequestValidationException("affiliate", $"There is no affiliate '{affiliate}'.");
                var displayName = LeaderInput.Required(body.DisplayName, "displayName", LeaderInput.MaxNameLength);
                var email = LeaderInput.Email(body.Email);
                var local = LeaderInput.Optional(body.Local, "local", 100);
                var frameworkId = body.FrameworkId is { } raw ? LeaderInput.Id(raw, "frameworkId") : await DefaultFramework(catalog, ct);
                if (await scopes.FindAsync(frameworkId, ct) is null)
                    throw new RequestValidationException("frameworkId", $"There is no framework edition {frameworkId}; GET /api/frameworks lists them.");

                var leaderId = Guid.CreateVersion7();
                var options = WriteOptions.From(http.Request, body);
                return await pipeline.StartAsync(leaderId, caller, options,
                    new Enroll(leaderId, affiliate, local, displayName, email, frameworkId, caller.ToActor(), pipeline.Now),
                    outcome => new Answer(StatusCodes.Status201Created, new { id = leaderId, version = outcome.State.Version }, $"/api/leaders/{leaderId}"), ct);
            }));

    private static async Task<Guid> DefaultFramework(FrameworkCatalog catalog, CancellationToken ct) =>
        await catalog.DefaultEditionAsync(ct) ?? throw new RequestValidationException("frameworkId", "Give frameworkId: the default framework is not in the catalog.");
}
