namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(Limits.ShortText);
        builder.Property(k => k.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(k => k.Prefix).HasMaxLength(ApiKeySecret.PrefixLength);
        builder.Property(k => k.Hash).HasMaxLength(ApiKeySecret.HashLength).IsFixedLength();
        builder.HasIndex(k => k.Prefix);
        builder.HasIndex(k => k.Hash).IsUnique();
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}
