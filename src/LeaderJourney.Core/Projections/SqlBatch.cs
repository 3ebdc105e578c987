using LeaderJourney.EventStore.Projections;
using Npgsql;

namespace LeaderJourney.Core.Projections;

/// <summary>Collects a projection's statements for a list of events and sends them in one round trip, in order.</summary>
public sealed class SqlBatch(ProjectionContext context)
{
    private readonly NpgsqlBatch _batch = new(context.Connection, context.Transaction);

    public SqlBatch Add(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        _batch.BatchCommands.Add(command);
        return this;
    }

    public async Task ExecuteAsync(CancellationToken ct)
    {
        if (_batch.BatchCommands.Count > 0) await _batch.ExecuteNonQueryAsync(ct);
        await _batch.DisposeAsync();
    }
}
