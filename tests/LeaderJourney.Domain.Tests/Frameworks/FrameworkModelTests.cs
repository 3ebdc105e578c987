using System.Text.Json;
using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Domain.Tests.Frameworks;

// Inside LeaderJourney.*, a bare "Domain" names the LeaderJourney.Domain namespace.
using Domain = LeaderJourney.Domain.Frameworks.Domain;

public sealed class FrameworkModelTests
{
    private static readonly Framework Sample = new("Sample", [new Level(1, "Foundational")],
    [
        new Domain("ADV", "Advocacy", "Advances the cause.",
        [
            new Theme("ADV.1", "Utilizes best practices", [new ThemeLevel(1, "Foundational", "Identifies", "Understands members' needs")]),
        ]),
    ]);

    [Fact]
    public void Json_has_the_catalog_shape_in_camel_case()
    {
        var json = FrameworkJson.Serialize(Sample);

        json.Should().Be("""
            {
              "name": "Sample",
              "levelScale": [
                {
                  "number": 1,
                  "name": "Foundational"
                }
              ],
              "domains": [
                {
                  "code": "ADV",
                  "name": "Advocacy",
                  "description": "Advances the cause.",
                  "themes": [
                    {
                      "code": "ADV.1",
                      "title": "Utilizes best practices",
                      "levels": [
                        {
                          "number": 1,
                          "name": "Foundational",
                          "descriptor": "Identifies",
                          "considerations": "Understands members' needs"
                        }
                      ]
                    }
                  ]
                }
              ]
            }
            """.ReplaceLineEndings(Environment.NewLine));
    }

    [Fact]
    public void Json_writes_a_missing_name_as_null()
    {
        using var document = JsonDocument.Parse(FrameworkJson.Serialize(Sample with { Name = null }));

        document.RootElement.GetProperty("name").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Json_of_the_2020_framework_holds_every_theme()
    {
        using var document = JsonDocument.Parse(FrameworkJson.Serialize(TestDocuments.ParseSeed(TestDocuments.Nea2020)));

        document.RootElement.GetProperty("domains").EnumerateArray()
            .Sum(domain => domain.GetProperty("themes").GetArrayLength()).Should().Be(33);
    }

    [Fact]
    public void Lists_are_copied_so_a_framework_cannot_change_after_it_is_built()
    {
        var domains = new List<Domain>(Sample.Domains);
        var framework = Sample with { Domains = domains };

        domains.Clear();

        framework.Domains.Should().ContainSingle();
        framework.Domains.Should().NotBeAssignableTo<List<Domain>>();
    }

    [Fact]
    public void Merge_joins_domains_in_order_and_keeps_the_scale()
    {
        var other = Sample with { Domains = [Sample.Domains[0] with { Code = "ORG", Name = "Organizing" }] };

        var merged = Framework.Merge("NEA 2019", Sample, other);

        merged.Name.Should().Be("NEA 2019");
        merged.LevelScale.Should().Equal(new Level(1, "Foundational"));
        merged.Domains.Select(domain => domain.Code).Should().Equal("ADV", "ORG");
    }

    [Fact]
    public void Merge_refuses_a_repeated_domain_code()
    {
        var act = () => Framework.Merge(null, Sample, Sample);

        act.Should().Throw<ArgumentException>().WithMessage("*ADV*");
    }

    [Fact]
    public void Merge_refuses_different_level_scales()
    {
        var other = Sample with { LevelScale = [new Level(1, "Emerging")], Domains = [] };

        var act = () => Framework.Merge(null, Sample, other);

        act.Should().Throw<ArgumentException>().WithMessage("*level scales*");
    }
}
