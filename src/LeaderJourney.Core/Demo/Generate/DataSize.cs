namespace LeaderJourney.Core.Demo.Generate;

/// <summary>The sizes of generated data (issue 9, "Scale"): the demo affiliate, one state affiliate, a national federation.</summary>
public enum DataSize { Demo, State, National }

/// <summary>An affiliate to create, and how many of the generated leaders belong to it.</summary>
public sealed record GeneratedAffiliate(string Code, string Name, int Leaders);

public static class DataSizes
{
    public const string DemoAffiliate = "DEMO";

    /// <summary>How many leaders each size has unless a count is given: about 100 events each at state and national size.</summary>
    public static int DefaultLeaders(DataSize size) => size switch
    {
        DataSize.Demo => 200,
        DataSize.State => 20_000,
        DataSize.National => 100_000,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "Unknown size."),
    };

    public static bool TryParse(string? text, out DataSize size) =>
        Enum.TryParse(text, ignoreCase: true, out size) && Enum.IsDefined(size) && !int.TryParse(text, out _);

    /// <summary>
    /// The affiliates of a size, with the leaders spread over them. A national federation spreads its
    /// leaders over the 50 state affiliates roughly as the states' populations, so a few big affiliates
    /// hold most of them and the smallest hold a few dozen (the largest remainder keeps the total exact).
    /// </summary>
    public static IReadOnlyList<GeneratedAffiliate> Affiliates(DataSize size, int leaders)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaders, 1);
        return size switch
        {
            DataSize.Demo => [new(DemoAffiliate, "Demo Education Association", leaders)],
            DataSize.State => [new("OH", "Ohio Education Association", leaders)],
            DataSize.National => Spread(leaders),
            _ => throw new ArgumentOutOfRangeException(nameof(size), size, "Unknown size."),
        };
    }

    private static List<GeneratedAffiliate> Spread(int leaders)
    {
        var states = States.Take(Math.Min(States.Length, leaders)).ToArray();
        var total = states.Sum(s => s.Weight);
        var exact = states.Select(s => (double)leaders * s.Weight / total).ToArray();
        var counts = exact.Select(x => (int)Math.Floor(x)).ToArray();
        // Hand out what flooring left over to the largest remainders, then make sure no affiliate is empty.
        foreach (var i in Enumerable.Range(0, states.Length).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i).Take(leaders - counts.Sum()))
            counts[i]++;
        for (var i = 0; i < counts.Length; i++)
            if (counts[i] == 0)
            {
                var largest = Array.IndexOf(counts, counts.Max());
                counts[largest]--;
                counts[i]++;
            }
        return states.Select((s, i) => new GeneratedAffiliate(s.Code, $"{s.Name} Education Association", counts[i])).ToList();
    }

    // The 50 states with their populations in hundreds of thousands (2020 census, rounded), as weights.
    private static readonly (string Code, string Name, int Weight)[] States =
    [
        ("CA", "California", 395), ("TX", "Texas", 291), ("FL", "Florida", 215), ("NY", "New York", 202), ("PA", "Pennsylvania", 130),
        ("IL", "Illinois", 128), ("OH", "Ohio", 118), ("GA", "Georgia", 107), ("NC", "North Carolina", 104), ("MI", "Michigan", 101),
        ("NJ", "New Jersey", 93), ("VA", "Virginia", 86), ("WA", "Washington", 77), ("AZ", "Arizona", 72), ("MA", "Massachusetts", 70),
        ("TN", "Tennessee", 69), ("IN", "Indiana", 68), ("MD", "Maryland", 62), ("MO", "Missouri", 62), ("WI", "Wisconsin", 59),
        ("CO", "Colorado", 58), ("MN", "Minnesota", 57), ("SC", "South Carolina", 51), ("AL", "Alabama", 50), ("LA", "Louisiana", 47),
        ("KY", "Kentucky", 45), ("OR", "Oregon", 42), ("OK", "Oklahoma", 40), ("CT", "Connecticut", 36), ("UT", "Utah", 33),
        ("IA", "Iowa", 32), ("NV", "Nevada", 31), ("AR", "Arkansas", 30), ("MS", "Mississippi", 30), ("KS", "Kansas", 29),
        ("NM", "New Mexico", 21), ("NE", "Nebraska", 20), ("ID", "Idaho", 18), ("WV", "West Virginia", 18), ("HI", "Hawaii", 15),
        ("NH", "New Hampshire", 14), ("ME", "Maine", 14), ("RI", "Rhode Island", 11), ("MT", "Montana", 11), ("DE", "Delaware", 10),
        ("SD", "South Dakota", 9), ("ND", "North Dakota", 8), ("AK", "Alaska", 7), ("VT", "Vermont", 6), ("WY", "Wyoming", 6),
    ];
}
