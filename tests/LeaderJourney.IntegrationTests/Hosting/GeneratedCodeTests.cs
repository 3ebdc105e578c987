using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Web;

namespace LeaderJourney.IntegrationTests.Hosting;

/// <summary>
/// Wolverine loads the handlers' code from Core (TypeLoadMode.Static), and a normal start takes the list
/// of handlers from the generated registry: the committed code must be what the handlers generate now,
/// or a changed handler would run yesterday's code, or a new one would not be found at all. The code is
/// generated again by the web host's own `codegen write`, in a process of its own (only there does
/// Wolverine look for handlers afresh).
/// </summary>
public sealed class GeneratedCodeTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_committed_handler_code_is_what_the_web_host_generates_now()
    {
        var fresh = Path.Combine(Path.GetTempPath(), $"lj-codegen-{Guid.NewGuid():N}");
        try
        {
            await using (var codegen = ProcessRunner.Start("LeaderJourney.Web.dll", ["codegen", "write", fresh],
                             new Dictionary<string, string?> { ["LEADERJOURNEY_DB"] = database.ConnectionString }))
                (await codegen.WaitForExitAsync(TimeSpan.FromMinutes(2))).Should().Be(0, codegen.Error);

            var committed = Path.Combine(CodeGeneration.RepositoryRoot() ?? throw new InvalidOperationException("The tests do not run inside the repository."), CodeGeneration.OutputDirectory);
            var expected = Files(committed);
            var actual = Files(fresh);
            const string regenerate = "the handlers changed: run `dotnet run --project src/LeaderJourney.Web -c Release -- codegen write` with LEADERJOURNEY_DB set and commit the result";
            actual.Keys.Should().BeEquivalentTo(expected.Keys, regenerate);
            foreach (var (name, code) in actual) code.Should().Be(expected[name], $"{name}: {regenerate}");
        }
        finally
        {
            if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string directory) =>
        Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), f => File.ReadAllText(f).ReplaceLineEndings("\n"));
}
