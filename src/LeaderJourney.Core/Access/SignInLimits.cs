using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Core.Access;

/// <summary>
/// How fast anyone may try passwords (docs/security.md, "Sign-in"), besides the lock-out per name and
/// address that <see cref="AccessDirectory.CheckPasswordAsync"/> keeps in the database:
/// <list type="bullet">
/// <item>per client address, <see cref="PerAddress"/> sign-in requests a minute, by ASP.NET Core's rate
/// limiter on the token endpoint and the sign-in page;</item>
/// <item>per user name, from every address together, <see cref="PerAccount"/> tries in
/// <see cref="AccountWindow"/>, by the same library's partitioned limiter, so that guesses spread over
/// many addresses are slowed too.</item>
/// <item>at most <see cref="ConcurrentChecks"/> password checks at once in this host, the rest waiting
/// their turn (up to <see cref="WaitingChecks"/>): a check holds a database connection and a core for
/// the deliberately slow hash, so a burst of sign-ins must not take every connection the database
/// allows (60 sent at once were seen to do that, and to fail with 500s) nor every core.</item>
/// </list>
/// Both are kept in each host's memory: n hosts allow n times as much.
/// </summary>
public sealed class SignInLimits : IDisposable
{
    public const string PerAddressPolicy = "sign-in-per-address";
    public const string PerAddressSetting = "LeaderJourney:SignIn:TriesPerAddressPerMinute";
    public const string PerAccountSetting = "LeaderJourney:SignIn:TriesPerAccountPer15Minutes";
    public const string ConcurrentChecksSetting = "LeaderJourney:SignIn:ConcurrentChecks";
    public const int WaitingChecks = 500;
    public static readonly TimeSpan AccountWindow = TimeSpan.FromMinutes(15);

    private readonly PartitionedRateLimiter<string> _accounts;
    private readonly ConcurrencyLimiter _checks;

    public SignInLimits(IConfiguration configuration)
    {
        PerAddress = configuration.GetValue(PerAddressSetting, 20);
        PerAccount = configuration.GetValue(PerAccountSetting, 30);
        _accounts = PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetSlidingWindowLimiter(name, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = PerAccount, Window = AccountWindow, SegmentsPerWindow = 15, QueueLimit = 0,
        }));
        ConcurrentChecks = Math.Max(1, configuration.GetValue(ConcurrentChecksSetting, Math.Max(2, Environment.ProcessorCount)));
        _checks = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = ConcurrentChecks, QueueLimit = WaitingChecks, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int PerAddress { get; }
    public int PerAccount { get; }
    public int ConcurrentChecks { get; }

    /// <summary>Waits for this host's turn to check a password; the lease is not acquired when too many already wait.</summary>
    public ValueTask<RateLimitLease> WaitForCheckAsync(CancellationToken ct) => _checks.AcquireAsync(1, ct);

    /// <summary>Whether the name has tries left, without spending one (a lease of no permits).</summary>
    public RateLimitLease PeekAccount(string username) => _accounts.AttemptAcquire(username.ToLowerInvariant(), permitCount: 0);

    /// <summary>Spends one of the name's tries: a password was checked and was wrong.</summary>
    public void SpendAccount(string username) => _accounts.AttemptAcquire(username.ToLowerInvariant()).Dispose();

    public static TimeSpan AccountRetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);

    public void Dispose()
    {
        _accounts.Dispose();
        _checks.Dispose();
    }

    /// <summary>The client's address as the rate limits and the lock-out know it (behind a trusted proxy, the address it forwarded).</summary>
    /// <remarks>An IPv6 client is counted by its /64: one network hands its hosts a whole /64, so a single /128 would let it rotate addresses at will.</remarks>
    public static string AddressOf(HttpContext http)
    {
        if (http.Connection.RemoteIpAddress is not { } address) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    /// <summary>Registers the limits and ASP.NET Core's per-address policy; its refusal is a 429 problem with Retry-After.</summary>
    public static IServiceCollection AddSignInLimits(IServiceCollection services, IConfiguration configuration)
    {
        var limits = new SignInLimits(configuration);
        services.AddSingleton(limits);
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(PerAddressPolicy, http => RateLimitPartition.GetSlidingWindowLimiter(AddressOf(http), _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = limits.PerAddress, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0,
            }));
            options.OnRejected = async (context, ct) =>
            {
                var after = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Results.Problem(title: "Too many sign-in tries from this address; wait a minute and try again.", statusCode: StatusCodes.Status429TooManyRequests)
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }
}
