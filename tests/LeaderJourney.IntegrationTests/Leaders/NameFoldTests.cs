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
