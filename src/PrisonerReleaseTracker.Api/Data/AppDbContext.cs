using Microsoft.EntityFrameworkCore;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Claims;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Facilities;
using PrisonerReleaseTracker.Domain.Releases;
using PrisonerReleaseTracker.Domain.Sources;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>The one database context; each entity's mapping lives in its own configuration class.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    /// <summary>The shadow property every versioned entity maps to PostgreSQL's <c>xmin</c>.</summary>
    public const string RowVersion = "Version";

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Facility> Facilities => Set<Facility>();
    public DbSet<Detainee> Detainees => Set<Detainee>();
    public DbSet<Detention> Detentions => Set<Detention>();
    public DbSet<Release> Releases => Set<Release>();
    public DbSet<VerificationEvent> VerificationEvents => Set<VerificationEvent>();
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<Claim> Claims => Set<Claim>();

    /// <summary>Case-, accent- and space-folded text, computed by the SQL function the search index uses.</summary>
    [DbFunction("prt_fold", IsBuiltIn = false)]
    public static string Fold(string text) => throw new NotSupportedException("Only inside queries.");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("unaccent").HasPostgresExtension("pg_trgm");
        modelBuilder.HasDbFunction(typeof(AppDbContext).GetMethod(nameof(Fold))!).HasName("prt_fold").HasSchema("public");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        StoreEnumsAsStrings(modelBuilder);
    }

    private static void StoreEnumsAsStrings(ModelBuilder modelBuilder)
    {
        var enumProperties = modelBuilder.Model.GetEntityTypes()
            .SelectMany(t => t.GetProperties().Concat(t.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties())))
            .Where(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType).IsEnum);
        foreach (var property in enumProperties)
        {
            var enumType = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            property.SetValueConverter(typeof(Microsoft.EntityFrameworkCore.Storage.ValueConversion.EnumToStringConverter<>).MakeGenericType(enumType));
            property.SetMaxLength(32);
        }
    }
}
