using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>Faults of the database and of start-up that answered 500 or stopped an instance, and what they are now.</summary>
public sealed class FaultTranslationTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, int> WrappedFaults => new()
    {
        { PostgresErrorCodes.DeadlockDetected, StatusCodes.Status409Conflict },
        { PostgresErrorCodes.SerializationFailure, StatusCodes.Status409Conflict },
        { PostgresErrorCodes.UniqueViolation, StatusCodes.Status409Conflict },
        { PostgresErrorCodes.QueryCanceled, StatusCodes.Status503ServiceUnavailable },
        // Found by the bench: two API processes and a reference server past max_connections answered 500.
        { PostgresErrorCodes.TooManyConnections, StatusCodes.Status503ServiceUnavailable },
    };

    [Theory]
    [MemberData(nameof(WrappedFaults))]
    public async Task A_database_fault_that_ef_core_wraps_as_transient_is_answered_by_what_the_database_said(string sqlState, int status)
    {
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Response.Body = new MemoryStream();
        var handler = ActivatorUtilities.CreateInstance<ProblemExceptionHandler>(scope.ServiceProvider);
        var fault = new PostgresException("fault", "ERROR", "ERROR", sqlState);
        var wrapped = new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new DbUpdateException("An error occurred while saving the entity changes.", fault));

        Assert.True(await handler.TryHandleAsync(http, wrapped, Ct));

        Assert.Equal(status, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        Assert.Equal(status, JsonNode.Parse(http.Response.Body)!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Instances_starting_at_once_on_an_empty_database_all_start_with_one_bootstrap_key_and_one_schema()
    {
        var connectionString = await api.Server.CreateDatabaseAsync($"prt_start_race_{Environment.ProcessId}", Ct);
        var instances = Enumerable.Range(0, 3).Select(_ => new ApiFactory(connectionString, api.AdminKey, new CapturedLogs())).ToList();
        try
        {
            // Creating a client starts the instance: migrations, then the bootstrap key, in each at once.
            var ready = await Task.WhenAll(instances.Select(instance => Task.Run(async () =>
            {
                using var client = instance.CreateClient();
                client.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);
                return (await client.GetAsync("/api/v1/api-keys", Ct)).StatusCode;
            }, Ct)));

            Assert.All(ready, status => Assert.Equal(HttpStatusCode.OK, status));
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM api_keys", connection);
            Assert.Equal(1L, await count.ExecuteScalarAsync(Ct));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }
}
