using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using LeaderJourney.EventStore;

namespace LeaderJourney.Core;

/// <summary>
/// Every event type LeaderJourney stores, under its stable name. Each is listed in docs/events.md;
/// a published name is never renamed or reshaped (a breaking change is a new name plus an upcaster).
/// </summary>
public static class EventTypes
{
    public static EventTypeRegistry CreateRegistry()
    {
        var registry = new EventTypeRegistry()
            .Register<FrameworkEditionPublished>("framework.edition-published")
            .Register<FrameworkRevisionPublished>("framework.revision-published");
        foreach (var (type, name) in LeaderEventNames.All) registry.Register(type, name);
        foreach (var (type, name) in PositionEventNames.All) registry.Register(type, name);
        foreach (var (type, name) in DemographicsState.EventNames) registry.Register(type, name);
        registry.Register<Succession.Reports.ReportIssued>(Succession.Reports.ReportIssues.EventName);
        return registry;
    }
}
