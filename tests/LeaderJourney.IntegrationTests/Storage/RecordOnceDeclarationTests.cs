using LeaderJourney.Storage;
using LeaderJourney.Storage.PersonalData;

namespace LeaderJourney.IntegrationTests.Storage;

/// <summary>What a stream may be declared to hold once (the database's unique index keeps it: LeaderDecisionStateTests).</summary>
public sealed class RecordOnceDeclarationTests
{
    private sealed record Ticketed(Guid TicketId, string Holder, int Seat);

    private static EventTypeRegistry Registry() => new EventTypeRegistry().Register<Ticketed>("test.ticketed");

    [Fact]
    public void A_Guid_field_is_kept_once_under_its_JSON_name_by_an_index_named_for_the_event()
    {
        var key = Registry().RecordOnce(typeof(Ticketed), nameof(Ticketed.TicketId), "This ticket is already issued.").RecordedOnce.Values.Single();
        key.Should().Be(new RecordedOnceKey("test.ticketed", "ticketId", "This ticket is already issued."));
        key.IndexName.Should().Be("mt_events_once_test_ticketed");
    }

    [Fact]
    public void A_field_that_is_not_a_Guid_a_sealed_one_or_an_unregistered_type_is_refused()
    {
        FluentActions.Invoking(() => Registry().RecordOnce(typeof(Ticketed), nameof(Ticketed.Seat), "Taken.")).Should().Throw<InvalidOperationException>().WithMessage("*no Guid property Seat*");
        FluentActions.Invoking(() => Registry().RecordOnce(typeof(Ticketed), "Missing", "Taken.")).Should().Throw<InvalidOperationException>();
        var sealedId = Registry().DeclarePersonalData(typeof(Ticketed), [new PersonalField(nameof(Ticketed.TicketId))]);
        FluentActions.Invoking(() => sealedId.RecordOnce(typeof(Ticketed), nameof(Ticketed.TicketId), "Taken.")).Should().Throw<InvalidOperationException>().WithMessage("*personal data*");
        FluentActions.Invoking(() => Registry().RecordOnce(typeof(string), "Length", "Taken.")).Should().Throw<UnregisteredEventTypeException>();
    }
}
