using LeaderJourney.Storage;

namespace LeaderJourney.Core.Engine;

/// <summary>
/// The kinds of stream LeaderJourney keeps. Marten declares a stream's kind with a CLR type and stores
/// the type's alias (<c>leader</c>, <c>report_issues</c>) in <c>mt_streams.type</c>; these empty types
/// exist only to be declared (<see cref="Register"/>). Each pairs with the name the previous store
/// used for the same kind, so the upgrade can map one to the other.
/// </summary>
public static class StreamKinds
{
    public sealed class Leader;
    public sealed class Position;
    public sealed class Framework;
    public sealed class Demographics;
    public sealed class ReportIssues;

    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry
        .RegisterStreamKind<Leader>(Leaders.LeaderWrites.StreamType)
        .RegisterStreamKind<Position>(Succession.Positions.PositionWrites.StreamType)
        .RegisterStreamKind<Framework>(Frameworks.ImportFramework.ImportFrameworkHandler.StreamType)
        .RegisterStreamKind<Demographics>(Leaders.Demographics.DemographicsWrites.StreamType)
        .RegisterStreamKind<ReportIssues>(Succession.Reports.ReportIssues.StreamType);

    /// <summary>The previous store's stream type names, each with the kind it becomes.</summary>
    public static IReadOnlyDictionary<string, Type> ByLegacyName { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [Leaders.LeaderWrites.StreamType] = typeof(Leader),
        [Succession.Positions.PositionWrites.StreamType] = typeof(Position),
        [Frameworks.ImportFramework.ImportFrameworkHandler.StreamType] = typeof(Framework),
        [Leaders.Demographics.DemographicsWrites.StreamType] = typeof(Demographics),
        // Marten's alias cannot hold the hyphen the previous store's name had.
        ["report-issues"] = typeof(ReportIssues),
    };
}
