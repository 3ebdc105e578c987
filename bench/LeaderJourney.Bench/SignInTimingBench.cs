using System.Diagnostics;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Storage;
using LeaderJourney.Storage.PersonalData;
using Microsoft.Extensions.Configuration;

namespace LeaderJourney.Bench;

/// <summary>
/// Does a wrong password for a name that exists cost the same as any password for a name that does
/// not? (docs/security.md: an attacker must not learn which names exist from the time an answer takes.)
/// Alternates the two, each try from an address of its own so that no lock-out cuts in, and reports the
/// medians and their ratio. Needs the leaderjourney schema in LEADERJOURNEY_DB (./run.sh makes it).
/// </summary>
internal static class SignInTimingBench
{
    public static async Task RunAsync(string connectionString, int rounds)
    {
        await using var dataSource = Database.CreateDataSource(connectionString);
        var limits = new SignInLimits(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SignInLimits.PerAccountSetting] = "1000000",
        }).Build());
        var directory = new AccessDirectory(dataSource, "leaderjourney", TimeProvider.System, new RequestHashes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), limits);
        try { await directory.CreateAffiliateAsync("TIMING", "Sign-in timing"); } catch (DuplicateException) { }
        try { await directory.CreateUserAsync("timing.known", "a password of the bench", Roles.Mentor, "TIMING", null, null); } catch (DuplicateException) { }

        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            known.Add(await Time(() => directory.CheckPasswordAsync("timing.known", "a wrong password", $"198.51.100.{i % 250}/{i}")));
            unknown.Add(await Time(() => directory.CheckPasswordAsync($"timing.unknown.{i}", "a wrong password", $"203.0.113.{i % 250}/{i}")));
        }
        var (k, u) = (Median(known), Median(unknown));
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"sign-in check, {rounds} tries each, medians: wrong password of a known name {k:F1} ms, unknown name {u:F1} ms (ratio unknown/known {u / k:F2})");
    }

    private static async Task<double> Time(Func<Task<Guid?>> check)
    {
        var watch = Stopwatch.StartNew();
        if (await check() is not null) throw new InvalidOperationException("A wrong password signed in.");
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
