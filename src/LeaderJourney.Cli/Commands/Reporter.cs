namespace LeaderJourney.Cli.Commands;

/// <summary>Reports on the caller's thread, in order (a <see cref="Progress{T}"/> posts to the thread pool, so a late report could land after the last).</summary>
internal sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
