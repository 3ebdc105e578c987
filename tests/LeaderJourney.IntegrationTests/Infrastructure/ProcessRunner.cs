using System.Diagnostics;
using System.Text;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>Runs one of the project's built programs (from the test's output folder) as its own process.</summary>
public sealed class ProcessRunner : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource<string> _firstMatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, bool>? _waitFor;

    private ProcessRunner(string assembly, IEnumerable<string> args, IDictionary<string, string?> environment, Func<string, bool>? waitFor)
    {
        _waitFor = waitFor;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Received(_error, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Received(StringBuilder into, string? line)
    {
        if (line is null) return;
        lock (into) into.AppendLine(line);
        if (_waitFor?.Invoke(line) == true) _firstMatch.TrySetResult(line);
    }

    public static ProcessRunner Start(string assembly, IEnumerable<string> args, IDictionary<string, string?> environment, Func<string, bool>? waitFor = null) =>
        new(assembly, args, environment, waitFor);

    public int Pid => _process.Id;

    public string Output { get { lock (_out) return _out.ToString(); } }
    public string Error { get { lock (_error) return _error.ToString(); } }

    /// <summary>The first output line that matched, or a failure naming what the process said instead.</summary>
    public async Task<string> WaitForLineAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(_firstMatch.Task, exited, Task.Delay(timeout));
        if (done == _firstMatch.Task) return await _firstMatch.Task;
        throw new TimeoutException($"No matching line; exited: {_process.HasExited}. stdout: {Output} stderr: {Error}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    private bool _disposed;

    /// <summary>Kills the process (SIGKILL) if it still runs; once, however often it is called.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
