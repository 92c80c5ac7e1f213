using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// What one request may cost (issue 17, finding 2): the timeline's buckets are capped whatever the parameters, anonymous
/// computations and cheap list reads run with a short statement timeout, and only a few anonymous computations run at
/// once. The slow query is made by holding a lock on the releases table of a database of the test's own.
/// </summary>
public sealed class RequestBudgetTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/v1/totals/timeline?from=1900-01-01", "from")]
    [InlineData("/api/v1/totals/timeline?from=1990-01-01&asOf=2026-01-01", "from")]
    [InlineData("/api/v1/totals/timeline?from=1990-01-01&to=2026-01-01", "to")]
    public async Task A_timeline_of_more_buckets_than_the_cap_is_refused_whatever_the_parameters(string url, string parameter)
    {
        using var anonymous = api.Anonymous();

        var response = await anonymous.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey(parameter));
    }

    /// <summary>
    /// Every read open to the cheapest callers (anonymous, or any key) that answers a page of records, or a computation
    /// anyone may ask for, declares its budget: a list endpoint added without one would run its statements for them with
    /// the general timeout. Read from the live endpoints, so a new list is checked the day it is added.
    /// </summary>
    [Fact]
    public void Every_list_and_computation_open_to_the_cheapest_callers_declares_its_budget()
    {
        var endpoints = api.Factory.Services.GetServices<EndpointDataSource>().SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .Where(endpoint => endpoint.Metadata.GetMetadata<ControllerActionDescriptor>() is not null)
            .ToList();
        var cheap = endpoints.Where(OpenToCheapestCallers).ToList();
        var pages = cheap.Where(endpoint => endpoint.Metadata.OfType<ProducesResponseTypeAttribute>()
            .Any(produces => produces.Type is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Page<>))).ToList();

        Assert.True(pages.Count > 0, $"{endpoints.Count} GET actions, {cheap.Count} open to the cheapest callers, none answers a page");
        Assert.All(pages, endpoint => Assert.True(endpoint.Metadata.GetMetadata<BudgetAttribute>()?.Kind == BudgetKind.ListRead,
            $"{endpoint.RoutePattern.RawText} answers a page to anonymous or Researcher callers without [Budget(BudgetKind.ListRead)]"));
        Assert.Contains(cheap, endpoint => endpoint.RoutePattern.RawText == "api/v1/lists/{id:guid}/reconciliation"
            && endpoint.Metadata.GetMetadata<BudgetAttribute>()?.Kind == BudgetKind.Computation);
    }

    /// <summary>Anonymous, or every policy it names admits a Researcher key.</summary>
    private static bool OpenToCheapestCallers(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
        || endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().All(data => data.Policy is null || Policies.RolesOf(data.Policy).Contains(Role.Researcher));

    [Fact]
    public async Task A_stuck_anonymous_computation_is_a_quick_503_and_a_keyed_one_waits_its_general_budget()
    {
        await using var budget = await BudgetedApiAsync("prt_budget_timeout");
        using var anonymous = budget.Factory.CreateClient();
        using var researcher = budget.Factory.CreateClient();
        researcher.DefaultRequestHeaders.Add("X-Api-Key", await budget.KeyAsync(Role.Researcher));

        var held = await LockReleasesAsync(budget.ConnectionString);
        var keyed = researcher.GetAsync("/api/v1/totals?from=2026-01-02", Ct);
        var watch = Stopwatch.StartNew();
        var stuck = await anonymous.GetAsync("/api/v1/totals?from=2026-01-01", Ct);
        watch.Stop();
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct); // past the short timeout: the keyed statement keeps waiting
        var keyedWaited = !keyed.IsCompleted;
        await held.DisposeAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, stuck.StatusCode);
        Assert.Equal("application/problem+json", stuck.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(stuck.Headers.RetryAfter);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the anonymous computation took {watch.Elapsed}");
        Assert.True(keyedWaited, "the keyed computation was cut at the short timeout");
        Assert.Equal(HttpStatusCode.OK, (await keyed).StatusCode);
    }

    [Fact]
    public async Task Anonymous_computations_beyond_the_limit_are_refused_at_once_while_keyed_reads_go_through()
    {
        await using var budget = await BudgetedApiAsync("prt_budget_concurrency", shortTimeoutSeconds: 5);
        using var researcher = budget.Factory.CreateClient();
        researcher.DefaultRequestHeaders.Add("X-Api-Key", await budget.KeyAsync(Role.Researcher));
        using var anonymous = budget.Factory.CreateClient();

        HttpResponseMessage[] crowd;
        TimeSpan keyedTook;
        HttpStatusCode keyedStatus;
        await using (await LockReleasesAsync(budget.ConnectionString))
        {
            // The first anonymous computation holds the only permit (stuck on the lock until its short timeout, 5 s so that
            // the others arrive before it ends even on a loaded machine); the others are refused at once, and a keyed read
            // that does not touch the locked table is not held behind them.
            var first = anonymous.GetAsync("/api/v1/totals/timeline?from=2020-01-01&asOf=2026-01-01", Ct);
            await DatabaseWaits.UntilAsync(budget.ConnectionString, WaitingOnTheLock); // it holds the permit (a fixed wait was too short under load)
            var others = Enumerable.Range(0, 8).Select(i => anonymous.GetAsync($"/api/v1/totals/timeline?from=2020-01-0{i + 2}", Ct)).ToList();
            var watch = Stopwatch.StartNew();
            keyedStatus = (await researcher.GetAsync("/api/v1/facilities", Ct)).StatusCode;
            keyedTook = watch.Elapsed;
            crowd = await Task.WhenAll(others.Append(first));
        }

        Assert.Equal(HttpStatusCode.OK, keyedStatus);
        Assert.True(keyedTook < TimeSpan.FromSeconds(1), $"the keyed read took {keyedTook}");
        Assert.All(crowd, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        var refused = crowd.Where(r => r.Headers.RetryAfter is not null).ToList();
        Assert.Equal(crowd.Length, refused.Count);
        Assert.Equal(8, await CountAsync(crowd, "Too many anonymous computations at once"));
    }

    private const string WaitingOnTheLock =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"; // the database is this test's own

    private static async Task<int> CountAsync(IEnumerable<HttpResponseMessage> responses, string title)
    {
        var count = 0;
        foreach (var response in responses)
        {
            count += await response.TitleAsync() == title ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// Holds an exclusive lock on the releases table, and on the counts the totals as of now read in their place
    /// (TotalsAggregates), until disposed: every statement that reads them waits.
    /// </summary>
    internal static async Task<IAsyncDisposable> LockReleasesAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        var transaction = await connection.BeginTransactionAsync(Ct);
        await using (var command = new NpgsqlCommand("LOCK TABLE releases, release_count_deltas IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(Ct);
        }

        return new Lock(connection, transaction);
    }

    private sealed class Lock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// An API on a database of its own, with a short statement timeout (1 s unless said) and one anonymous computation at
    /// a time.
    /// </summary>
    private async Task<BudgetedApi> BudgetedApiAsync(string database, int shortTimeoutSeconds = 1)
    {
        var connectionString = await api.Server.CreateDatabaseAsync($"{database}_{Environment.ProcessId}", Ct);
        var factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs()).WithWebHostBuilder(builder => builder
            .UseSetting("Budget:ShortStatementTimeoutSeconds", shortTimeoutSeconds.ToString(CultureInfo.InvariantCulture))
            .UseSetting("Budget:AnonymousComputations:PermitLimit", "1")
            .UseSetting("Budget:AnonymousComputations:QueueLimit", "0"));
        return new BudgetedApi(factory, connectionString, api.AdminKey);
    }

    private sealed class BudgetedApi(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string connectionString, string adminKey)
        : IAsyncDisposable
    {
        public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory => factory;
        public string ConnectionString => connectionString;

        public async Task<string> KeyAsync(Role role)
        {
            using var admin = factory.CreateClient();
            admin.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
            var created = await admin.PostOkAsync("/api/v1/api-keys", new { name = "budget", organization = "Budget Readers", role = role.ToString() });
            return created["key"]!.GetValue<string>();
        }

        public ValueTask DisposeAsync() => factory.DisposeAsync();
    }
}
