using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Domain.Tests.Succession;

public sealed class DefinePositionTests : PositionSpec
{
    [Fact]
    public void Defining_records_the_position_with_trimmed_text_and_who_defined_it() =>
        Then(Define(title: "  Chair  ", requirements: [new(null, " VIS ", 2), new("STR", "  ", 1)]),
            new PositionDefined(PositionId, "North", "Chair", true, [new(null, "VIS", 2), new("STR", null, 1)], Admin.UserId, Now));

    [Fact]
    public void Defined_state_holds_the_position_at_version_one()
    {
        Given(Defined());
        State.Should().Match<Position>(s => s.Id == PositionId && s.Version == 1 && s.IsDefined && s.Affiliate == "North"
            && s.Title == "Chair" && s.IsKey && s.IsVacant && s.Candidates.IsEmpty && s.Appointments.IsEmpty);
        State.Requirements.Should().Equal(Reqs);
    }

    [Fact]
    public void A_non_key_position_can_be_defined() =>
        Then(new DefinePosition(PositionId, "North", "Treasurer", false, [], null, null, National, Now),
            new PositionDefined(PositionId, "North", "Treasurer", false, [], National.UserId, Now));

    [Fact]
    public void Defining_with_an_incumbent_seats_them_from_today_with_the_term_end() =>
        Then(Define(incumbent: Holder, termEndsOn: TermEnd),
            new PositionDefined(PositionId, "North", "Chair", true, Reqs, Admin.UserId, Now),
            new IncumbentSeated(PositionId, Holder, Today, TermEnd, Admin.UserId, Now));

    [Fact]
    public void Defining_a_vacant_position_with_a_term_end_sets_the_term_end() =>
        Then(Define(termEndsOn: TermEnd),
            new PositionDefined(PositionId, "North", "Chair", true, Reqs, Admin.UserId, Now),
            new TermEndSet(PositionId, TermEnd, Admin.UserId, Now));

    [Fact]
    public void Defining_with_an_incumbent_whose_term_already_ended_is_refused() =>
        ThenRefused(Define(incumbent: Holder, termEndsOn: new DateOnly(2025, 1, 31)),
            "The term ends 2025-01-31, before the incumbent is seated on 2025-04-09; give a later term end.");

    [Fact]
    public void Defining_a_position_twice_is_refused()
    {
        Given(Defined());
        ThenRefused(Define(), "This position is already defined.");
    }

    [Fact]
    public void Defining_without_an_id_is_refused() =>
        ThenRefused(Define() with { PositionId = Guid.Empty }, "Give the new position an id.");

    [Fact]
    public void Defining_without_an_affiliate_is_refused() =>
        ThenRefused(Define() with { Affiliate = " " }, "The affiliate must not be empty.");

    [Theory]
    [InlineData("", "The position title must not be empty.")]
    [InlineData("   ", "The position title must not be empty.")]
    public void A_blank_title_is_refused(string title, string message) => ThenRefused(Define(title), message);

    [Fact]
    public void A_title_of_201_characters_is_refused() =>
        ThenRefused(Define(new string('x', 201)), "The position title has 201 characters; keep it to 200 or fewer.");

    [Fact]
    public void A_title_of_200_characters_is_allowed_and_surrounding_spaces_do_not_count() =>
        When(Define($"  {new string('x', 200)}  ")).OfType<PositionDefined>().Single().Title.Should().HaveLength(200);

    public static TheoryData<Requirement[], string> BadRequirements => new()
    {
        { [new("STR", "VIS", 2)], "Requirement 1 names both domain STR and theme VIS; name exactly one." },
        { [new(null, "VIS", 1), new(" ", null, 2)], "Requirement 2 names neither a domain nor a theme; name exactly one." },
        { [new(null, "VIS", 0)], "Requirement 1 asks for Level 0; levels run from 1 to 3." },
        { [new("STR", null, 4)], "Requirement 1 asks for Level 4; levels run from 1 to 3." },
        { [new(null, "VIS", 1), new(null, " VIS", 3)], "Theme VIS is required more than once; list each theme once." },
        { [new("STR", null, 1), new("STR", null, 1)], "Domain STR is required more than once; list each domain once." },
    };

    [Theory]
    [MemberData(nameof(BadRequirements))]
    public void Bad_requirements_are_refused(Requirement[] requirements, string message) =>
        ThenRefused(Define(requirements: requirements), message);

    [Fact]
    public void A_theme_and_a_domain_with_the_same_code_are_different_requirements() =>
        When(Define(requirements: [new(null, "X", 1), new("X", null, 3)])).Should().ContainSingle();

    [Fact]
    public void A_position_may_ask_for_no_requirement() =>
        When(Define(requirements: [])).OfType<PositionDefined>().Single().Requirements.Should().BeEmpty();

    [Theory]
    [InlineData(Role.Mentor)]
    [InlineData(Role.Leader)]
    [InlineData(Role.Board)]
    public void Only_admins_define_positions(Role role) =>
        ThenRefused(Define(by: new Actor(Id(500), role, null)), "Only national or affiliate admins can manage positions.");

    [Fact]
    public void A_command_on_a_position_not_yet_defined_is_refused() =>
        ThenRefused(Nominate(Ann), "This position is not defined; define it first.");

    [Fact]
    public void Changing_requirements_records_the_new_list()
    {
        Given(Defined());
        Then(new ChangeRequirements([new(null, "COM", 3)], National, Now),
            new RequirementsChanged(PositionId, [new(null, "COM", 3)], National.UserId, Now));
    }

    [Fact]
    public void Changed_requirements_replace_the_old_ones_in_state()
    {
        Given(Defined(), new RequirementsChanged(PositionId, [new("COM", null, 3)], Admin.UserId, T0));
        State.Requirements.Should().Equal(new Requirement("COM", null, 3));
    }

    [Fact]
    public void Changing_requirements_to_the_same_list_records_nothing()
    {
        Given(Defined());
        ThenNothing(new ChangeRequirements([new(null, " VIS ", 2), new("STR", null, 1)], Admin, Now));
    }

    [Fact]
    public void Changing_to_bad_requirements_is_refused()
    {
        Given(Defined());
        ThenRefused(new ChangeRequirements([new(null, "VIS", 5)], Admin, Now), "Requirement 1 asks for Level 5; levels run from 1 to 3.");
    }

    [Fact]
    public void Only_admins_change_requirements()
    {
        Given(Defined());
        ThenRefused(new ChangeRequirements([], Mentor, Now), "Only national or affiliate admins can manage positions.");
    }
}
