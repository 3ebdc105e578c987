using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace LeaderJourney.Web;

/// <summary>
/// The API's OpenAPI document at <c>/openapi/v1.json</c>, made by ASP.NET Core from the endpoints
/// themselves, and a browsable reference of it (Scalar) at <see cref="ReferencePath"/>. Both are
/// public: they describe the API, not its data.
/// </summary>
public static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api-docs";

    public static IServiceCollection AddApiDocs(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "LeaderJourney API",
                Version = "v1",
                Description = "Leaders' competency journeys, positions and succession reports. Sign in with POST /api/auth/token and send the token as a Bearer header. "
                    + "Writes take If-Match (the leader's version, answered 409 with the current one on a mismatch) and Idempotency-Key (a repeat answers the first answer again). "
                    + "Errors are RFC 9457 problem details.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The token from POST /api/auth/token." };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var method = context.Description.HttpMethod ?? "GET";
            var path = context.Description.RelativePath ?? "";
            operation.Responses ??= new OpenApiResponses();
            var write = method is "POST" or "PUT" or "PATCH" or "DELETE";
            foreach (var (status, when) in ErrorsOf(path, write))
                operation.Responses.TryAdd(status, new OpenApiResponse { Description = when });
            if (write && path.StartsWith("api/", StringComparison.Ordinal) && !WithoutVersionedWrites.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter { Name = "If-Match", In = ParameterLocation.Header, Description = "The version the write was decided on (e.g. \"7\"); a mismatch answers 409 with currentVersion.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
                operation.Parameters.Add(new OpenApiParameter { Name = "Idempotency-Key", In = ParameterLocation.Header, Description = "Up to 200 characters; a repeat of the same request within 24 hours answers the first answer again and appends nothing. After 24 hours the key is free: the same request is a new write.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
            }
            return Task.CompletedTask;
        });
    });

    /// <summary>Writes that are not to a stream: they take neither If-Match nor Idempotency-Key (the catalog and the directory of users).</summary>
    public static readonly string[] WithoutVersionedWrites = ["api/auth", "api/account", "api/users", "api/affiliates", "api/frameworks/import"];

    /// <summary>The problem answers an operation can give, by what it is (problem details, see Core.Http.Problems).</summary>
    private static IEnumerable<(string Status, string When)> ErrorsOf(string path, bool write)
    {
        if (path is "health") yield break;
        if (write) yield return ("400", "The request is not valid: problem details name the field.");
        if (!path.StartsWith("api/auth/token", StringComparison.Ordinal)) yield return ("401", "Not signed in.");
        yield return ("403", "The caller's role may not do this.");
        if (path.Contains('{')) yield return ("404", "Nothing with that id in the caller's affiliate.");
        if (write)
        {
            yield return ("409", "The record changed since it was read (currentVersion says to what), or it exists already.");
            yield return ("422", "A rule of the journey or of succession refuses it; the title says which.");
        }
        yield return ("503", "The database is unreachable, or a read model is not ready yet.");
    }

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath.Replace("v1", "{documentName}", StringComparison.Ordinal));
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("LeaderJourney API")
            .WithOpenApiRoutePattern(DocumentPath)
            // The page loads Scalar's script from this host, never from a CDN, and no fonts from elsewhere.
            .DisableDefaultFonts()
            .DisableAgent()
            .DisableTelemetry()
            // Its toolbar of developer tools configures the page itself, which no reader of this reference needs.
            .HideDeveloperTools()
            // Scalar's own page leaves its html without a language and draws its faint text at a contrast of 3.2:1;
            // the reference is read as the other pages are (axe-core checks it too).
            .AddHeadContent("<script>document.documentElement.lang = 'en';</script>")
            // The methods' colours too (POST green, DELETE red...), which read at 3.6:1 on its grey.
            .WithCustomCss("""
                .light-mode { --scalar-color-3: #5f5f5f !important; --scalar-color-green: #006d45 !important; --scalar-color-red: #b30000 !important;
                  --scalar-color-yellow: #7a5c00 !important; --scalar-color-blue: #0550b3 !important; --scalar-color-orange: #a34700 !important; --scalar-color-purple: #6b2fb3 !important; }
                .dark-mode { --scalar-color-3: #b0b0b0 !important; --scalar-color-green: #4cd99a !important; --scalar-color-red: #ff7b7b !important;
                  --scalar-color-yellow: #ffd866 !important; --scalar-color-blue: #7ab8ff !important; --scalar-color-orange: #ffab66 !important; --scalar-color-purple: #d0a8ff !important; }
                """));
        return app;
    }
}
