namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// A framework document could not be read. The message always names the 1-based line at fault so a
/// person can open the document and fix it there.
/// </summary>
public sealed class FrameworkDocumentException : Exception
{
    public FrameworkDocumentException(int line, string problem, string? sourceName = null)
        : base(Describe(line, problem, sourceName))
    {
        Line = line;
        Problem = problem;
        SourceName = sourceName;
    }

    /// <summary>The 1-based line number the problem was found on.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The document's name as given to the parser, if any.</summary>
    public string? SourceName { get; }

    internal FrameworkDocumentException WithSource(string sourceName) => new(Line, Problem, sourceName);

    private static string Describe(int line, string problem, string? sourceName) =>
        sourceName is null ? $"Line {line}: {problem}" : $"{sourceName}, line {line}: {problem}";
}
