using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PrisonerReleaseTracker.Api.Data;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>What an endpoint costs, as far as its budget goes.</summary>
public enum BudgetKind
{
    /// <summary>An aggregate anyone may ask for (totals, the timeline, the public page): short statements and a concurrency limit for anonymous callers.</summary>
    Computation,

    /// <summary>A list read: short statements for anonymous and Researcher callers.</summary>
    ListRead,
}

/// <summary>Endpoint metadata: the budget of the endpoint's requests (see <see cref="RequestBudgetMiddleware"/>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class BudgetAttribute(BudgetKind kind) : Attribute
{
    public BudgetKind Kind { get; } = kind;
}

/// <summary>
/// The budget's settings (<c>Budget:*</c>): the statement timeout of the cheap callers' reads, much shorter than the
/// general <c>Database:CommandTimeoutSeconds</c>, and how many anonymous computations run at once with how many waiting.
/// </summary>
public sealed record RequestBudgetOptions(TimeSpan ShortStatementTimeout, int AnonymousComputations, int AnonymousQueue, int RetryAfterSeconds)
{
    public static RequestBudgetOptions From(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Budget:ShortStatementTimeoutSeconds", 5)),
        configuration.GetValue("Budget:AnonymousComputations:PermitLimit", Math.Max(2, Environment.ProcessorCount)),
        configuration.GetValue("Budget:AnonymousComputations:QueueLimit", 16),
        configuration.GetValue("Budget:RetryAfterSeconds", 2));
}

/// <summary>
/// Bounds what one request may cost, so that the cheapest callers cannot starve the others of database connections:
/// <list type="bullet">
/// <item>anonymous computations (<see cref="BudgetKind.Computation"/>) and anonymous or Researcher list reads
/// (<see cref="BudgetKind.ListRead"/>) run their statements with the short timeout; a statement that overruns it is
/// cancelled and the answer is a 503 problem with <c>Retry-After</c>. Keyed computations, exports, imports and writes
/// keep the general timeout;</item>
/// <item>anonymous computations run a few at a time (the rest queue, up to a limit); past the queue the answer is a
/// 503 problem with <c>Retry-After</c>. Keyed callers never wait behind them.</item>
/// </list>
/// Runs after the output cache: an answer served from a cache costs nothing and is not held.
/// </summary>
public sealed class RequestBudgetMiddleware(RequestDelegate next, RequestBudgetOptions options) : IDisposable
{
    private readonly ConcurrencyLimiter _anonymousComputations = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.AnonymousComputations,
        QueueLimit = options.AnonymousQueue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<BudgetAttribute>() is not { } budget)
        {
            await next(context);
            return;
        }

        var role = Caller.From(context.User)?.Role;
        if (role is null || (budget.Kind == BudgetKind.ListRead && role == Role.Researcher))
        {
            context.RequestServices.GetRequiredService<AppDbContext>().Database.SetCommandTimeout(options.ShortStatementTimeout);
        }

        if (role is not null || budget.Kind != BudgetKind.Computation)
        {
            await next(context);
            return;
        }

        using var lease = await _anonymousComputations.AcquireAsync(1, context.RequestAborted);
        if (!lease.IsAcquired)
        {
            await ProblemWriter.WriteUnavailableAsync(context, options.RetryAfterSeconds, "Too many anonymous computations at once",
                "Try again shortly, or use an API key: keyed callers do not wait behind anonymous ones.");
            return;
        }

        await next(context);
    }

    public void Dispose() => _anonymousComputations.Dispose();
}
