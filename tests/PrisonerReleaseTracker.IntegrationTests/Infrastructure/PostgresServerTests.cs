using Npgsql;

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

public sealed class PostgresServerTests
{
    [Fact]
    public async Task A_created_database_accepts_connections()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(ct);

        var connectionString = await server.CreateDatabaseAsync(UniqueName(), ct);

        Assert.Contains(server.Kind, new[] { "configured", "testcontainers", "local-cluster" });
        Assert.Equal(1, await SelectOneAsync(connectionString, ct));
    }

    [Fact]
    public async Task A_local_cluster_stops_and_starts_again_with_its_data()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(ct);
        if (server.Kind != "local-cluster")
        {
            await Assert.ThrowsAsync<NotSupportedException>(server.StopAsync);
            return;
        }

        var connectionString = await server.CreateDatabaseAsync(UniqueName(), ct);
        await server.StopAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => SelectOneAsync(connectionString, ct));

        await server.StartAgainAsync();

        Assert.Equal(1, await SelectOneAsync(connectionString, ct));
    }

    private static string UniqueName() => $"prt_server_test_{Guid.NewGuid():N}";

    private static async Task<int> SelectOneAsync(string connectionString, CancellationToken ct)
    {
        // Unpooled: a pooled connection would outlive the server restart.
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("select 1", connection);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }
}
