using Microsoft.Extensions.Configuration;
using Npgsql;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The connection string the API runs with: its defaults apply unless the operator's string sets the keyword.</summary>
public sealed class DatabaseConnectionTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_connection_string_without_them_gets_the_connect_timeout_statement_preparation_and_no_pool_reset()
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseConnection.From(Configured("Host=db;Database=prt")));
        var genericPlanReads = new NpgsqlConnectionStringBuilder(DatabaseConnection.GenericPlanReadsFrom(Configured("Host=db;Database=prt")));

        Assert.Equal(5, built.Timeout);
        Assert.Equal(50, built.MaxAutoPrepare);
        Assert.True(built.NoResetOnClose);
        Assert.True(genericPlanReads.NoResetOnClose);
    }

    [Fact]
    public void Settings_change_the_defaults_and_a_connection_string_that_sets_the_keywords_keeps_its_values()
    {
        var configured = DatabaseConnection.From(Configured("Host=db;Database=prt", ("Database:ConnectTimeoutSeconds", "9"), ("Database:MaxAutoPrepare", "7")));
        var explicitly = new NpgsqlConnectionStringBuilder(DatabaseConnection.From(
            Configured("Host=db;Database=prt;timeout=3;Max Auto Prepare=0;No Reset On Close=false", ("Database:MaxAutoPrepare", "7"))));

        Assert.Equal((9, 7), (new NpgsqlConnectionStringBuilder(configured).Timeout, new NpgsqlConnectionStringBuilder(configured).MaxAutoPrepare));
        Assert.Equal((3, 0, false), (explicitly.Timeout, explicitly.MaxAutoPrepare, explicitly.NoResetOnClose));
    }

    [Fact]
    public async Task A_statement_run_a_few_times_on_the_api_connection_string_is_prepared_on_the_server()
    {
        await using var connection = new NpgsqlConnection(DatabaseConnection.From(Configured(api.ConnectionString)));
        await connection.OpenAsync(Ct);
        for (var i = 0; i < 6; i++)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM releases WHERE id = $1", connection) { Parameters = { new() { Value = Guid.NewGuid() } } };
            await command.ExecuteScalarAsync(Ct);
        }

        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM releases WHERE id = $1%'", connection);
        Assert.Equal(1L, await prepared.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Point_read_sessions_use_generic_plans_the_others_custom_plans_and_both_keep_them_from_one_use_of_a_pooled_connection_to_the_next()
    {
        var connectionString = DatabaseConnection.GenericPlanReadsFrom(Configured(api.ConnectionString));
        for (var use = 0; use < 2; use++)
        {
            // Closed, the connection goes back to the pool; a start-up option would outlast a reset (RESET ALL) too.
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Ct);
            await using var show = new NpgsqlCommand("SHOW plan_cache_mode", connection);
            Assert.Equal("force_generic_plan", await show.ExecuteScalarAsync(Ct));
        }

        await using var main = new NpgsqlConnection(DatabaseConnection.From(Configured(api.ConnectionString)));
        await main.OpenAsync(Ct);
        await using var mainShow = new NpgsqlCommand("SHOW plan_cache_mode", main);
        Assert.Equal("force_custom_plan", await mainShow.ExecuteScalarAsync(Ct));
    }

    private static IConfiguration Configured(string connectionString, params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection([new("ConnectionStrings:Default", connectionString), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))])
            .Build();
}
