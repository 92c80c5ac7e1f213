using Microsoft.EntityFrameworkCore.Design;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the application or a database.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<AppDbContext>)DatabaseOptions.Configure(new DbContextOptionsBuilder<AppDbContext>(), "Host=localhost;Database=design_time_only", 30).Options);
}
