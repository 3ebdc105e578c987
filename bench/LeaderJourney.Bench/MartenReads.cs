using Marten;

namespace LeaderJourney.Bench;

public static class MartenReads
{
    /// <summary>Reads every event in global order through Marten's event query, in batches of 5,000, counting those whose data passes <paramref name="count"/>.</summary>
    public static async Task<long> CountAllAsync(IDocumentStore marten, Func<object, bool> count)
    {
        await using var session = marten.QuerySession();
        long counted = 0, after = 0;
        while (true)
        {
            var batch = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(5000).ToListAsync();
            if (batch.Count == 0) return counted;
            counted += batch.Count(e => count(e.Data));
            after = batch[^1].Sequence;
        }
    }
}
