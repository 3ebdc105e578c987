using LeaderJourney.Storage.PersonalData;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Privacy.Keys;

/// <summary>
/// Keeps this host listening for shreds made anywhere (<see cref="KeyShredListener"/>), so that a leader
/// erased on another host is no longer opened here from the cache of keys, nor shown in this host's
/// import results (a leader's key is theirs by their id).
/// </summary>
public sealed class KeyShredListening(Store store, Leaders.Import.LeaderImport imports, ILogger<KeyShredListening> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => store.PersonalData is { } codec
        ? new KeyShredListener(store.DataSource, codec.Keys,
            e => logger.LogWarning("Not listening for shreds made by other hosts ({Reason}); trying again, and cached keys expire within {Lifetime} meanwhile",
                e.Message, SubjectKeys.CacheLifetime),
            onErased: imports.ForgetLeader).RunAsync(stoppingToken)
        : Task.CompletedTask;
}
