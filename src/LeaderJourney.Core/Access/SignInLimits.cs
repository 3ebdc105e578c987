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
/// <item>per client address, any names, <see cref="PerAddress"/> wrong passwords a minute, by
/// System.Threading.RateLimiting's partitioned limiter. Only tries that fail count: a workshop whose
/// members sign in together from one network, or load the sign-in page, spends nothing;</item>
/// <item>per user name, from every address together, <see cref="PerAccount"/> wrong passwords in
/// <see cref="AccountWindow"/>, by the same limiter, so that guesses spread over many addresses are
/// slowed too.</item>
/// <item>at most <see cref="ChecksPerAddress"/> of one address's tries checked at once, the rest waiting
/// their turn: a budget is looked at before the slow hash and spent after it, so this bounds how far
/// tries sent together can pass it (by <see cref="ChecksPerAddress"/> - 1);</item>
/// <item>at most <see cref="ConcurrentChecks"/> password checks at once in this host, the rest waiting
/// their turn (up to <see cref="WaitingChecks"/>): a check holds a database connection and a core for
/// the deliberately slow hash, so a burst of sign-ins must not take every connection the database
/// allows (60 sent at once were seen to do that, and to fail with 500s) nor every core.</item>
/// </list>
/// Both are kept in each host's memory: n hosts allow n times as much.
/// </summary>
public sealed class SignInLimits : IDisposable
{
    public const string PerAddressSetting = "LeaderJourney:SignIn:TriesPerAddressPerMinute";
    public const string PerAccountSetting = "LeaderJourney:SignIn:TriesPerAccountPer15Minutes";
    public const string ConcurrentChecksSetting = "LeaderJourney:SignIn:ConcurrentChecks";
    public const int WaitingChecks = 500;
    public static readonly TimeSpan AccountWindow = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan AddressWindow = TimeSpan.FromMinutes(1);
    public const int ChecksPerAddress = 4;

    private readonly PartitionedRateLimiter<string> _addresses;
    private readonly PartitionedRateLimiter<string> _addressTurns;
    private readonly PartitionedRateLimiter<string> _accounts;
    private readonly ConcurrencyLimiter _checks;

    public SignInLimits(IConfiguration configuration)
    {
        PerAddress = configuration.GetValue(PerAddressSetting, 20);
        PerAccount = configuration.GetValue(PerAccountSetting, 30);
        _addresses = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetSlidingWindowLimiter(address, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = PerAddress, Window = AddressWindow, SegmentsPerWindow = 6, QueueLimit = 0,
        }));
        _addressTurns = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetConcurrencyLimiter(address, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = ChecksPerAddress, QueueLimit = WaitingChecks, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));
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

    /// <summary>Waits for one of the address's turns to try a password; not acquired when too many already wait.</summary>
    public ValueTask<RateLimitLease> WaitForAddressTurnAsync(string address, CancellationToken ct) => _addressTurns.AcquireAsync(address, 1, ct);

    /// <summary>Whether the address has tries left, without spending one (a lease of no permits).</summary>
    public RateLimitLease PeekAddress(string address) => _addresses.AttemptAcquire(address, permitCount: 0);

    /// <summary>Whether the name has tries left, without spending one.</summary>
    public RateLimitLease PeekAccount(string username) => _accounts.AttemptAcquire(username.ToLowerInvariant(), permitCount: 0);

    /// <summary>Spends one of the address's and one of the name's tries: a password was checked and was wrong.</summary>
    public void SpendFailure(string address, string username)
    {
        _addresses.AttemptAcquire(address).Dispose();
        _accounts.AttemptAcquire(username.ToLowerInvariant()).Dispose();
    }

    /// <summary>
    /// Spends one of the address's tries only, at once (asks sent together cannot all pass a look first): a
    /// password mail was asked for (<see cref="PasswordMail"/>), which no account's limit counts. Not acquired: none was left.
    /// </summary>
    public RateLimitLease SpendAddress(string address) => _addresses.AttemptAcquire(address);

    public static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);

    public void Dispose()
    {
        _addresses.Dispose();
        _addressTurns.Dispose();
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

    /// <summary>Registers the limits, one set per host.</summary>
    public static IServiceCollection AddSignInLimits(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new SignInLimits(configuration));
        return services;
    }
}
