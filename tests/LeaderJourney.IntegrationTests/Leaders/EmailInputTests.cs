using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;

namespace LeaderJourney.IntegrationTests.Leaders;

/// <summary>What the enrolment, the profile, the import and the sign-ins take as an e-mail address.</summary>
public sealed class EmailInputTests
{
    [Theory]
    [InlineData("ana@example.org")]
    [InlineData(" Ana.Nunez+union@mail.example.org ")]
    [InlineData("o'brien@example.ie")]
    [InlineData("x@localhost")]
    public void An_address_mail_can_be_sent_to_is_taken_trimmed(string typed) =>
        LeaderInput.Email(typed).Should().Be(typed.Trim());

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("bad@@example")]
    [InlineData("ana@example@org")]
    [InlineData("@example.org")]
    [InlineData("ana@")]
    [InlineData("ana@example.")]
    [InlineData("ana@.example.org")]
    [InlineData("ana@example..org")]
    [InlineData(".ana@example.org")]
    [InlineData("ana.@example.org")]
    [InlineData("an..a@example.org")]
    [InlineData("ana nunez@example.org")]
    [InlineData("ana@exa\tmple.org")]
    [InlineData("ana@-example.org")]
    [InlineData("ana,x@example.org")]
    [InlineData("ana@exa_mple.org")]
    [InlineData("<ana@example.org>")]
    public void A_typing_slip_is_refused_naming_what_was_typed(string typed) =>
        FluentActions.Invoking(() => LeaderInput.Email(typed)).Should().Throw<RequestValidationException>()
            .Which.Message.Should().Be($"'{typed.Trim()}' is not an e-mail address.");
}
