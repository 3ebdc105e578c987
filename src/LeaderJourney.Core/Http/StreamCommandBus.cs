using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;
using Wolverine;
using LeaderJourney.Core.Access;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Http;

/// <summary>
/// Sends a command on one stream to its handler on Wolverine's aggregate handler workflow, the same way
/// for the API and the pages. Wolverine opens the handler's Marten session for the message's tenant,
/// and under Marten's conjoined tenancy a stream is only found in its own affiliate's session: so the
/// message is sent for the caller's affiliate, or, for a national admin (who has none), for the
/// affiliate the stream belongs to. A stream of another affiliate is then simply not there (404).
/// Around the handler: the answer kept under the Idempotency-Key is returned without sending anything,
/// and a write that lost the key's race to another request returns that request's answer.
/// </summary>
public sealed class StreamCommandBus(IMessageBus bus, Store store, IdempotentAnswers answers)
{
    /// <summary>The tenant of a message whose stream does not exist in any affiliate: its handler finds nothing there.</summary>
    private const string NoAffiliate = "-";

    public async Task<Answer> InvokeAsync(StreamCommand command, CancellationToken ct)
    {
        if (await answers.FindAsync(command.Sender, ct) is { } kept) return kept;
        // No stream has the empty id (Marten refuses to look for one): a command on it finds nothing.
        if (command.StreamId == Guid.Empty) throw new NotFoundException(command.Missing);
        var tenant = command.NewStreamAffiliate
            ?? command.Sender.Caller.Affiliate
            ?? (await store.FetchStreamInfoAsync(command.AffiliationStreamId, ct))?.TenantId
            ?? NoAffiliate;
        try
        {
            var answer = await bus.InvokeForTenantAsync<Answer>(tenant, command, ct);
            command.Sender.Token?.SavedWithTheCheck();
            return answer;
        }
        catch (Exception e) when (TokenChecks.IsEnded(e))
        {
            throw new TokenEndedException();
        }
        catch (Exception e) when (IdempotentAnswers.IsTaken(e))
        {
            // The same key won a race in another request: its answer stands, this write was rolled back.
            return (await answers.FindAsync(command.Sender, ct))!;
        }
        catch (Exception e) when (Store.AsRejectedData(e) is { } rejected)
        {
            throw rejected;
        }
        catch (Exception e) when (store.AsRecordedTwice(e) is { } twice)
        {
            throw twice;
        }
    }

    /// <summary>
    /// For a handler that may start its stream (a leader's first demographics, an affiliate's first
    /// issued report): two first writes both start it, and the one that loses is handled once more,
    /// which then finds the stream and waits for its row.
    /// </summary>
    public static void RetryLostStart(HandlerChain chain) =>
        chain.OnException<Marten.Exceptions.ExistingStreamIdCollisionException>().RetryOnce();
}
