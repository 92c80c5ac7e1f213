namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.Property(e => e.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(e => e.EntityType).HasMaxLength(Limits.Code);
        builder.Property(e => e.Fields);
        builder.Property(e => e.PreviousHash).HasMaxLength(64).IsFixedLength();
        builder.Property(e => e.Hash).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(e => new { e.EntityType, e.EntityId });
        builder.HasIndex(e => e.At);
        // Entries are appended, never changed (migration AuditLog).
        builder.ToTable(table => AppendOnly.Triggers(table, "audit_entries"));
    }
}
