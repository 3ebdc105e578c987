namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Reads a competency framework from the text of a document (text extracted from a PDF, or typed).
/// Pure: no I/O, the caller reads the file. See docs/frameworks.md for every rule it follows.
/// </summary>
public static class FrameworkDocumentParser
{
    /// <summary>
    /// Parses a framework document in one of the accepted shapes: tab-separated tables, markdown
    /// tables (both with a "Level N: Name" header row), or a numbered outline.
    /// </summary>
    /// <param name="text">The whole document.</param>
    /// <param name="sourceName">A name for the document (e.g. its file name) to put in error messages.</param>
    /// <exception cref="FrameworkDocumentException">The document is empty, binary, in no accepted shape,
    /// or breaks a rule of its shape; the exception names the line.</exception>
    /// <remarks>Runs in time linear in the document's length (no backtracking patterns).</remarks>
    public static Framework Parse(string text, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var lines = DocumentLines.Read(text);
            var repair = new TextRepair(text);
            var casing = new NameCasing(text);

            // A document with a level header row is a table document even if it also has numbered lines.
            if (TableReader.HasHeaderRow(lines))
            {
                return TableReader.Read(lines, repair, casing);
            }

            if (OutlineReader.HasOutline(lines))
            {
                return OutlineReader.Read(lines, repair, casing);
            }

            var firstLine = lines.First(line => !line.IsBlank).Number;
            throw new FrameworkDocumentException(firstLine, "nothing recognisable as a framework: no table header row ('Competency Theme' with 'Level N: Name' columns) and no numbered outline ('1. Name: description' with '1.1. ...' sub-items)");
        }
        catch (FrameworkDocumentException e) when (sourceName is not null && e.SourceName is null)
        {
            throw e.WithSource(sourceName);
        }
    }
}
