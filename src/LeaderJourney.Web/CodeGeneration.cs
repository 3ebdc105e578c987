using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Model;

namespace LeaderJourney.Web;

/// <summary>
/// Wolverine's handler code, generated ahead of time: without it each host compiles a command's
/// handler with Roslyn the first time the command arrives (about 2 s per command on these machines,
/// paid again by every run of the command line). The code is written by
/// <c>dotnet run --project src/LeaderJourney.Web -c Release -- codegen write</c> into
/// <see cref="OutputDirectory"/>, compiled into Core, and loaded by type name (<c>TypeLoadMode.Static</c>,
/// see <see cref="Core.Hosting.Messaging"/>): a normal start takes the handlers from the generated
/// registry, without looking for new ones. A test generates the code again
/// in a process of its own and fails when the committed files are not what the handlers generate now.
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

    /// <summary>
    /// `codegen write [directory]`: replaces the files under <see cref="OutputDirectory"/> (or writes
    /// them under the given directory); 0 when done. The command line's "codegen" makes Wolverine
    /// discover the handlers afresh, where a normal start takes them from the generated registry.
    /// </summary>
    public static Task<int> RunAsync(WebApplication app, string[] args)
    {
        var directory = args switch
        {
            ["codegen", "write"] => RepositoryRoot() is { } root ? Path.Combine(root, OutputDirectory) : null,
            ["codegen", "write", var elsewhere] => Path.GetFullPath(elsewhere),
            _ => null,
        };
        if (directory is null)
        {
            Console.Error.WriteLine("usage: codegen write [directory]  (without a directory: inside the repository)");
            return Task.FromResult(2);
        }
        // Written beside the target first, then swapped in, the old files kept until the new ones stand: a
        // generation that fails, or a swap that fails halfway, leaves the committed files as they were.
        // (Core's project file leaves the side folders out of its build, should a run be killed meanwhile.)
        var stamp = Guid.NewGuid().ToString("N");
        var fresh = $"{directory.TrimEnd(Path.DirectorySeparatorChar)}.new-{stamp}";
        var old = $"{directory.TrimEnd(Path.DirectorySeparatorChar)}.old-{stamp}";
        try
        {
            var files = Write(app.Services, fresh);
            if (Directory.Exists(directory)) Directory.Move(directory, old);
            try
            {
                Directory.Move(fresh, directory);
            }
            catch
            {
                if (Directory.Exists(old)) Directory.Move(old, directory);
                throw;
            }
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
            Console.WriteLine($"wrote {files.Count} files under {directory}");
            return Task.FromResult(0);
        }
        finally
        {
            if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        }
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
