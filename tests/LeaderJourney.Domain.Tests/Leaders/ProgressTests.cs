using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class ProgressTests : LeaderSpec
{
    private static readonly Dictionary<string, string> Framework = new()
    {
        ["VIS"] = "LEAD",
        ["COM"] = "LEAD",
        ["FIN"] = "ORG",
    };

    private static readonly DateTimeOffset Later = T0.AddDays(10);

    [Fact]
    public void A_new_leader_is_at_level_0_in_every_theme_and_domain()
    {
        GivenEnrolledWithMentor();
        var view = LeaderProgress.Of(State, Framework);
        view.Should().BeEquivalentTo(new ProgressView(LeaderId,
            [new ThemeProgress("COM", 0, null, null), new ThemeProgress("FIN", 0, null, null), new ThemeProgress("VIS", 0, null, null)],
            [new DomainProgress("LEAD", 0), new DomainProgress("ORG", 0)]), o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_domain_stands_at_the_lowest_level_of_its_themes()
    {
        GivenEnrolledWithMentor();
        Given(Attained(1, "VIS"), Attained(2, "VIS"), Attained(1, "COM"), Attained(1, "FIN"), Attained(2, "FIN"), Attained(3, "FIN"));
        LeaderProgress.Of(State, Framework).Domains.Should().Equal(new DomainProgress("LEAD", 1), new DomainProgress("ORG", 3));
    }

    [Fact]
    public void A_theme_shows_its_level_when_it_was_attained_and_the_lowest_pending_level_above_it()
    {
        GivenEnrolledWithMentor();
        Given(Attained(1, "VIS", T0), Attained(2, "VIS", Later), Requested(4, "VIS"), Requested(3, "VIS"), Requested(1, "COM"));
        var themes = LeaderProgress.Of(State, Framework).Themes;
        themes.Should().Contain(new ThemeProgress("VIS", 2, 3, Later));
        themes.Should().Contain(new ThemeProgress("COM", 0, 1, null));
    }

    [Fact]
    public void A_theme_not_in_the_framework_map_is_not_listed()
    {
        GivenEnrolledWithMentor();
        Given(Attained(1, "OLD"));
        LeaderProgress.Of(State, Framework).Themes.Select(t => t.Code).Should().Equal("COM", "FIN", "VIS");
    }

    [Fact]
    public void Provenance_returns_the_standing_attainments_clauses_or_null()
    {
        GivenEnrolledWithMentor();
        Given(Trained(1)); // v3
        Apply(SignOffBy(MentorA, 1)); // v4, v5
        LeaderProgress.Provenance(State, Theme, 1).Should().BeEquivalentTo(
            new[] { Clause(AttainmentClause.Learning, 3), Clause(AttainmentClause.SignOff, 4) }, o => o.WithStrictOrdering());
        LeaderProgress.Provenance(State, Theme, 2).Should().BeNull();

        Apply(new RevokeAttainment(Theme, 1, "Audit", Admin, Now));
        LeaderProgress.Provenance(State, Theme, 1).Should().BeNull();
    }
}
