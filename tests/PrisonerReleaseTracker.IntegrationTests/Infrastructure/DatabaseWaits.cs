using Npgsql;

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>Waits, in the database, for a request under test to get somewhere: a COPY running, a lock taken.</summary>
public static class DatabaseWaits
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Polls <paramref name="countSql"/> (a <c>count</c>) every 50 ms until it is above zero; after 10 s the test fails,
    /// naming what the database's sessions were doing.
    /// </summary>
    public static async Task UntilAsync(string connectionString, string countSql, Action<NpgsqlCommand>? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var command = new NpgsqlCommand(countSql, connection);
            parameters?.Invoke(command);
            if ((long)(await command.ExecuteScalarAsync(Ct))! > 0)
            {
                return;
            }

            await Task.Delay(50, Ct);
        }

        await using var dump = new NpgsqlCommand("SELECT string_agg(state || ': ' || left(query, 60), ' | ') FROM pg_stat_activity WHERE datname = current_database()", connection);
        Assert.Fail("The request did not get that far within 10 s. " + await dump.ExecuteScalarAsync(Ct));
    }
}
