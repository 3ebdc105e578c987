using System.CommandLine;
using LeaderJourney.Storage.PersonalData;
using Microsoft.Extensions.DependencyInjection;
using LeaderJourney.Storage;

namespace LeaderJourney.Cli.Commands;

/// <summary>`leaderjourney keys status|rotate|generate`: the master keys that wrap the personal-data keys (docs/privacy.md).</summary>
public static class KeysCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("keys", "The master keys that wrap every leader's personal-data key.");
        command.Subcommands.Add(Status(context));
        command.Subcommands.Add(Rotate(context));
        command.Subcommands.Add(Generate(context));
        return command;
    }

    private static Command Status(CliContext context)
    {
        var status = new Command("status", "Which master key is active and how many data keys and page keys each master key wraps; exit code 1 while any is wrapped by another configured key.");
        status.SetAction(async (_, ct) =>
        {
            var keys = (await context.ServicesAsync(ct)).GetRequiredService<Store>().PersonalData!.Keys;
            await context.Out.WriteLineAsync($"active master key: {keys.MasterKeys.ActiveId}");
            var counts = await keys.CountByMasterKeyAsync(ct);
            foreach (var (id, count) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
                await context.Out.WriteLineAsync($"{id,-24} {count,10} data keys{(id == keys.MasterKeys.ActiveId ? "" : "  (run: keys rotate)")}");
            // The pages' cookie keys, which also make the mails' stop links, are sealed with the master key too.
            // Those sealed with a master key no longer configured are unreadable already: left aside, not waiting for a rotation.
            var pageKeys = await Core.Access.PageKeyRing.CountByMasterKeyAsync(await context.ServicesAsync(ct), ct);
            foreach (var (id, count) in pageKeys.OrderBy(c => c.Key, StringComparer.Ordinal))
                await context.Out.WriteLineAsync($"{id,-24} {count,10} page keys{(id == keys.MasterKeys.ActiveId ? "" : keys.MasterKeys.Ids.Contains(id) ? "  (run: keys rotate)" : "  (master key not configured: left aside)")}");
            return counts.Keys.Concat(pageKeys.Keys.Where(keys.MasterKeys.Ids.Contains)).Any(id => id != keys.MasterKeys.ActiveId) ? 1 : 0;
        });
        return status;
    }

    private static Command Rotate(CliContext context)
    {
        var rotate = new Command("rotate",
            "Re-wraps every data key and page key with the active master key (LEADERJOURNEY_MASTER_KEY); the old ones must be in LEADERJOURNEY_PREVIOUS_MASTER_KEYS until it is done. Safe to run again.");
        rotate.SetAction(async (_, ct) =>
        {
            var keys = (await context.ServicesAsync(ct)).GetRequiredService<Store>().PersonalData!.Keys;
            var done = await keys.RewrapAsync(new Progress<long>(n => context.Error.WriteLine($"re-wrapped {n} data keys")), ct);
            var (pages, unreadable) = await Core.Access.PageKeyRing.RewrapAsync(await context.ServicesAsync(ct), ct);
            await context.Out.WriteLineAsync($"Re-wrapped {done} data keys and {pages} page keys with master key '{keys.MasterKeys.ActiveId}'. The previous master keys are no longer needed.");
            if (unreadable > 0) await context.Out.WriteLineAsync($"{unreadable} page keys are sealed with a master key no longer configured: they were left aside already.");
            return 0;
        });
        return rotate;
    }

    private static Command Generate(CliContext context)
    {
        var id = new Option<string>("--id") { Description = "The new key's id (letters, digits, '-' or '_').", DefaultValueFactory = _ => $"key-{DateTime.UtcNow:yyyyMMdd}" };
        var generate = new Command("generate", "Prints a new random master key as id:base64, for LEADERJOURNEY_MASTER_KEY. Keep it secret and backed up.") { id };
        generate.SetAction(async (parse, _) =>
        {
            await context.Out.WriteLineAsync(MasterKeyRing.Generate(parse.GetValue(id)!));
            return 0;
        });
        return generate;
    }
}
