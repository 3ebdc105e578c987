using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using System.Reflection;
using LeaderJourney.Domain;
using LeaderJourney.Storage;
using LeaderJourney.Storage.PersonalData;

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
        foreach (var type in registry.Names.Select(registry.TypeOfName).OfType<Type>())
            registry.DeclarePersonalData(type, PersonalFieldsOf(type));
        registry.DeclarePersonalDocument(typeof(Leader), Leaders.LeaderAggregation.SealedName, PersonalFieldsOf(typeof(Leader)));
        foreach (var (type, property, refusal) in RecordedOnce.All) registry.RecordOnce(type, property, refusal);
        return Engine.StreamKinds.Register(registry);
    }

    /// <summary>The properties the domain marks [PersonalData] (on a record's parameters or its properties).</summary>
    public static IReadOnlyList<PersonalField> PersonalFieldsOf(Type type)
    {
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters())
            .Select(p => (p.Name, Attribute: p.GetCustomAttribute<PersonalDataAttribute>()));
        var properties = type.GetProperties().Select(p => (Name: (string?)p.Name, Attribute: p.GetCustomAttribute<PersonalDataAttribute>()));
        return parameters.Concat(properties)
            .Where(x => x.Attribute is not null && x.Name is not null)
            .DistinctBy(x => x.Name)
            .Select(x => new PersonalField(x.Name!, x.Attribute!.Subject))
            .ToList();
    }
}
