using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Model;

namespace LeaderJourney.Web;

/// <summary>
/// Wolverine's handler code, generated ahead of time: without it each host compiles a command's
/// handler with Roslyn the first time the command arrives (about 2 s per command on these machines,
/// paid again by every run of the command line). The code is written by
/// <c>dotnet run --project src/LeaderJourney.Web -c Release -- codegen write</c> into <see cref="OutputDirectory"/>, compiled into Core, and loaded by type name
/// (<c>TypeLoadMode.Static</c>, see <see cref="Core.Hosting.Messaging"/>). A test generates it again
/// and fails when the committed files are not what the handlers generate now.
/// </summary>
public static class CodeGeneration
{
    /// <summary>Where the generated handlers live, relative to the repository's root (Wolverine adds a folder of its own).</summary>
    public const string OutputDirectory = "src/LeaderJourney.Core/Hosting/Generated";

    /// <summary>Writes the code Wolverine generates for every handler of this host, one file per handler, under <paramref name="directory"/>; returns the files.</summary>
    public static IReadOnlyList<string> Write(IServiceProvider services, string directory)
    {
        var handlers = services.GetServices<ICodeFileCollection>().Where(c => c.ChildNamespace == "WolverineHandlers").ToArray();
        if (handlers.Length == 0) throw new InvalidOperationException("Wolverine registered no handler code in this host.");
        foreach (var collection in handlers) collection.Rules.GeneratedCodeOutputPath = Path.GetFullPath(directory);
        var builder = new DynamicCodeBuilder(services, handlers) { ServiceVariableSource = services.GetService<IServiceVariableSource>() };
        var written = new List<string>();
        builder.WriteGeneratedCode(written.Add);
        return written;
    }

    /// <summary>`codegen write`: replaces the files under <see cref="OutputDirectory"/>; 0 when done.</summary>
    public static Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (args is not ["codegen", "write"] || RepositoryRoot() is not { } root)
        {
            Console.Error.WriteLine("usage: codegen write  (inside the repository)");
            return Task.FromResult(2);
        }
        var directory = Path.Combine(root, OutputDirectory);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        var files = Write(app.Services, directory);
        Console.WriteLine($"wrote {files.Count} files under {directory}");
        return Task.FromResult(0);
    }

    /// <summary>The repository's root: the first folder up from here (dotnet run starts in the project's) that holds the solution.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "LeaderJourney.sln"))) return dir.FullName;
        return null;
    }
}
