using LeaderJourney.Storage;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>
/// A Marten session enlisted in a transaction the test holds (Marten's <c>SessionOptions.ForTransaction</c>):
/// saving the session writes its events without committing them, so a test can keep sequence numbers
/// open, then commit or roll them back. Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
public sealed class HeldTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private HeldTransaction(Store store, NpgsqlConnection connection, NpgsqlTransaction transaction, string tenant)
    {
        (Store, _connection, _transaction) = (store, connection, transaction);
        var options = SessionOptions.ForTransaction(transaction);
        options.TenantId = tenant;
        Session = store.Marten.LightweightSession(options);
    }

    public Store Store { get; }
    public IDocumentSession Session { get; }

    public static async Task<HeldTransaction> BeginAsync(Store store, string tenant = AppendMetadata.DefaultTenant)
    {
        var connection = await store.DataSource.OpenConnectionAsync();
        return new HeldTransaction(store, connection, await connection.BeginTransactionAsync(), tenant);
    }

    /// <summary>Starts a stream in the held transaction; its events hold their sequence numbers until the end.</summary>
    public async Task<StreamAction> StartStreamAsync(Guid streamId, string streamType, IReadOnlyList<object> events)
    {
        var action = Store.StartStream(Session, streamId, streamType, events);
        await Session.SaveChangesAsync();
        return action;
    }

    public async Task AppendAsync(Guid streamId, long expectedVersion, IReadOnlyList<object> events)
    {
        Session.Append(streamId, expectedVersion, events);
        await Session.SaveChangesAsync();
    }

    public async Task ShredSubjectAsync(Guid subject, bool final)
    {
        Store.ShredSubject(Session, subject, final);
        await Session.SaveChangesAsync();
    }

    public Task CommitAsync() => _transaction.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
