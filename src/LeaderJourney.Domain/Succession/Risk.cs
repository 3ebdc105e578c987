namespace LeaderJourney.Domain.Succession;

/// <summary>Succession risk of a key position as of a date; see <see cref="SuccessionRules.Risk"/>.</summary>
public enum Risk { High, Medium, Low }

/// <summary>The public (JSON, CSV) names of <see cref="Risk"/>. They are part of the API: never rename one.</summary>
public static class RiskNames
{
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";

    public static string ToApi(Risk risk) => risk switch
    {
        Risk.High => High,
        Risk.Medium => Medium,
        Risk.Low => Low,
        _ => throw new ArgumentOutOfRangeException(nameof(risk), risk, "Unknown risk."),
    };

    /// <summary>Exact, case-sensitive match of a public name; anything else is the caller's input error.</summary>
    public static Risk FromApi(string name) => name switch
    {
        High => Risk.High,
        Medium => Risk.Medium,
        Low => Risk.Low,
        _ => throw new ArgumentException($"Unknown risk \"{name}\"; use {High}, {Medium} or {Low}.", nameof(name)),
    };
}
