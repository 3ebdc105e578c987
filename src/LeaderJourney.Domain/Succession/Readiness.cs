namespace LeaderJourney.Domain.Succession;

/// <summary>How soon a candidate could take a position. Declared best first, so a lower value is a readier candidate
/// (the bench counts each leader at their best, which is the minimum).</summary>
public enum Readiness { ReadyNow, Ready1To2Years, Ready3PlusYears }

/// <summary>The public (JSON, CSV) names of <see cref="Readiness"/>. They are part of the API: never rename one.</summary>
public static class ReadinessNames
{
    public const string ReadyNow = "ready-now";
    public const string Ready1To2Years = "ready-1-2-years";
    public const string Ready3PlusYears = "ready-3-plus-years";

    public static string ToApi(Readiness readiness) => readiness switch
    {
        Readiness.ReadyNow => ReadyNow,
        Readiness.Ready1To2Years => Ready1To2Years,
        Readiness.Ready3PlusYears => Ready3PlusYears,
        _ => throw new ArgumentOutOfRangeException(nameof(readiness), readiness, "Unknown readiness."),
    };

    /// <summary>Exact, case-sensitive match of a public name; anything else is the caller's input error.</summary>
    public static Readiness FromApi(string name) =>
        TryFromApi(name, out var readiness)
            ? readiness
            : throw new ArgumentException($"Unknown readiness \"{name}\"; use {ReadyNow}, {Ready1To2Years} or {Ready3PlusYears}.", nameof(name));

    public static bool TryFromApi(string? name, out Readiness readiness)
    {
        (var known, readiness) = name switch
        {
            ReadyNow => (true, Readiness.ReadyNow),
            Ready1To2Years => (true, Readiness.Ready1To2Years),
            Ready3PlusYears => (true, Readiness.Ready3PlusYears),
            _ => (false, default),
        };
        return known;
    }
}
