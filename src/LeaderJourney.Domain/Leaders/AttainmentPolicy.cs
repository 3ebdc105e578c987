using System.Collections.Immutable;

namespace LeaderJourney.Domain.Leaders;

/// <summary>How many distinct assigned mentors must sign off a level. Configured per affiliate;
/// the public contract's default is one sign-off for every level.</summary>
public sealed class AttainmentPolicy
{
    private readonly ImmutableDictionary<int, int> requiredSignOffs;

    public static AttainmentPolicy Default { get; } = new(new Dictionary<int, int>());

    /// <param name="requiredSignOffsByLevel">Level → sign-offs needed; a level not listed needs 1.</param>
    public AttainmentPolicy(IReadOnlyDictionary<int, int> requiredSignOffsByLevel)
    {
        ArgumentNullException.ThrowIfNull(requiredSignOffsByLevel);
        foreach (var (level, count) in requiredSignOffsByLevel)
        {
            // A policy is configuration, not a command: a bad one is a programming/config error.
            if (level < 1) throw new ArgumentOutOfRangeException(nameof(requiredSignOffsByLevel), level, "Levels start at 1.");
            if (count < 1) throw new ArgumentOutOfRangeException(nameof(requiredSignOffsByLevel), count, "A level needs at least one sign-off.");
        }
        requiredSignOffs = requiredSignOffsByLevel.ToImmutableDictionary();
    }

    public int RequiredSignOffs(int level) => requiredSignOffs.TryGetValue(level, out var count) ? count : 1;
}
