namespace LeaderJourney.Domain.Frameworks;

/// <summary>The first edition of a framework, with its full content.</summary>
public sealed record FrameworkEditionPublished(
    Guid FrameworkId, Guid EditionId, string Name, string Edition, Framework Content, string? Source,
    string PublishedBy, DateTimeOffset PublishedAt);

/// <summary>
/// A later edition of a framework, with its full content and how its themes continue the previous
/// edition's (see <see cref="EditionMapper"/>): leaders' records made under the previous edition carry
/// over through <see cref="Mapping"/>.
/// </summary>
public sealed record FrameworkRevisionPublished(
    Guid FrameworkId, Guid EditionId, Guid PreviousEditionId, string Name, string Edition, Framework Content, string? Source,
    EditionMapping Mapping, string PublishedBy, DateTimeOffset PublishedAt);
