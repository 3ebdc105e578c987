using System.Security.Cryptography;
using System.Text;

namespace LeaderJourney.Domain.Frameworks;

/// <summary>Publish a framework document's content as an edition of the framework with this name.</summary>
public sealed record PublishEdition(string Name, string Edition, Framework Content, string? Source, string Actor, DateTimeOffset Now);

/// <summary>One edition as the lineage remembers it.</summary>
public sealed record PublishedEdition(Guid EditionId, string Edition, Framework Content);

/// <summary>
/// A framework's editions in publication order: the state of one framework stream. Each edition after
/// the first is a revision of the one before it.
/// </summary>
public sealed record FrameworkLineage(IReadOnlyList<PublishedEdition> Editions)
{
    public const int MaxNameLength = 200;
    public const int MaxEditionLength = 50;

    public static FrameworkLineage Empty { get; } = new([]);

    public PublishedEdition? Latest => Editions.Count == 0 ? null : Editions[^1];

    /// <summary>The stream id of the framework with this name: the same name always gives the same stream, whatever its case or spacing.</summary>
    public static Guid StreamIdFor(string name)
    {
        var key = string.Join(' ', name.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("leaderjourney/framework/" + key));
        // RFC 9562 version 8 (custom) layout: the hash fills the id, with version and variant bits set.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public static FrameworkLineage Evolve(FrameworkLineage state, object @event) => @event switch
    {
        FrameworkEditionPublished e => new([.. state.Editions, new PublishedEdition(e.EditionId, e.Edition, e.Content)]),
        FrameworkRevisionPublished e => new([.. state.Editions, new PublishedEdition(e.EditionId, e.Edition, e.Content)]),
        _ => state,
    };

    /// <summary>
    /// Publishing the same content again under the same edition label changes nothing (an import can be
    /// repeated); other content under a label already used is refused; a new label is a revision of the
    /// latest edition.
    /// </summary>
    public static IReadOnlyList<object> Decide(PublishEdition command, FrameworkLineage state, Func<Guid> newId)
    {
        var name = command.Name.Trim();
        var edition = command.Edition.Trim();
        if (name.Length is 0 or > MaxNameLength)
            throw new DomainRuleException($"A framework name must have 1 to {MaxNameLength} characters.");
        if (edition.Length is 0 or > MaxEditionLength)
            throw new DomainRuleException($"An edition label must have 1 to {MaxEditionLength} characters.");
        if (command.Content.Domains.Count == 0 || command.Content.Domains.All(d => d.Themes.Count == 0))
            throw new DomainRuleException("The document holds no competency themes; nothing to publish.");

        var frameworkId = StreamIdFor(name);
        var content = command.Content with { Name = name };
        var existing = state.Editions.FirstOrDefault(e => string.Equals(e.Edition, edition, StringComparison.OrdinalIgnoreCase));
        if (existing is not null)
        {
            if (FrameworkJson.Serialize(existing.Content) == FrameworkJson.Serialize(content)) return [];
            throw new DomainRuleException(
                $"Edition '{existing.Edition}' of '{name}' is already published with other content; publish the new content under a new edition label.");
        }

        if (state.Latest is not { } previous)
            return [new FrameworkEditionPublished(frameworkId, newId(), name, edition, content, command.Source, command.Actor, command.Now)];

        return [new FrameworkRevisionPublished(frameworkId, newId(), previous.EditionId, name, edition, content, command.Source,
            EditionMapper.Map(previous.Content, content), command.Actor, command.Now)];
    }
}
