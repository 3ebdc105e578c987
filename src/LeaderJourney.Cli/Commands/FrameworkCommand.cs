using System.CommandLine;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Domain.Frameworks;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Cli.Commands;

/// <summary>`leaderjourney framework parse|import`.</summary>
public static class FrameworkCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("framework", "Read competency framework documents and publish them to the catalog.");
        command.Subcommands.Add(Parse(context));
        command.Subcommands.Add(Import(context));
        return command;
    }

    private static Command Parse(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "The framework document (tab-separated tables, markdown tables, or a numbered outline)." };
        var command = new Command("parse", "Parse a framework document and print it as JSON; nothing is stored.") { file };
        command.SetAction(async (parse, ct) =>
        {
            var document = await ReadDocument(parse.GetValue(file)!, ct);
            await context.Out.WriteLineAsync(FrameworkJson.Serialize(FrameworkDocumentParser.Parse(document.Text, document.SourceName)));
            return 0;
        });
        return command;
    }

    private static Command Import(CliContext context)
    {
        var files = new Argument<FileInfo[]>("file") { Description = "The framework document; several when each holds some domains of one edition.", Arity = ArgumentArity.OneOrMore };
        var name = new Option<string?>("--name") { Description = "The framework's name (default: the name the document states)." };
        var edition = new Option<string?>("--edition") { Description = "The edition label, e.g. 2020 (default: today's date). A new label publishes a revision of the latest edition." };
        var command = new Command("import", "Parse framework documents and publish them as an edition in the catalog.") { files, name, edition };
        command.SetAction(async (parse, ct) =>
        {
            var documents = new List<FrameworkDocument>();
            foreach (var f in parse.GetValue(files)!) documents.Add(await ReadDocument(f, ct));
            // Parsed before the database is opened: a document with a mistake says so whether or not the database is there.
            var command = ImportFrameworkCommand.Parse(documents, parse.GetValue(name), parse.GetValue(edition), TimeProvider.System.GetUtcNow(), CliContext.Operator("framework import"));
            var answer = await context.SendAsync<ImportFrameworkAnswer>(command, ct);
            await Report(context.Out, answer.Result);
            return 0;
        });
        return command;
    }

    private static async Task Report(TextWriter output, ImportFrameworkResult result)
    {
        var what = $"'{result.Name}' edition {result.Edition} ({result.DomainCount} domains, {result.ThemeCount} themes), id {result.EditionId}";
        await output.WriteLineAsync(result.Published ? $"Published {what}." : $"Already published, nothing changed: {what}.");
        if (result.Mapping is not { } mapping) return;
        var changes = EditionChanges.From(mapping);
        await output.WriteLineAsync($"Against edition {result.PreviousEdition}: {changes.Mapped.Count} themes carried over, {changes.Added.Count} added, {changes.Removed.Count} removed.");
        foreach (var m in changes.Mapped.Where(m => m.Change != "unchanged"))
            await output.WriteLineAsync($"  {m.From} -> {m.To}: {m.Change}{(m.From == m.To && m.FromTitle == m.ToTitle ? "" : $" ('{m.FromTitle}' -> '{m.ToTitle}')")}");
        foreach (var t in changes.Added) await output.WriteLineAsync($"  added {t.Code}: {t.Title}");
        foreach (var t in changes.Removed) await output.WriteLineAsync($"  removed {t.Code}: {t.Title}");
        foreach (var d in changes.AddedDomains) await output.WriteLineAsync($"  added domain {d}");
        foreach (var d in changes.RemovedDomains) await output.WriteLineAsync($"  removed domain {d}");
    }

    private static async Task<FrameworkDocument> ReadDocument(FileInfo file, CancellationToken ct)
    {
        try
        {
            return new FrameworkDocument(await File.ReadAllTextAsync(file.FullName, ct), file.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read {file.FullName}: {e.Message}");
        }
    }
}
