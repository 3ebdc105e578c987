using System.CommandLine;
using System.Text.Json;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Cli.Commands;

/// <summary>`leaderjourney report succession --affiliate CODE [--as-of DATE] [--format json|csv]`.</summary>
public static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var affiliate = new Option<string>("--affiliate") { Description = "The affiliate's code.", Required = true };
        var asOf = new Option<string?>("--as-of") { Description = "A date (yyyy-MM-dd): the report as of the end of that day, UTC (a moment is taken as its whole day); default now." };
        var format = new Option<string>("--format") { Description = "json or csv.", DefaultValueFactory = _ => "json" };
        var succession = new Command("succession", "The succession report: key positions, risk, slates, coverage, bench, suggested leaders.") { affiliate, asOf, format };
        succession.SetAction(async (parse, ct) =>
        {
            var shape = parse.GetValue(format)!.ToLowerInvariant();
            if (shape is not ("json" or "csv")) throw new CliException("--format is json or csv.");
            var at = LeaderInput.ReportDay(parse.GetValue(asOf));
            var services = await context.ServicesAsync(ct);
            var report = await services.GetRequiredService<ReportService>().SuccessionAsync(parse.GetValue(affiliate)!, at, ct);
            await context.Out.WriteAsync(shape == "csv"
                ? ReportFormats.SuccessionCsv(report)
                : JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true }) + Environment.NewLine);
            return 0;
        });
        return new Command("report", "Reports for the board.") { succession };
    }
}
