using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>Writes a framework as indented camelCase JSON (the catalog's stored shape).</summary>
public static class FrameworkJson
{
    // Relaxed escaping keeps apostrophes and accented letters readable in stored catalog files
    // ("members' rights" rather than "members\u0027 rights"); the output is still valid JSON.
    private static readonly JsonSerializerOptions Options = new(FrameworkJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(Framework framework)
    {
        ArgumentNullException.ThrowIfNull(framework);
        return JsonSerializer.Serialize(framework, Options.GetTypeInfo(typeof(Framework)));
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(Framework))]
internal sealed partial class FrameworkJsonContext : JsonSerializerContext;
