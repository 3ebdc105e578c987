namespace LeaderJourney.Core.Demo.Generate;

/// <summary>
/// Seeds and ids drawn from seeded randoms. Each leader (and each affiliate's people and positions) gets a
/// random of its own, seeded from the run's seed and its place, so what one leader does never shifts
/// another's draws: a history can be reproduced, or read in isolation, from its seed and index alone.
/// </summary>
internal static class Seeds
{
    private const int IndexBits = 26;
    private const uint Mask = int.MaxValue;

    /// <summary>
    /// The seed of the <paramref name="index"/>-th random of kind <paramref name="part"/>. A
    /// <see cref="Random"/> has only 2^31 seeds, so seeds drawn at random would collide (among a hundred
    /// thousand leaders a couple would be the same person, id and all). Here every (part, index) has a
    /// place of its own in the 31-bit space (32 parts of 2^26 indexes), and the mixing after it is a
    /// bijection on that space (adding modulo 2^31, xor-shifts, odd multipliers), so distinct places
    /// always get distinct seeds, while neighbours get unrelated ones.
    /// </summary>
    public static int For(int seed, int part, int index)
    {
        if (part is < 0 or >= 1 << (31 - IndexBits)) throw new ArgumentOutOfRangeException(nameof(part));
        if (index is < 0 or >= 1 << IndexBits) throw new ArgumentOutOfRangeException(nameof(index), index, "At most 2^26 of a kind.");
        var x = ((uint)part << IndexBits) | (uint)index;
        x = (x + (uint)seed * 0x9E3779B9u) & Mask;
        x = ((x ^ (x >> 15)) * 0x2C1B3C6Du) & Mask;
        x = ((x ^ (x >> 12)) * 0x297A2D39u) & Mask;
        x ^= x >> 15;
        return (int)x;
    }

    /// <summary>A random (version 4) GUID from the seeded random, never the machine's.</summary>
    public static Guid NewId(this Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public static bool Chance(this Random random, double probability) => random.NextDouble() < probability;

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>An index picked by weight.</summary>
    public static int Weighted(this Random random, ReadOnlySpan<int> weights)
    {
        var total = 0;
        foreach (var w in weights) total += w;
        var pick = random.Next(total);
        for (var i = 0; i < weights.Length; i++)
            if ((pick -= weights[i]) < 0) return i;
        return weights.Length - 1;
    }

    /// <summary>A span of time of about <paramref name="meanDays"/> days (uniform on 0.2 to 1.8 times it), in whole minutes.</summary>
    public static TimeSpan Days(this Random random, double meanDays) =>
        TimeSpan.FromMinutes(Math.Max(1, Math.Round(meanDays * (0.2 + 1.6 * random.NextDouble()) * 24 * 60)));
}
