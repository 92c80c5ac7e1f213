using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the application or a database.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<AppDbContext>()
        .UseNpgsql("Host=localhost;Database=design_time_only")
        .UseSnakeCaseNamingConvention()
        .Options);
}
