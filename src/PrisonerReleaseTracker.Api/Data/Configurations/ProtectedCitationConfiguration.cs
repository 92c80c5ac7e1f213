namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class ProtectedCitationConfiguration : IEntityTypeConfiguration<ProtectedCitation>
{
    public void Configure(EntityTypeBuilder<ProtectedCitation> builder)
    {
        // A source's rows are read by the key's first column; no foreign key: the triggers own the table.
        builder.HasKey(c => new { c.SourceId, c.Organization });
        builder.Property(c => c.Organization).HasMaxLength(Limits.ShortText);
    }
}
