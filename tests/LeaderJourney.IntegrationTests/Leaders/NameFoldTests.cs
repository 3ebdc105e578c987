using System.Globalization;
using System.Text;
using LeaderJourney.Core.Leaders;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Leaders;

/// <summary>Names compared with their accents, case and hyphens aside, alike in C# and in PostgreSQL.</summary>
public sealed class NameFoldTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public void Each_accented_letter_reads_as_the_letter_it_is_written_on()
    {
        NameFold.Accented.Length.Should().Be(NameFold.Plain.Length);
        NameFold.Accented.ToCharArray().Should().OnlyHaveUniqueItems();
        for (var i = 0; i < NameFold.Accented.Length; i++)
        {
            var letter = NameFold.Accented[i];
            // Where Unicode writes the letter as a base and its marks, the base is the plain letter (ł, đ, ø and ı have none).
            var decomposed = letter.ToString().Normalize(NormalizationForm.FormD)[0];
            if (decomposed < 128 && char.IsLetter(decomposed))
                NameFold.Plain[i].Should().Be(char.ToLowerInvariant(decomposed), $"'{letter}' is written on '{decomposed}'");
        }
        NameFold.Of("María-José ÑÚÑEZ").Should().Be("maria jose nunez");
        NameFold.Of("Dvořák Łukasz İlhan Ştefan").Should().Be("dvorak lukasz ilhan stefan");
        NameFold.Finds("María-José Ñúñez", " maria jose ").Should().BeTrue();
        NameFold.Finds("Mario Jiménez", "maria").Should().BeFalse();
    }

    [Fact]
    public void The_table_of_letters_is_the_one_the_leaders_read_model_keeps_names_by()
    {
        // The read model keeps each name folded (name_key): a new table needs a new version of it, which rebuilds
        // the names kept. Change both together, and the figures here.
        var table = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(NameFold.Accented + "|" + NameFold.Plain)))[..16];
        (table, new LeaderJourney.Core.Projections.LeaderProgressProjection().Version).Should().Be(("616f8c9ad9e7201b", 3));
        NameFold.Key("  Ana   NUÑEZ-Pérez ").Should().Be("ana nunez perez");
        NameFold.Finds("Ana Núñez", "ana  nunez").Should().BeTrue("doubled spaces are one, as in the leaders' search");
    }

    [Fact]
    public async Task PostgreSQL_folds_every_listed_letter_and_a_name_as_the_code_does()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        foreach (var text in new[] { NameFold.Accented, "María-José ÑÚÑEZ", "Dvořák Łukasz İlhan Ştefan", "ZOË O'Brien-Smith", "Ærø 100%_" })
        {
            await using var command = dataSource.CreateCommand($"select {NameFold.Sql("$1")}");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = text });
            ((string)(await command.ExecuteScalarAsync())!).Should().Be(NameFold.Of(text), text);
        }
    }
}
