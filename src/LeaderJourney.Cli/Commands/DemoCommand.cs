using System.CommandLine;
using LeaderJourney.Core.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Cli.Commands;

/// <summary>`leaderjourney demo load`: the demo affiliate, into an empty database only; prints the sign-ins.</summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var leaders = new Option<int>("--leaders") { Description = "How many leaders.", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "The same seed gives the same people and journeys.", DefaultValueFactory = _ => 2026 };
        var load = new Command("load", "Load a demo affiliate of generated leaders with a few years of history (an empty database only).") { leaders, seed };
        load.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(leaders);
            if (count is < 1 or > 100_000) throw new CliException("--leaders is from 1 to 100000.");
            var services = await context.ServicesAsync(ct);
            await context.Out.WriteLineAsync($"Loading the demo affiliate ({count} leaders)...");
            var signIns = await services.GetRequiredService<DemoData>().LoadAsync(count, parse.GetValue(seed), null, ct);
            await context.Out.WriteLineAsync($"Demo affiliate {DemoData.Affiliate} loaded. Sign in with (password for all: {DemoData.Password}):");
            foreach (var s in signIns) await context.Out.WriteLineAsync($"  {s.Username,-10} {s.What}");
            return 0;
        });
        return new Command("demo", "Demo data.") { load };
    }
}
