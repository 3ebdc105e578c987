using LeaderJourney.Core.Access;
using LeaderJourney.Core.Demo.Generate;
using LeaderJourney.Core.Demo.Load;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Notifications;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage.Projections;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Demo;

/// <summary>The database already holds data: demo data goes only into an empty one.</summary>
public sealed class DemoRefusedException(string message) : Exception(message);

/// <summary>
/// The demo affiliate that <c>./run.sh</c> loads: the generator at the demo size (see
/// <see cref="DataGenerator"/>: leaders with a few years of history, mentors, positions and nominations,
/// consented demographics), written by <see cref="DataLoader"/>, and the sign-ins to try it with. The same
/// seed on the same day gives the same people and the same journeys. `demo load` then brings the read
/// models up to date (<see cref="CatchUpReadModelsAsync"/>): a host started right after shows the loaded
/// leaders in its reports at once, instead of none until its daemon has caught up. The leader who can sign
/// in finds their latest news in their notifications (<see cref="TellTheSignInLeaderAsync"/>).
/// </summary>
public sealed class DemoData(DataLoader loader, ProjectionRuntime projections, Store store, NotificationBox notices, TimeProvider clock)
{
    /// <summary>How many of the sign-in leader's latest levels attained, taken back and requests declined their notifications show.</summary>
    public const int NoticesOfTheSignInLeader = 5;

    public const string Affiliate = DataSizes.DemoAffiliate;
    public const string Password = DataGenerator.Password;

    public sealed record SignIn(string Username, string Password, string Role, string What);

    /// <summary>Loads the demo affiliate (an empty database only) and returns one sign-in per kind of user.</summary>
    public async Task<IReadOnlyList<SignIn>> LoadAsync(int leaders = 200, int seed = GeneratorSettings.DefaultSeed, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        if (await loader.HoldsDataAsync(ct)) throw new DemoRefusedException(DataLoader.RefusedMessage);
        var generator = await loader.PlanAsync(DataSize.Demo, leaders, seed, DataLoader.ReferenceDateFor(clock.GetUtcNow()), ct);
        await loader.LoadAsync(generator, progress is null ? null : new LeadersWritten(progress), ct);
        await TellTheSignInLeaderAsync(generator, ct);
        return SignIns(generator);
    }

    /// <summary>
    /// The reactions announce only what happens after they first run (<see cref="Reactions.StartFromPresentAsync"/>),
    /// so a loaded history is told to no one, and whoever tries the demo as its leader would find "Nothing to
    /// tell you yet". Their latest news is written as the reactions would have written it, under the same
    /// keys (so a reaction that ever runs over those events writes nothing twice), dated as it happened; none is mailed.
    /// </summary>
    private async Task TellTheSignInLeaderAsync(DataGenerator generator, CancellationToken ct)
    {
        var affiliate = generator.Affiliates[0].Code;
        var news = (await store.ReadStreamAsync(generator.SignInLeader.Id, ct: ct))
            .Select(e => e.Data switch
            {
                LevelAttained a => (e, NotificationBox.LevelAttained, a.ThemeCode, a.Level, a.AttainedAt),
                LevelAttainmentRevoked r => (e, NotificationBox.LevelRevoked, r.ThemeCode, r.Level, r.RevokedAt),
                SignOffDeclined d => (e, NotificationBox.RequestDeclined, d.ThemeCode, d.Level, d.DeclinedAt),
                _ => default((LeaderJourney.Storage.StoredEvent, string, string, int, DateTimeOffset)?),
            })
            .OfType<(LeaderJourney.Storage.StoredEvent Event, string Kind, string Theme, int Level, DateTimeOffset At)>()
            .TakeLast(NoticesOfTheSignInLeader);
        foreach (var (e, kind, theme, level, at) in news)
            await notices.AddAsync($"{kind}:{e.Id}", affiliate, kind, leaderId: generator.SignInLeader.Id, themeCode: theme, level: level,
                onDate: DateOnly.FromDateTime(at.UtcDateTime), ct: ct);
    }

    /// <inheritdoc cref="DataLoader.CatchUpReadModelsAsync"/>
    public Task<IReadOnlyList<ProjectionStatus>> CatchUpReadModelsAsync(CancellationToken ct = default) =>
        DataLoader.CatchUpReadModelsAsync(projections, null, ct);

    public Task<bool> HoldsDataAsync(CancellationToken ct) => loader.HoldsDataAsync(ct);

    /// <summary>The national admin, the affiliate's staff member and board member, its first mentor, and the leader who can sign in.</summary>
    public static IReadOnlyList<SignIn> SignIns(DataGenerator generator)
    {
        var users = generator.Users;
        var mentors = users.Count(u => u.Role == Roles.Mentor && u.Affiliate == generator.Affiliates[0].Code);
        SignIn Of(string role, string what) => new(users.First(u => u.Role == role).Username, Password, role, what);
        return
        [
            Of(Roles.NationalAdmin, "national admin"),
            Of(Roles.AffiliateAdmin, "affiliate staff"),
            Of(Roles.Board, "governance board member"),
            Of(Roles.Mentor, $"a mentor (mentor1 to mentor{mentors})"),
            Of(Roles.Leader, $"a leader ({generator.SignInLeaderName})"),
        ];
    }

    /// <summary>Reports leaders written as they are written (a <see cref="Progress{T}"/> would post them to the thread pool, out of order).</summary>
    private sealed class LeadersWritten(IProgress<int> leaders) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => leaders.Report(value.Leaders);
    }
}
