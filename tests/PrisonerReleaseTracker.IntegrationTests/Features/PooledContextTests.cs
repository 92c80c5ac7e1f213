using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Domain.Audit;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The request's context is rented from a pool: nothing of one renter may reach the next.</summary>
public sealed class PooledContextTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_context_handed_back_keeps_no_read_its_renter_noted_and_no_timeout_it_set()
    {
        // A pool of one, with the application's options: the next rent is the context just handed back.
        var options = api.Factory.Services.GetRequiredService<DbContextOptions<AppDbContext>>();
        var pool = new PooledDbContextFactory<AppDbContext>(options, poolSize: 1);
        var entity = Guid.CreateVersion7();
        AppDbContext first;
        await using (first = pool.CreateDbContext().For(null, null, null))
        {
            first.RecordRead(new AuditEvent(AuditAction.Read, "Detainee", entity, ["fullName"]));
            first.Database.SetCommandTimeout(1);
        }

        await using var second = pool.CreateDbContext().For(null, null, null);
        await second.SaveChangesAsync(Ct); // would append the noted read, had it been kept

        Assert.Same(first, second);
        Assert.NotEqual(1, second.Database.GetCommandTimeout());
        Assert.False(await second.AuditEntries.AnyAsync(e => e.EntityId == entity, Ct));
    }
}
