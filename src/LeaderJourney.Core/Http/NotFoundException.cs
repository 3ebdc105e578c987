namespace LeaderJourney.Core.Http;

/// <summary>No such record for this caller: also what another affiliate's record looks like, so its existence is not confirmed.</summary>
public sealed class NotFoundException(string message) : Exception(message);
