using LeaderJourney.Cli;
using Microsoft.Extensions.Configuration;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>Runs the command line in-process against a test database, with this run's master key.</summary>
public static class CliRunner
{
    public static async Task<(int Code, string Out, string Error)> RunAsync(string? connectionString, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestMasterKey.Settings(connectionString)).Build();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CliApp.RunAsync(args, stdout, stderr, configuration);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
