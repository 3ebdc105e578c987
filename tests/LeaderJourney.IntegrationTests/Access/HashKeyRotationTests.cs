using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>
/// The keyed hashes (emails for single sign-on, request hashes, the sign-in throttle) outlive a master
/// key rotation. A class of its own: the rotation re-wraps every key of its database.
/// </summary>
public sealed class HashKeyRotationTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_email_is_unique_within_an_affiliate_and_found_again_after_the_master_key_is_rotated()
    {
        await _app.EnsureAffiliateAsync("AC");
        await _app.EnsureAffiliateAsync("AY");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var here = await directory.CreateUserAsync($"mail.{Guid.NewGuid():N}"[..20], ApiUsers.Password, Roles.Mentor, "AC", null, null, email: "shared@example.org");
        // Another affiliate may have its own user with that address; the same affiliate may not.
        await directory.CreateUserAsync($"mail.{Guid.NewGuid():N}"[..20], ApiUsers.Password, Roles.Mentor, "AY", null, null, email: "shared@example.org");
        var again = () => directory.CreateUserAsync($"mail.{Guid.NewGuid():N}"[..20], ApiUsers.Password, Roles.Mentor, "AC", null, null, email: "Shared@Example.org");
        await again.Should().ThrowAsync<DuplicateException>();

        // A new master key, the old one kept while its keys are re-wrapped, then the old one gone.
        var newKey = LeaderJourney.Storage.PersonalData.MasterKeyRing.Generate("rotated");
        await using (var rotating = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string>
        {
            ["LEADERJOURNEY_MASTER_KEY"] = newKey, ["LEADERJOURNEY_PREVIOUS_MASTER_KEYS"] = TestMasterKey.Value,
        }))
        {
            (await rotating.Services.GetRequiredService<AccessDirectory>().FindByEmailAsync("shared@example.org", "AC"))!.UserId.Should().Be(here);
            await rotating.Services.GetRequiredService<LeaderJourney.Storage.Store>().PersonalData!.Keys.RewrapAsync();
        }
        await using var rotated = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string> { ["LEADERJOURNEY_MASTER_KEY"] = newKey });
        (await rotated.Services.GetRequiredService<AccessDirectory>().FindByEmailAsync("shared@example.org", "AC"))!.UserId.Should().Be(here, "the hash key is the installation's, re-wrapped, not derived from the master key");
    }
}
