using System.Net.Sockets;
using Npgsql;

namespace LeaderJourney.Storage;

/// <summary>Opens a data source and turns the ways that fails into one-line messages a person can act on.</summary>
public static class Database
{
    /// <param name="planEveryRun">
    /// Each run of a prepared statement is planned for its own values (<c>plan_cache_mode</c>), for a
    /// process that reads the log in bulk: after five runs PostgreSQL may keep one generic plan for any
    /// values, and for Marten's page of events (a sequence range with a LIMIT) that plan hashes all of
    /// <c>mt_streams</c> and sorts the whole range before the limit, so a rebuild read the rest of the log
    /// for every page (1.1 s a page against 43 ms). The web host's commands and daemon keep PostgreSQL's
    /// choice: planning every run cost its commands about a tenth of their rate (docs/performance.md),
    /// and its daemon reads short ranges, for which PostgreSQL keeps planning per run.
    /// </param>
    public static NpgsqlDataSource CreateDataSource(string connectionString, string? applicationName = null, bool planEveryRun = false)
    {
        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new EventStoreUnavailableException($"The database connection string is not valid: {FirstLine(e.Message)}", e);
        }
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.Host))
            throw new EventStoreUnavailableException("The database connection string names no Host.");
        // Names this process in pg_stat_activity, so `projections status` and /health can say which host
        // runs which async work (the daemon's election locks are held by its sessions).
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName ?? ProcessName;
        // The append and read statements repeat constantly; prepared once per connection they skip parsing and planning.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        // Npgsql sends PGOPTIONS only when the connection string has no Options: kept by starting from it.
        var options = builder.ConnectionStringBuilder.Options ?? Environment.GetEnvironmentVariable("PGOPTIONS");
        if (planEveryRun && !(options ?? "").Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase))
            builder.ConnectionStringBuilder.Options = $"{options} -c plan_cache_mode=force_custom_plan".TrimStart();
        // The store never leaves session state (SET, LISTEN, session advisory locks) on a pooled
        // connection, so resetting it on every return to the pool is work for nothing on the hot path.
        // Code that needs session state uses a dedicated connection.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        // Event timestamps are UTC whatever the server's time zone: Marten's quick append was seen to
        // stamp events shifted by the session's offset when the session's time zone was not UTC.
        builder.ConnectionStringBuilder.Timezone = "UTC";
        // The pool's name labels its metrics (/metrics): the database and what the pool is for, not the
        // connection string with the server's address, the user and this machine's name. A web host has
        // two pools on one database (the bulk reads of a rebuild plan every run): their series stay apart.
        builder.Name = $"{builder.ConnectionStringBuilder.Database ?? builder.ConnectionStringBuilder.Username}{(planEveryRun ? " bulk" : "")}";
        return builder.Build();
    }

    /// <summary>"leaderjourney" with this machine's name and process id (PostgreSQL keeps 63 characters).</summary>
    public static string ProcessName { get; } = $"leaderjourney {Environment.MachineName} pid {Environment.ProcessId}" is var name && name.Length > 63 ? name[..63] : name;

    /// <summary>Opens one connection to prove the server is there, and says plainly why when it is not.</summary>
    public static async Task EnsureReachableAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            throw Describe(dataSource, e);
        }
    }

    public static EventStoreUnavailableException Describe(NpgsqlDataSource dataSource, Exception e)
    {
        var csb = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        var where = $"PostgreSQL at {csb.Host}:{csb.Port} (database '{csb.Database ?? csb.Username}', user '{csb.Username}')";
        var reason = e switch
        {
            PostgresException { SqlState: "28P01" or "28000" } => "refused the sign-in: check the user name and password",
            // run.sh creates a database only on the local server it sets up, not on one named by LEADERJOURNEY_DB.
            PostgresException { SqlState: "3D000" } => $"has no such database: create it (createdb {csb.Database ?? csb.Username}), or leave LEADERJOURNEY_DB unset and ./run.sh sets up a local one",
            PostgresException pg => FirstLine(pg.MessageText),
            _ when e.InnerException is SocketException se => $"cannot be reached ({FirstLine(se.Message)}); is the server running?",
            TimeoutException or NpgsqlException { InnerException: TimeoutException } => "did not answer in time; is the server running?",
            _ => FirstLine(e.Message),
        };
        return new EventStoreUnavailableException(reason.EndsWith('?') ? $"{where} {reason}" : $"{where} {reason}.", e);
    }

    internal static string FirstLine(string text) => text.Split('\n', 2)[0].Trim().TrimEnd('.');
}
