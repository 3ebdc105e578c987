namespace LeaderJourney.Core.Http;

/// <summary>Bad input, naming the field and what is allowed; becomes a 400 problem (or one line on the command line).</summary>
public sealed class RequestValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
