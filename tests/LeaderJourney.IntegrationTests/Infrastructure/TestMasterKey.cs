using System.Runtime.CompilerServices;
using LeaderJourney.Core.Privacy.Keys;
using LeaderJourney.Storage.PersonalData;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>
/// One master key for the whole test run, in the environment: the in-memory hosts read it from there,
/// and the hosts and command lines the tests start as processes inherit it. So no test depends on (or
/// writes) the machine's own key file.
/// </summary>
public static class TestMasterKey
{
    public static string Value { get; private set; } = "";

    /// <summary>Settings for a host or command line built in the test: the database, and this run's master key.</summary>
    public static Dictionary<string, string?> Settings(string? connectionString) => new()
    {
        ["LEADERJOURNEY_DB"] = connectionString,
        [MasterKeySettings.EnvironmentVariable] = Value,
        [UnlimitedSignIns[0].Key.Replace(":", "__")] = UnlimitedSignIns[0].Value,
        [UnlimitedSignIns[1].Key.Replace(":", "__")] = UnlimitedSignIns[1].Value,
    };

    /// <summary>
    /// Tests sign in many users from one address (the test host's), far faster than a person: the
    /// sign-in rate limits are lifted unless a test sets its own. The lock-out per name and address stays.
    /// </summary>
    public static readonly KeyValuePair<string, string>[] UnlimitedSignIns =
    [
        new(LeaderJourney.Core.Access.SignInLimits.PerAddressSetting, "1000000"),
        new(LeaderJourney.Core.Access.SignInLimits.PerAccountSetting, "1000000"),
    ];

    [ModuleInitializer]
    public static void Initialize()
    {
        Value = MasterKeyRing.Generate("test");
        Environment.SetEnvironmentVariable(MasterKeySettings.EnvironmentVariable, Value);
    }
}
