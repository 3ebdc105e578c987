using System.CommandLine;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Cli.Commands;

/// <summary>`leaderjourney migrate`: creates or migrates the schema and says where it stands.</summary>
public static class MigrateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("migrate", "Create or migrate the database schema (every host also does this on start).");
        command.SetAction(async (_, ct) =>
        {
            var services = await context.ServicesAsync(ct);
            var store = services.GetRequiredService<Store>();
            var version = await SchemaMigrator.CurrentVersionAsync(store.DataSource, store.Schema, "eventstore", ct);
            await context.Out.WriteLineAsync($"Schema '{store.Schema}' is at event store version {version}; last event {await store.ReadLastSequenceAsync(ct)}.");
            return 0;
        });
        return command;
    }
}
