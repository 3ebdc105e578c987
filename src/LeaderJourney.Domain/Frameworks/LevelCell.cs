namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// Splits a level cell into its descriptor and its considerations. In the NEA documents each cell
/// holds the descriptor, then the label "Learning Considerations" (2020 edition) or
/// "Training Considerations" (2019 edition), then the training content.
/// </summary>
internal static class LevelCell
{
    private static readonly string[] Labels = ["Learning Considerations", "Training Considerations"];

    /// <summary>
    /// Descriptor = text before the first label, considerations = text after it (a colon right after
    /// the label is dropped). A cell without a label is all descriptor, with empty considerations:
    /// some frameworks describe levels without training content, and that is not an error.
    /// </summary>
    public static (string Descriptor, string Considerations) Split(string cleanedText)
    {
        var (index, length) = FindLabel(cleanedText);
        if (index < 0)
        {
            return (cleanedText, string.Empty);
        }

        // Trimmed as spans so each part becomes a string once.
        var text = cleanedText.AsSpan();
        var descriptor = text[..index].Trim().ToString();
        var considerations = text[(index + length)..].TrimStart(" :").TrimEnd().ToString();
        return (descriptor, considerations);
    }

    private static (int Index, int Length) FindLabel(string text)
    {
        var best = (Index: -1, Length: 0);
        foreach (var label in Labels)
        {
            var index = IndexOfWholeWords(text, label);
            if (index >= 0 && (best.Index < 0 || index < best.Index))
            {
                best = (index, label.Length);
            }
        }

        return best;
    }

    private static int IndexOfWholeWords(string text, string phrase)
    {
        for (var from = 0; from <= text.Length - phrase.Length;)
        {
            var index = text.IndexOf(phrase, from, StringComparison.OrdinalIgnoreCase);
            if (index < 0)
            {
                return -1;
            }

            var end = index + phrase.Length;
            var startsWord = index == 0 || !char.IsLetter(text[index - 1]);
            var endsWord = end == text.Length || !char.IsLetter(text[end]);
            if (startsWord && endsWord)
            {
                return index;
            }

            from = index + 1;
        }

        return -1;
    }
}
