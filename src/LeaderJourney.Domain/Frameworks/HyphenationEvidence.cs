namespace LeaderJourney.Domain.Frameworks;

/// <summary>
/// What a document itself says about how a word broken as "X- Y" should be rejoined: how often it
/// writes "X-Y" unbroken (a real compound, e.g. "system-level") and how often "XY" as one word.
/// </summary>
/// <remarks>
/// Only the pairs that actually occur broken are counted, so gathering evidence costs two linear
/// passes over the text. Keys are looked up as spans built on the stack; a string is made only
/// once per distinct broken pair.
/// </remarks>
internal sealed class HyphenationEvidence
{
    private const int MaxStackKey = 256;

    private static readonly HyphenationEvidence None = new(new Dictionary<string, int>(), new Dictionary<string, int>());

    private readonly Dictionary<string, int> hyphenated;
    private readonly Dictionary<string, int> joined;

    private HyphenationEvidence(Dictionary<string, int> hyphenated, Dictionary<string, int> joined)
    {
        this.hyphenated = hyphenated;
        this.joined = joined;
    }

    public static HyphenationEvidence From(string documentText)
    {
        var hyphenated = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var joined = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var text = documentText.AsSpan();
        Span<char> stackKey = stackalloc char[MaxStackKey];
        for (var i = NextBreak(text, 0); i >= 0; i = NextBreak(text, i + 1))
        {
            var first = text[Letters.RunStart(text, i)..i];
            var second = text[(i + 2)..Letters.RunEnd(text, i + 2)];
            var length = first.Length + 1 + second.Length;
            var key = length <= MaxStackKey ? stackKey[..length] : new char[length];
            WriteHyphenated(key, first, second);
            AddOnce(hyphenated, key);
            AddOnce(joined, CloseUp(key, first.Length));
        }

        if (hyphenated.Count == 0)
        {
            return None;
        }

        Count(documentText, hyphenated, joined);
        return new HyphenationEvidence(hyphenated, joined);
    }

    /// <summary>
    /// True when the document writes "first-second" unbroken more often than "firstsecond"; ties
    /// (including no evidence at all) fall back to joining, because a PDF line break inside a word is
    /// far more common than one at a compound's hyphen.
    /// </summary>
    public bool PrefersHyphen(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        if (hyphenated.Count == 0)
        {
            return false;
        }

        var length = first.Length + 1 + second.Length;
        Span<char> key = length <= MaxStackKey ? stackalloc char[length] : new char[length];
        WriteHyphenated(key, first, second);
        hyphenated.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var hyphenCount);
        joined.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(CloseUp(key, first.Length), out var joinedCount);
        return hyphenCount > joinedCount;
    }

    /// <summary>The position of the next "letters- letters" break's hyphen at or after <paramref name="from"/>, or -1.</summary>
    private static int NextBreak(ReadOnlySpan<char> text, int from)
    {
        while (from < text.Length)
        {
            var offset = text[from..].IndexOf("- ");
            if (offset < 0)
            {
                return -1;
            }

            var i = from + offset;
            if (i > 0 && i + 2 < text.Length && char.IsLetter(text[i - 1]) && char.IsLetter(text[i + 2]))
            {
                return i;
            }

            from = i + 1;
        }

        return -1;
    }

    private static void WriteHyphenated(Span<char> key, ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        first.CopyTo(key);
        key[first.Length] = '-';
        second.CopyTo(key[(first.Length + 1)..]);
    }

    /// <summary>Turns the "first-second" key into "firstsecond" in place and returns it.</summary>
    private static ReadOnlySpan<char> CloseUp(Span<char> key, int hyphenAt)
    {
        key[(hyphenAt + 1)..].CopyTo(key[hyphenAt..]);
        return key[..^1];
    }

    private static void AddOnce(Dictionary<string, int> counts, ReadOnlySpan<char> key) =>
        counts.GetAlternateLookup<ReadOnlySpan<char>>().TryAdd(key, 0);

    /// <summary>Counts letter runs equal to a wanted joined word, and "run-run" pairs equal to a wanted compound.</summary>
    private static void Count(string text, Dictionary<string, int> hyphenated, Dictionary<string, int> joined)
    {
        var hyphenatedLookup = hyphenated.GetAlternateLookup<ReadOnlySpan<char>>();
        var joinedLookup = joined.GetAlternateLookup<ReadOnlySpan<char>>();

        // Most words cannot be a wanted joined word by length alone; skipping their lookup halves the cost.
        var wantedLengths = new bool[joined.Keys.Max(word => word.Length) + 1];
        foreach (var word in joined.Keys)
        {
            wantedLengths[word.Length] = true;
        }

        var previousRunStart = -1;
        for (var start = Letters.Next(text, 0); start < text.Length;)
        {
            var end = Letters.RunEnd(text, start);
            var length = end - start;
            if (length < wantedLengths.Length && wantedLengths[length])
            {
                var word = text.AsSpan(start, length);
                if (joinedLookup.TryGetValue(word, out var joinedCount))
                {
                    joinedLookup[word] = joinedCount + 1;
                }
            }

            // "a-b" written without a space: the previous run ends right before this run's hyphen.
            if (previousRunStart >= 0 && start >= 2 && text[start - 1] == '-' && char.IsLetter(text[start - 2]))
            {
                var pair = text.AsSpan(previousRunStart, end - previousRunStart);
                if (hyphenatedLookup.TryGetValue(pair, out var hyphenCount))
                {
                    hyphenatedLookup[pair] = hyphenCount + 1;
                }
            }

            previousRunStart = start;
            start = Letters.Next(text, end);
        }
    }
}
