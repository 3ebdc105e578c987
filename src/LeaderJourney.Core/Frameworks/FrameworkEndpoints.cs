using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Frameworks;

public static class FrameworkEndpoints
{
    public static IEndpointRouteBuilder MapFrameworks(this IEndpointRouteBuilder app)
    {
        // Frameworks are shared by every affiliate: any signed-in user reads them; national admins import.
        var group = app.MapGroup("/api/frameworks").WithTags("Frameworks").RequireAuthorization();

        group.MapGet("/", async (FrameworkCatalog catalog, CancellationToken ct) =>
            Results.Ok((await catalog.ListAsync(ct)).Select(f => new FrameworkListEntry(f.Id, f.Name, f.Edition, f.DomainCount, f.ThemeCount, f.PreviousEditionId))))
            .Produces<IReadOnlyList<FrameworkListEntry>>();

        group.MapGet("/{id}", async (string id, FrameworkCatalog catalog, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var editionId)) return Problems.Validation("id", $"'{id}' is not a framework id (a GUID from GET /api/frameworks).");
            return await catalog.GetAsync(editionId, ct) is { } framework
                ? Results.Json(framework)
                : Results.Problem(title: $"There is no framework edition {editionId}.", statusCode: StatusCodes.Status404NotFound);
        }).Produces<System.Text.Json.Nodes.JsonObject>();

        group.MapImportFramework();

        return app;
    }
}

/// <summary>One framework edition in the catalog (GET /api/frameworks); the whole edition is at GET /api/frameworks/{id}.</summary>
public sealed record FrameworkListEntry(Guid Id, string Name, string Edition, int DomainCount, int ThemeCount, Guid? PreviousEditionId);
