namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class ReleaseCountDeltaConfiguration : IEntityTypeConfiguration<ReleaseCountDelta>
{
    public void Configure(EntityTypeBuilder<ReleaseCountDelta> builder)
    {
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        // The summary of a period sums the deltas of its days from the index alone.
        builder.HasIndex(d => d.ReleasedOn).IncludeProperties(d => new { d.Status, d.ChargesDropped, d.Delta });
    }
}

internal sealed class ReleaseCountMonthDeltaConfiguration : IEntityTypeConfiguration<ReleaseCountMonthDelta>
{
    public void Configure(EntityTypeBuilder<ReleaseCountMonthDelta> builder)
    {
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        // The whole months of a period, summed from the index alone.
        builder.HasIndex(d => d.Month).IncludeProperties(d => new { d.Status, d.ChargesDropped, d.Delta });
    }
}

internal sealed class VerifiedPersonDayConfiguration : IEntityTypeConfiguration<VerifiedPersonDay>
{
    public void Configure(EntityTypeBuilder<VerifiedPersonDay> builder)
    {
        // No foreign key: the triggers remove a person's days when their releases go, and count the change.
        builder.HasKey(d => new { d.DetaineeId, d.ReleasedOn });
    }
}

internal sealed class VerifiedPersonDeltaConfiguration : IEntityTypeConfiguration<VerifiedPersonDelta>
{
    public void Configure(EntityTypeBuilder<VerifiedPersonDelta> builder)
    {
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        // Each person's last verified day in a period: their last of all (no next day), read by day of release; or one
        // whose next is after the period, read by next day (none after today: nothing to read as of now).
        builder.HasIndex(d => d.ReleasedOn).IncludeProperties(d => d.Delta).HasFilter("next_verified_on IS NULL")
            .HasDatabaseName("ix_verified_person_deltas_last");
        builder.HasIndex(d => new { d.NextVerifiedOn, d.ReleasedOn }).IncludeProperties(d => d.Delta).HasFilter("next_verified_on IS NOT NULL")
            .HasDatabaseName("ix_verified_person_deltas_next");
    }
}

internal sealed class ClaimVerifiedDeltaConfiguration : IEntityTypeConfiguration<ClaimVerifiedDelta>
{
    public void Configure(EntityTypeBuilder<ClaimVerifiedDelta> builder)
    {
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        builder.HasOne<Claim>().WithMany().HasForeignKey(d => d.ClaimId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => d.ClaimId).IncludeProperties(d => new { d.AtStatement, d.Delta });
    }
}
