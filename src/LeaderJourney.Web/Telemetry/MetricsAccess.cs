using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace LeaderJourney.Web.Telemetry;

/// <summary>
/// Who may read GET /metrics: a scraper sending <c>Authorization: Bearer</c> with the configured token
/// (<c>LeaderJourney:Metrics:Token</c>), or one calling from a configured address range
/// (<c>LeaderJourney:Metrics:Networks</c>, CIDR, separated by commas). With neither configured the
/// endpoint is not served at all. The metrics hold no personal data, but they tell a stranger how busy
/// an affiliate's staff are and which paths fail.
/// </summary>
public sealed class MetricsAccess
{
    private readonly byte[]? _token;

    public MetricsAccess(string? token, IReadOnlyList<IPNetwork> networks)
    {
        _token = string.IsNullOrWhiteSpace(token) ? null : Digest(token.Trim());
        Networks = networks;
    }

    /// <summary>Whether a token is configured: a caller without it is asked for it (401), not just refused (403).</summary>
    public bool TakesToken => _token is not null;

    // Compared as digests: equal lengths, so the comparison's time tells nothing of the token's length either.
    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    public IReadOnlyList<IPNetwork> Networks { get; }

    public const string TokenSetting = "LeaderJourney:Metrics:Token";
    public const string NetworksSetting = "LeaderJourney:Metrics:Networks";

    /// <summary>Whether a scraper is configured at all (before the settings are checked, at start: <see cref="From"/>).</summary>
    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[TokenSetting]) || !string.IsNullOrWhiteSpace(configuration[NetworksSetting]);

    public static MetricsAccess From(IConfiguration configuration)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in (configuration[NetworksSetting] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A single address is a range of one.
            var text = entry.Contains('/') ? entry : entry + (entry.Contains(':') ? "/128" : "/32");
            if (!IPNetwork.TryParse(text, out var network))
                throw new Core.Hosting.SettingException($"LeaderJourney:Metrics:Networks: '{entry}' is not an address range (write 10.0.0.0/8 or 2001:db8::/32).");
            networks.Add(network);
        }
        var token = configuration[TokenSetting];
        if (token is { Length: > 0 } && token.Trim().Length < 16)
            throw new Core.Hosting.SettingException("LeaderJourney:Metrics:Token must be at least 16 characters (a random string, as for a password).");
        return new MetricsAccess(token, networks);
    }

    /// <summary>The token, compared in constant time, or the caller's address (after forwarded headers) in a range.</summary>
    public bool Allows(IPAddress? caller, string? authorization)
    {
        if (_token is not null && authorization is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Digest(header["Bearer ".Length..].Trim()), _token))
            return true;
        if (caller is null) return false;
        if (caller.IsIPv4MappedToIPv6) caller = caller.MapToIPv4();
        return Networks.Any(n => n.Contains(caller));
    }
}
