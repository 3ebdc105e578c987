using System.Text.Json;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.IntegrationTests.Infrastructure;

namespace LeaderJourney.IntegrationTests.Frameworks;

public sealed class FrameworkCliTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lj-cli-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string file, string? text = null)
    {
        var path = Path.Combine(_folder.FullName, file);
        File.WriteAllText(path, text ?? BuiltInFrameworks.Read(file));
        return path;
    }

    private Task<(int Code, string Out, string Error)> Run(params string[] args) => CliRunner.RunAsync(database.ConnectionString, args);

    [Fact]
    public async Task Parse_prints_the_framework_as_json()
    {
        var (code, output, error) = await Run("framework", "parse", Write("001_7bb202f0b8b23229.txt"));

        error.Should().BeEmpty();
        code.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("domains").GetArrayLength().Should().Be(7);
        json.GetProperty("domains").EnumerateArray().Sum(d => d.GetProperty("themes").GetArrayLength()).Should().Be(33);
        json.GetProperty("levelScale")[2].GetProperty("name").GetString().Should().Be("Agenda Driving");
    }

    [Fact]
    public async Task Parse_of_a_bad_or_missing_file_is_one_line_and_exit_code_1()
    {
        var (code, output, error) = await Run("framework", "parse", Write("bad.txt", "\u0000\u0001binary"));
        code.Should().Be(1);
        output.Should().BeEmpty();
        error.TrimEnd().Split('\n').Should().ContainSingle().Which.Should().StartWith("leaderjourney: bad.txt, line 1");

        (code, _, error) = await Run("framework", "parse", Path.Combine(_folder.FullName, "missing.txt"));
        code.Should().Be(1);
        error.TrimEnd().Split('\n').Should().ContainSingle().Which.Should().StartWith("leaderjourney: Cannot read");
    }

    [Fact]
    public async Task Import_of_three_domain_documents_as_one_edition_then_a_revision()
    {
        var (code, output, error) = await Run("framework", "import",
            Write("000_450ef01f09aa0273.txt"), Write("002_5a2db35c24dd2d62.txt"), Write("004_88153d15df47a5a0.txt"),
            "--name", "NEA via CLI", "--edition", "2019");
        error.Should().BeEmpty();
        code.Should().Be(0);
        output.Should().StartWith("Published 'NEA via CLI' edition 2019 (3 domains, 16 themes)");

        (code, output, error) = await Run("framework", "import", Write("001_7bb202f0b8b23229.txt"), "--name", "NEA via CLI", "--edition", "2020");
        error.Should().BeEmpty();
        code.Should().Be(0);
        output.Should().Contain("Published 'NEA via CLI' edition 2020 (7 domains, 33 themes)")
            .And.Contain("Against edition 2019: 16 themes carried over, 0 added, 0 removed.")
            .And.Contain("added domain COM Communication");
    }
}
