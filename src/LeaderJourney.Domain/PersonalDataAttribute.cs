namespace LeaderJourney.Domain;

/// <summary>
/// Marks an event property that holds personal data: a name, an email, free text written about a
/// person, a demographic value. Such data is stored encrypted with a key of the person it is about,
/// so that erasing the person (deleting the key) erases it from every copy of the events.
/// </summary>
/// <param name="subject">
/// The name of the Guid property that says whose data it is, when that is not the event's own stream
/// (e.g. a note about a candidate in a position's stream).
/// </param>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class PersonalDataAttribute(string? subject = null) : Attribute
{
    public string? Subject { get; } = subject;
}
