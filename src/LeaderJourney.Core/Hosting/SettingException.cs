namespace LeaderJourney.Core.Hosting;

/// <summary>A setting that cannot be used as given: the host ends at start with this one line (no stack trace), naming the setting and what it needs.</summary>
public sealed class SettingException(string message) : Exception(message);
