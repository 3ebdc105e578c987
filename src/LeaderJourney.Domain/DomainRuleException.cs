namespace LeaderJourney.Domain;

/// <summary>A command broke a business rule; the message says which, in words a person can act on.</summary>
public sealed class DomainRuleException(string message) : Exception(message);
