using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Web;

namespace LeaderJourney.IntegrationTests.Hosting;

/// <summary>`deploy/backup.sh` and `deploy/restore.sh`: a backup restored into an empty database serves the same leaders; nothing is overwritten.</summary>
public sealed class BackupRestoreTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly string Deploy = Path.Combine(CodeGeneration.RepositoryRoot()!, "deploy");

    private static async Task<(int Code, string Out, string Error)> Script(string name, string connectionString, string file)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Deploy, name), file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LEADERJOURNEY_DB"] = connectionString;
        foreach (var inherited in new[] { "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD" }) start.Environment.Remove(inherited);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task A_backup_restored_into_an_empty_database_serves_the_same_leader_and_a_database_in_use_is_never_overwritten()
    {
        var source = await database.CreateDatabaseAsync();
        Guid leaderId;
        JsonElement history;
        await using (var app = new LeaderJourneyAppFactory(source))
        {
            var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
            var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Septima Clark", email = "septima@example.org" });
            enrolled.StatusCode.Should().Be(HttpStatusCode.Created);
            leaderId = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            (await admin.PostAsJsonAsync($"/api/leaders/{leaderId}/trainings", new { title = "Citizenship school", themeCode = "GOV.2", level = 1, completedOn = "2026-11-02" }))
                .StatusCode.Should().Be(HttpStatusCode.OK);
            history = await admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{leaderId}/history");
        }

        var file = Path.Combine(Path.GetTempPath(), $"lj-backup-{Guid.NewGuid():N}.dump");
        try
        {
            var backup = await Script("backup.sh", source, file);
            backup.Code.Should().Be(0, backup.Error);
            backup.Out.Should().Contain("backed up");
            (await Script("backup.sh", source, file)).Error.Should().Contain("exists already", "a backup never overwrites a file");

            var target = await database.CreateDatabaseAsync();
            var restore = await Script("restore.sh", target, file);
            restore.Code.Should().Be(0, restore.Error);

            await using (var restored = new LeaderJourneyAppFactory(target))
            {
                var (admin, _) = await restored.SignedInAsync(Roles.AffiliateAdmin, "OH");
                var leader = await admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{leaderId}");
                leader.GetProperty("displayName").GetString().Should().Be("Septima Clark", "the sealed name opens with the same master key");
                (await admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{leaderId}/history")).GetRawText().Should().Be(history.GetRawText());
            }

            var again = await Script("restore.sh", source, file);
            again.Code.Should().NotBe(0);
            again.Error.Should().Contain("is not empty", "a restore never writes over a database in use");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_scripts_say_what_they_need()
    {
        (await Script("backup.sh", "", "x.dump")).Error.Should().Contain("set LEADERJOURNEY_DB");
        var notABackup = Path.GetTempFileName();
        try
        {
            (await Script("restore.sh", database.ConnectionString, notABackup)).Error.Should().Contain("is not a backup made by backup.sh");
        }
        finally
        {
            File.Delete(notABackup);
        }
    }
}
