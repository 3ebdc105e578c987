namespace LeaderJourney.Domain.Demographics;

/// <summary>
/// The values an affiliate reports on, per category (docs/privacy.md, "Demographics"). A leader picks
/// from these, or describes themself in their own words: a value on the list (or one of its usual
/// spellings) is counted under the list's value; anything else is counted only as
/// <see cref="SelfDescribed"/>, so a unique description never becomes a row of its own that points
/// at one person. The leader's own words are kept, sealed, for the leader alone.
/// </summary>
public sealed class DemographicLists
{
    public const string SelfDescribed = "self-described";
    public static readonly IReadOnlyList<string> Categories = ["raceEthnicity", "gender", "jobCategory"];

    /// <summary>The lists an affiliate gets unless it configures its own: the US census categories, and the union's job families.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Defaults = new Dictionary<string, IReadOnlyList<string>>
    {
        ["raceEthnicity"] =
        [
            "American Indian or Alaska Native", "Asian", "Black", "Hispanic or Latino", "Middle Eastern or North African",
            "Native Hawaiian or Pacific Islander", "White",
        ],
        ["gender"] = ["woman", "man", "non-binary"],
        ["jobCategory"] =
        [
            "teacher", "education support professional", "higher education faculty", "specialized instructional support", "administrator", "retired", "student",
        ],
    };

    /// <summary>Other spellings people use for a listed value, counted as that value.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Black or African American"] = "Black", ["African American"] = "Black",
        ["Hispanic"] = "Hispanic or Latino", ["Latino"] = "Hispanic or Latino", ["Latina"] = "Hispanic or Latino", ["Latinx"] = "Hispanic or Latino",
        ["Latina/o"] = "Hispanic or Latino", ["Latino/a"] = "Hispanic or Latino", ["Latine"] = "Hispanic or Latino",
        ["Native American"] = "American Indian or Alaska Native", ["Pacific Islander"] = "Native Hawaiian or Pacific Islander",
        ["female"] = "woman", ["male"] = "man", ["nonbinary"] = "non-binary",
        ["ESP"] = "education support professional",
    };

    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> _byAffiliate;

    /// <param name="byAffiliate">Lists an affiliate configured, per category; a category it leaves out keeps the default.</param>
    public DemographicLists(IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>? byAffiliate = null) =>
        _byAffiliate = byAffiliate ?? new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>();

    public static DemographicLists Default { get; } = new();

    /// <summary>The values of a category the affiliate reports on.</summary>
    public IReadOnlyList<string> For(string affiliate, string category) =>
        _byAffiliate.TryGetValue(affiliate, out var own) && own.TryGetValue(category, out var list) ? list : Defaults[category];

    /// <summary>What a value given for the category is counted as: the list's value it names, else <see cref="SelfDescribed"/>.</summary>
    public string CountedAs(string affiliate, string category, string given)
    {
        var list = For(affiliate, category);
        var value = given.Trim();
        if (list.FirstOrDefault(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase)) is { } listed) return listed;
        if (Aliases.TryGetValue(value, out var alias) && list.FirstOrDefault(v => string.Equals(v, alias, StringComparison.OrdinalIgnoreCase)) is { } aliased) return aliased;
        return SelfDescribed;
    }
}
