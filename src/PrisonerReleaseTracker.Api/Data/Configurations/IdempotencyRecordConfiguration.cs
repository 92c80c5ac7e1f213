using PrisonerReleaseTracker.Api.Features.Imports;

namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(r => new { r.Organization, r.Key });
        builder.Property(r => r.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(r => r.Key).HasMaxLength(IdempotencyRecord.MaxKeyLength);
        builder.Property(r => r.RequestHash).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(r => r.CreatedAt);
    }
}
