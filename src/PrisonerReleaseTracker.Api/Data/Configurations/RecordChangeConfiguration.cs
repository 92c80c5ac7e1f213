namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class RecordChangeConfiguration : IEntityTypeConfiguration<RecordChange>
{
    public const string AppendOnlyTrigger = "record_changes_append_only";

    private static readonly JsonSerializerOptions CountsJson = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<RecordChange> builder)
    {
        // Append-only, as the audit log it follows: the migration's trigger refuses UPDATE and DELETE.
        builder.ToTable("record_changes", t => t.HasTrigger(AppendOnlyTrigger));
        builder.HasKey(c => c.Sequence);
        builder.Property(c => c.Sequence).ValueGeneratedNever();
        builder.Property(c => c.Counts).HasColumnType("jsonb").HasConversion(
            counts => counts == null ? null : JsonSerializer.Serialize(counts, CountsJson),
            json => json == null ? null : JsonSerializer.Deserialize<ImportCounts>(json, CountsJson));
        // The feed filtered by kind of record reads this index in sequence order.
        builder.HasIndex(c => new { c.EntityType, c.Sequence });
        // A list's updatedSince reads the records of one kind changed since a moment.
        builder.HasIndex(c => new { c.EntityType, c.At, c.EntityId });
    }
}
