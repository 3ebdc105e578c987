using LeaderJourney.Storage;
using LeaderJourney.Storage.PersonalData;
using Microsoft.Extensions.Configuration;

namespace LeaderJourney.Core.Privacy.Keys;

/// <summary>
/// Where the master keys that wrap every personal-data key come from: <c>LEADERJOURNEY_MASTER_KEY</c>
/// (or <c>LeaderJourney:MasterKey</c>) as <c>id:base64-of-32-bytes</c>, plus the keys being rotated away
/// from in <c>LEADERJOURNEY_PREVIOUS_MASTER_KEYS</c> (or <c>LeaderJourney:PreviousMasterKeys</c>),
/// comma-separated. When none is configured, a key is generated once into a file readable only by its
/// owner (<c>LeaderJourney:MasterKeyFile</c>, by default under the user's local data folder), so that a
/// developer's machine works without set-up; production configures its own (docs/privacy.md).
/// </summary>
public static class MasterKeySettings
{
    public const string EnvironmentVariable = "LEADERJOURNEY_MASTER_KEY";
    public const string PreviousEnvironmentVariable = "LEADERJOURNEY_PREVIOUS_MASTER_KEYS";
    public const string ConfigKey = "LeaderJourney:MasterKey";
    public const string PreviousConfigKey = "LeaderJourney:PreviousMasterKeys";
    public const string FileConfigKey = "LeaderJourney:MasterKeyFile";

    public static string DefaultFile => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "leaderjourney", "master-key");

    public static MasterKeyRing From(IConfiguration configuration)
    {
        var previous = First(configuration, PreviousEnvironmentVariable, PreviousConfigKey);
        try
        {
            if (First(configuration, EnvironmentVariable, ConfigKey) is { } active) return MasterKeyRing.Parse(active, previous);
            var file = configuration[FileConfigKey] is { Length: > 0 } configured ? configured : DefaultFile;
            return MasterKeyRing.Parse(ReadOrCreate(file), previous);
        }
        catch (FormatException e)
        {
            throw new EventStoreUnavailableException($"{EnvironmentVariable}: {e.Message}");
        }
        catch (IOException e)
        {
            throw new EventStoreUnavailableException($"No master key is configured ({EnvironmentVariable}) and the key file could not be used: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new EventStoreUnavailableException($"No master key is configured ({EnvironmentVariable}) and the key file could not be used: {e.Message}");
        }
    }

    private static string? First(IConfiguration configuration, string variable, string key) =>
        configuration[variable] is { Length: > 0 } fromEnvironment ? fromEnvironment
        : configuration[key] is { Length: > 0 } configured ? configured : null;

    private static string ReadOrCreate(string file)
    {
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(file, options)) writer.Write(MasterKeyRing.Generate($"local-{DateTime.UtcNow:yyyyMMdd}"));
            Console.Error.WriteLine($"master key: none configured ({EnvironmentVariable}); generated one in {file}. Keep it: without it no personal data can be read.");
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process made it first: use theirs.
        }
        return File.ReadAllText(file).Trim();
    }
}
