namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class SourceConfiguration : IEntityTypeConfiguration<Source>
{
    public void Configure(EntityTypeBuilder<Source> builder)
    {
        builder.Property(s => s.Url).HasMaxLength(Limits.Url);
        builder.Property(s => s.Publisher).HasMaxLength(Limits.ShortText);
        builder.Property(s => s.Title).HasMaxLength(Limits.Name);
        builder.Property(s => s.Language).HasMaxLength(Limits.Language);
        builder.Property(s => s.Organization).HasMaxLength(Limits.ShortText);
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}
