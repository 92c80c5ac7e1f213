namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class FacilityConfiguration : IEntityTypeConfiguration<Facility>
{
    public void Configure(EntityTypeBuilder<Facility> builder)
    {
        builder.Property(f => f.Name).HasMaxLength(Limits.Name);
        builder.Property(f => f.City).HasMaxLength(Limits.ShortText);
        builder.Property(f => f.Region).HasMaxLength(Limits.ShortText);
        builder.Property(f => f.Country).HasMaxLength(2).IsFixedLength();
        builder.Property(f => f.Organization).HasMaxLength(Limits.ShortText);
        builder.Ignore(f => f.IsHouseArrest);
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}
