using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Tests.Leaders;

public sealed class EnrolmentTests : LeaderSpec
{
    [Fact]
    public void Enrol_records_the_leader_with_trimmed_text_and_who_enrolled_them() =>
        Then(new Enroll(LeaderId, " North ", "  ", " Ada Leader ", "ada@example.org", Edition, Admin, Now),
            new LeaderEnrolled(LeaderId, "North", null, "Ada Leader", "ada@example.org", Edition, Admin.UserId, Now));

    [Fact]
    public void Enrolled_state_is_active_at_version_one()
    {
        Given(Enrolled());
        State.Should().Match<Leader>(s => s.Id == LeaderId && s.Version == 1 && s.Status == LeaderStatus.Active
            && s.Affiliate == "North" && s.Local == "Local 7" && s.DisplayName == "Ada Leader" && s.FrameworkEditionId == Edition);
    }

    [Fact]
    public void Enrolling_an_enrolled_leader_is_refused()
    {
        Given(Enrolled());
        ThenRefused(new Enroll(LeaderId, "North", null, "Ada", "ada@example.org", Edition, Admin, Now), "This leader is already enrolled.");
    }

    [Theory]
    [InlineData(" ", "ada@example.org", "The display name must not be empty.")]
    [InlineData("Ada", "", "The email address must not be empty.")]
    public void Enrolling_without_name_or_email_is_refused(string name, string email, string message) =>
        ThenRefused(new Enroll(LeaderId, "North", null, name, email, Edition, Admin, Now), message);

    [Fact]
    public void Enrolling_without_an_affiliate_is_refused() =>
        ThenRefused(new Enroll(LeaderId, " ", null, "Ada", "ada@example.org", Edition, Admin, Now), "The affiliate must not be empty.");

    [Fact]
    public void Any_other_command_on_a_leader_not_enrolled_is_refused() =>
        ThenRefused(Train(1), "This leader is not enrolled; enrol them first.");

    [Fact]
    public void Changing_the_profile_records_the_new_values()
    {
        Given(Enrolled());
        Then(new ChangeProfile("Ada L.", "ada@new.org", "Local 9", Self, Now),
            new LeaderProfileChanged(LeaderId, "Ada L.", "ada@new.org", "Local 9", Self.UserId, Now));
    }

    [Fact]
    public void Changing_the_profile_to_the_same_values_records_nothing()
    {
        Given(Enrolled());
        ThenNothing(new ChangeProfile("Ada Leader", "ada@example.org", "Local 7", Self, Now));
    }

    [Fact]
    public void Changing_the_profile_to_a_blank_name_is_refused()
    {
        Given(Enrolled());
        ThenRefused(new ChangeProfile("", "ada@example.org", null, Self, Now), "The display name must not be empty.");
    }
}
