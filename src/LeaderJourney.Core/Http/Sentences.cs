namespace LeaderJourney.Core.Http;

/// <summary>
/// Says one of LeaderJourney's own English sentences (a refusal, a problem's title, an import row's
/// error, a line of a printable report) in the language of the request being answered. Core writes its
/// sentences in English, where they are made; the web host registers the translations, the command
/// line speaks English.
/// </summary>
public interface ISentences
{
    string Say(string english);
}

/// <summary>English as written: the command line's, and any host's without translations.</summary>
public sealed class EnglishSentences : ISentences
{
    public string Say(string english) => english;
}
