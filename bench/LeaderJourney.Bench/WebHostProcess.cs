using System.Diagnostics;

namespace LeaderJourney.Bench;

/// <summary>The web host as a child process, as in production: its own runtime, GC and connection pool.</summary>
public sealed class WebHostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private WebHostProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <param name="schema">The schema to use, when not the default.</param>
    public static async Task<WebHostProcess> StartAsync(string connectionString, CancellationToken ct, int port = 5098, string? schema = null)
    {
        var baseUrl = $"http://127.0.0.1:{port}";
        // A host left from an earlier run on the same port would answer /health in this one's place, and the
        // bench would then fail on tables of a schema no host created.
        if (await SomethingListensAsync(port, ct))
            throw new InvalidOperationException($"Port {port} is already in use (a web host left from an earlier bench run?); stop it first.");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LeaderJourney.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        start.Environment["LEADERJOURNEY_DB"] = connectionString;
        if (schema is not null) start.Environment["LeaderJourney__Schema"] = schema;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  web: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The web host exited with code {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync("/health", ct)).IsSuccessStatusCode) return new WebHostProcess(process, baseUrl);
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200, ct);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The web host did not answer /health within 120 s.");
    }

    private static async Task<bool> SomethingListensAsync(int port, CancellationToken ct)
    {
        using var probe = new System.Net.Sockets.TcpClient();
        try
        {
            await probe.ConnectAsync(System.Net.IPAddress.Loopback, port, ct);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>The host's peak resident memory so far (Linux VmHWM), in MB.</summary>
    public long PeakMemoryMb()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
