using System.Net;
using System.Net.Http.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Leaders;

/// <summary>The demographics commands on Wolverine's aggregate handler workflow: the stream's kind and affiliate, concurrency, If-Match and Idempotency-Key.</summary>
public sealed class DemographicsApiTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "DG");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private LeaderJourney.Storage.Store Store => _app.Services.GetRequiredService<LeaderJourney.Storage.Store>();

    private async Task<Guid> Leader(string name) =>
        (await Ok(_admin.PostAsJsonAsync("/api/leaders", new { affiliate = "DG", displayName = name, email = $"{name}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static HttpRequestMessage Record(Guid leader, string gender, string? ifMatch = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/leaders/{leader}/demographics")
        {
            Content = JsonContent.Create(new { raceEthnicity = new[] { "Asian" }, gender, consent = true }),
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task Concurrent_first_records_all_land_in_a_demographics_stream_of_the_leaders_affiliate()
    {
        var leader = await Leader("Rosa");

        // None of them finds the stream when it starts: all but one lose the start and are handled once more.
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => _admin.SendAsync(Record(leader, $"answer {i}"))));

        answers.Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        var stream = await Store.FetchStreamInfoAsync(DemographicsState.StreamIdFor(leader));
        stream.Should().NotBeNull();
        stream!.Type.Should().Be("demographics", "the stream is declared with its published kind, not the fold's type name");
        stream.TenantId.Should().Be("DG");
        stream.Version.Should().Be(12);
        (await Store.ReadStreamAsync(stream.Id)).Select(e => e.Version).Should().Equal(Enumerable.Range(1, 12).Select(v => (long)v));
    }

    [Fact]
    public async Task A_national_admin_records_in_the_leaders_affiliate_and_if_match_and_idempotency_key_hold()
    {
        var leader = await Leader("Tomas");
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);

        (await national.SendAsync(Record(leader, "first"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Store.FetchStreamInfoAsync(DemographicsState.StreamIdFor(leader)))!.TenantId.Should().Be("DG");

        var stale = await national.SendAsync(Record(leader, "second", ifMatch: "\"0\""));
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await national.SendAsync(Record(leader, "second", ifMatch: "\"1\""))).StatusCode.Should().Be(HttpStatusCode.OK);

        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => national.SendAsync(Record(leader, "third", key: "demographics-repeat"))));
        repeats.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        (await Store.FetchStreamInfoAsync(DemographicsState.StreamIdFor(leader)))!.Version.Should().Be(3, "five repeats of one key append once");

        // Withdrawing twice: the second finds nothing to withdraw and appends nothing.
        (await national.DeleteAsync($"/api/leaders/{leader}/demographics")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await national.DeleteAsync($"/api/leaders/{leader}/demographics")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Store.FetchStreamInfoAsync(DemographicsState.StreamIdFor(leader)))!.Version.Should().Be(4);
    }

    [Fact]
    public async Task Withdrawing_before_anything_was_given_starts_no_stream()
    {
        var leader = await Leader("Una");

        (await _admin.DeleteAsync($"/api/leaders/{leader}/demographics")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await Store.FetchStreamInfoAsync(DemographicsState.StreamIdFor(leader))).Should().BeNull();
    }
}
