using System.CommandLine;
using LeaderJourney.Storage.Projections;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace LeaderJourney.Cli.Commands;

/// <summary>`leaderjourney projections status|rebuild|resume`.</summary>
public static class ProjectionsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("projections", "Inspect and rebuild the read models.");
        command.Subcommands.Add(Status(context));
        command.Subcommands.Add(Rebuild(context));
        command.Subcommands.Add(Resume(context));
        return command;
    }

    private static Command Status(CliContext context)
    {
        var status = new Command("status", "Each projection's state, position and lag; exit code 1 when any is failed or stopped.");
        status.SetAction(async (_, ct) =>
        {
            var services = await context.ServicesAsync(ct);
            var runtime = services.GetRequiredService<ProjectionRuntime>();
            var daemon = await runtime.IsDaemonRunningAsync(ct);
            var statuses = await runtime.StatusAsync(daemon, ct);
            await context.Out.WriteLineAsync($"daemon: {(daemon ? "running" : "not running (start the web host)")}");
            await context.Out.WriteLineAsync($"{"projection",-20} {"mode",-7} {"state",-9} {"position",10} {"lag",10}  detail");
            foreach (var p in statuses)
            {
                var detail = p.LastError ?? (p.BuildingGeneration is { } g ? $"rebuilding as generation {g}, at {p.BuildingPosition}" : p.RunningOn is { } node ? $"on {node}" : "");
                await context.Out.WriteLineAsync($"{p.Name,-20} {p.Mode,-7} {p.State,-9} {p.Position,10} {p.Lag,10}  {detail}");
            }
            // The subscription that carries events to Wolverine's handlers runs under the same daemon and election.
            var subscriptions = await runtime.SubscriptionStatusAsync(Core.Hosting.Messaging.Subscriptions, ct);
            foreach (var s in subscriptions)
                await context.Out.WriteLineAsync($"{s.Name,-20} {"reacts",-7} {s.State,-9} {s.Position,10} {s.Lag,10}  {s.LastError ?? (s.RunningOn is { } node ? $"on {node}" : "")}");
            return statuses.Any(p => p.State is "failed" or "stopped") || subscriptions.Any(s => s.State is "failed" or "stopped") ? 1 : 0;
        });
        return status;
    }

    private static Command Rebuild(CliContext context)
    {
        var name = new Argument<string?>("name") { Description = "The projection to rebuild.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Rebuild every projection." };
        var rebuild = new Command("rebuild", "Rebuild into new tables while the old ones keep serving, then switch over; returns when done.") { name, all };
        rebuild.SetAction(async (parse, ct) =>
        {
            var services = await context.ServicesAsync(ct);
            var runtime = services.GetRequiredService<ProjectionRuntime>();
            var names = parse.GetValue(all) ? runtime.Registrations.Select(r => r.Projection.Name).Order().ToArray()
                : parse.GetValue(name) is { } one ? [one]
                : throw new CliException("Name a projection to rebuild, or give --all.");
            if (names.Except(runtime.Registrations.Select(r => r.Projection.Name)).FirstOrDefault() is { } unknown)
                throw new CliException($"There is no projection '{unknown}'; known: {string.Join(", ", runtime.Registrations.Select(r => r.Projection.Name).Order())}.");

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Out) });
            var failures = new Dictionary<string, string>();
            await console.Progress().AutoClear(false).StartAsync(async progress =>
            {
                // Together: one reading of the log per replay group feeds its builds, the groups side by
                // side (docs/performance.md); each switches over when it has caught up. A failed build
                // does not stop the others.
                var tasks = names.ToDictionary(n => n, n => progress.AddTask(n, maxValue: 1));
                var outcome = await runtime.RebuildTogetherAsync(names, projection => new Reporter<(long Position, long Head)>(p =>
                {
                    var task = tasks[projection];
                    task.MaxValue = Math.Max(1, p.Head);
                    task.Value = Math.Min(p.Position, task.MaxValue);
                }), ct);
                foreach (var (projection, failure) in outcome)
                {
                    if (failure is null) tasks[projection].Value = tasks[projection].MaxValue;
                    else
                    {
                        failures[projection] = failure.Message;
                        tasks[projection].StopTask();
                    }
                }
            });
            var rebuilt = names.Where(n => !failures.ContainsKey(n)).ToList();
            if (rebuilt.Count > 0) await context.Out.WriteLineAsync($"Rebuilt {string.Join(", ", rebuilt)}.");
            if (failures.Count == 0) return 0;
            throw new CliException(string.Join(" ", failures.OrderBy(f => f.Key).Select(f => $"{f.Key} was not rebuilt: {f.Value.Split('\n', 2)[0].Trim()}")));
        });
        return rebuild;
    }

    private static Command Resume(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The failed projection." };
        var resume = new Command("resume", "After fixing the code an event failed in: clear the failure (the daemon retries the event every few seconds).") { name };
        resume.SetAction(async (parse, ct) =>
        {
            var services = await context.ServicesAsync(ct);
            await services.GetRequiredService<ProjectionRuntime>().ResumeAsync(parse.GetValue(name)!, ct);
            await context.Out.WriteLineAsync($"Projection {parse.GetValue(name)} resumes at the event it stopped on.");
            return 0;
        });
        return resume;
    }
}
