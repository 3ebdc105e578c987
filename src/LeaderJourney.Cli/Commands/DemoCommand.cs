using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LeaderJourney.Core.Demo;
using LeaderJourney.Core.Demo.Generate;
using LeaderJourney.Core.Demo.Load;
using LeaderJourney.Storage.Projections;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace LeaderJourney.Cli.Commands;

/// <summary>
/// `leaderjourney demo load`: the demo affiliate, into an empty database only; prints the sign-ins.
/// `leaderjourney demo generate --size demo|state|national`: generated data at scale, with a progress bar.
/// </summary>
public static class DemoCommand
{
    private const int MaxLeaders = 1_000_000;

    public static Command Create(CliContext context) => new("demo", "Demo data.") { Load(context), Generate(context) };

    private static Command Load(CliContext context)
    {
        var leaders = new Option<int>("--leaders") { Description = "How many leaders.", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "The same seed gives the same people and journeys.", DefaultValueFactory = _ => GeneratorSettings.DefaultSeed };
        var load = new Command("load", "Load a demo affiliate of generated leaders with a few years of history (an empty database only), then bring the read models up to date.") { leaders, seed };
        load.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(leaders);
            if (count is < 1 or > 100_000) throw new CliException("--leaders is from 1 to 100000.");
            var services = await context.ServicesAsync(ct);
            await context.Out.WriteLineAsync($"Loading the demo affiliate ({count} leaders)...");
            var demo = services.GetRequiredService<DemoData>();
            var signIns = await demo.LoadAsync(count, parse.GetValue(seed), null, ct);
            await context.Out.WriteLineAsync("Bringing the read models up to date...");
            // The sign-ins are printed whatever the read models' state.
            await WarnOfReadModelsBehindAsync(context, () => demo.CatchUpReadModelsAsync(ct));
            await context.Out.WriteLineAsync($"Demo affiliate {DemoData.Affiliate} loaded. Sign in with (password for all: {DemoData.Password}):");
            foreach (var s in signIns) await context.Out.WriteLineAsync($"  {s.Username,-10} {s.What}");
            return 0;
        });
        return load;
    }

    private static Command Generate(CliContext context)
    {
        var size = new Option<string>("--size")
        {
            Description = "demo (200 leaders, one affiliate), state (20,000 leaders, one affiliate, about 2 million events) or national (100,000 leaders in 50 state affiliates, about 10 million events).",
            Required = true,
        };
        size.AcceptOnlyFromAmong("demo", "state", "national");
        var leaders = new Option<int?>("--leaders") { Description = "How many leaders, instead of the size's own number." };
        var seed = new Option<int>("--seed") { Description = "The same seed and reference date give the same data.", DefaultValueFactory = _ => GeneratorSettings.DefaultSeed };
        var asOf = new Option<string?>("--as-of") { Description = "The reference date (yyyy-MM-dd) every generated event precedes; today (UTC) by default." };
        var generate = new Command("generate", "Generate leaders with years of history, mentors, positions and demographics into an empty database, then bring the read models up to date.")
        {
            size, leaders, seed, asOf,
        };
        generate.SetAction(async (parse, ct) =>
        {
            if (!DataSizes.TryParse(parse.GetValue(size), out var dataSize)) throw new CliException("--size is demo, state or national.");
            var count = parse.GetValue(leaders);
            if (count is < 1 or > MaxLeaders) throw new CliException($"--leaders is from 1 to {MaxLeaders}.");
            DateTimeOffset? referenceDate = parse.GetValue(asOf) is { } text
                ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                    : throw new CliException("--as-of is a date as yyyy-MM-dd.")
                : null;

            var services = await context.ServicesAsync(ct);
            var loader = services.GetRequiredService<DataLoader>();
            if (await loader.HoldsDataAsync(ct)) throw new DemoRefusedException(DataLoader.RefusedMessage);
            var generator = await loader.PlanAsync(dataSize, count, parse.GetValue(seed),
                referenceDate ?? DataLoader.ReferenceDateFor(services.GetRequiredService<TimeProvider>().GetUtcNow()), ct);
            var settings = generator.Settings;
            await context.Out.WriteLineAsync(
                $"Generating {settings.Leaders:N0} leaders in {Affiliates(generator)} (seed {settings.Seed}, as of {settings.ReferenceDate:yyyy-MM-dd}).");

            LoadResult? loaded = null;
            var upToDate = false;
            var catchUp = Stopwatch.StartNew();
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Out) });
            await console.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var writing = progress.AddTask("Writing", maxValue: settings.Leaders);
                    var watch = Stopwatch.StartNew();
                    loaded = await loader.LoadAsync(generator, new Reporter<LoadProgress>(p =>
                    {
                        writing.Value = p.Leaders;
                        writing.Description = $"Writing: {p.Events:N0} events, {p.Events / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0}/s";
                    }), ct);
                    writing.Value = writing.MaxValue;
                    writing.StopTask();

                    catchUp.Restart();
                    var readModels = progress.AddTask("Read models", maxValue: 1);
                    upToDate = await WarnOfReadModelsBehindAsync(context, () => DataLoader.CatchUpReadModelsAsync(services.GetRequiredService<ProjectionRuntime>(),
                        new Reporter<(long Position, long Head)>(p =>
                        {
                            readModels.MaxValue = Math.Max(1, p.Head);
                            readModels.Value = Math.Min(p.Position, readModels.MaxValue);
                            readModels.Description = $"Read models: at event {p.Position:N0} of {p.Head:N0}";
                        }), ct));
                    readModels.StopTask();
                });

            var seconds = loaded!.Elapsed.TotalSeconds;
            await context.Out.WriteLineAsync(
                $"Generated {loaded.Leaders:N0} leaders: {loaded.Events:N0} events in {loaded.Streams:N0} streams, {seconds:N1} s ({loaded.Events / Math.Max(0.001, seconds):N0} events/s); " +
                (upToDate ? $"read models caught up in {catchUp.Elapsed.TotalSeconds:N1} s." : $"read models not all caught up after {catchUp.Elapsed.TotalSeconds:N1} s (see the warnings)."));
            var signIns = DemoData.SignIns(generator);
            await context.Out.WriteLineAsync($"Sign in as {string.Join(", ", signIns.Select(s => s.Username))}, or any other generated user: the password is {DataGenerator.Password} for all.");
            return 0;
        });
        return generate;
    }

    /// <summary>
    /// Brings the read models up to date after a load. The data is in by then: a read model left behind is
    /// finished by the web host's daemon, so it is a warning on stderr, never a failed load (a second load
    /// would be refused). True when every read model is up to date.
    /// </summary>
    private static async Task<bool> WarnOfReadModelsBehindAsync(CliContext context, Func<Task<IReadOnlyList<ProjectionStatus>>> catchUp)
    {
        try
        {
            var behind = await catchUp();
            foreach (var model in behind)
                await context.Error.WriteLineAsync($"warning: read model {model.Name} is {model.State}, {model.Lag:N0} events behind" +
                    (model.LastError is null ? "" : $" ({FirstLine(model.LastError)})") + "; see `projections status`.");
            return behind.Count == 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync($"warning: the read models were not brought up to date ({FirstLine(e.Message)}); the web host's daemon goes on with them.");
            return false;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static string Affiliates(DataGenerator generator) =>
        generator.Affiliates.Count == 1 ? $"affiliate {generator.Affiliates[0].Code}" : $"{generator.Affiliates.Count} affiliates";
}
