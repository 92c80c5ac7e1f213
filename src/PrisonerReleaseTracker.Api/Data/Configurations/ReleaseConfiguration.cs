using Microsoft.EntityFrameworkCore.Metadata;

namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class ReleaseConfiguration : IEntityTypeConfiguration<Release>
{
    /// <summary>
    /// The column of <c>Conditions.ChargesDropped</c>, named a second time as a property of the release only so that an
    /// index can include it: EF Core 10 cannot name a complex property's column in an index (dotnet/efcore#31246).
    /// The release never writes through it.
    /// </summary>
    public const string ChargesDroppedColumn = "ChargesDroppedColumn";

    public void Configure(EntityTypeBuilder<Release> builder)
    {
        // Every version of the fields figures depend on is copied into the release's history (RecordHistory).
        builder.ToTable(table =>
        {
            table.HasTrigger(RecordHistory.ReleaseInserted);
            table.HasTrigger(RecordHistory.ReleaseChanged);
            // The totals' aggregates follow every insert, change and delete (TotalsAggregates).
            table.HasTrigger(TotalsAggregates.ReleasesInserted);
            table.HasTrigger(TotalsAggregates.ReleasesUpdated);
            table.HasTrigger(TotalsAggregates.ReleasesDeleted);
            // Which organizations' protected people each source is cited for follows every release (ProtectedCitations).
            table.HasTrigger(ProtectedCitations.ReleasesInserted);
            table.HasTrigger(ProtectedCitations.ReleasesChanged);
            table.HasTrigger(ProtectedCitations.ReleasesDeleted);
        });
        builder.HasOne<Detention>().WithOne().HasForeignKey<Release>(r => r.DetentionId);
        builder.HasOne<Detainee>().WithMany().HasForeignKey(r => r.DetaineeId);
        builder.HasOne<Facility>().WithMany().HasForeignKey(r => r.FacilityId);
        builder.ComplexProperty(r => r.Conditions, conditions =>
            conditions.Property(c => c.ChargesDropped).HasColumnName("conditions_charges_dropped"));
        var chargesDropped = builder.Property<bool?>(ChargesDroppedColumn).HasColumnName("conditions_charges_dropped").Metadata;
        chargesDropped.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        chargesDropped.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        builder.Property(r => r.SourceIds);
        builder.Property(r => r.Note).HasMaxLength(Limits.Note);
        builder.Property(r => r.ReportedByOrganization).HasMaxLength(Limits.ShortText);
        builder.Property(r => r.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(r => r.StatusOrganization).HasMaxLength(Limits.ShortText);
        builder.HasMany(r => r.Events).WithOne().HasForeignKey(e => e.ReleaseId);
        builder.Navigation(r => r.Events).HasField("_events");

        // "As of now" totals read the stored status, the person and whether the charges were dropped; this index
        // answers them without touching the table.
        builder.HasIndex(r => new { r.ReleasedOn, r.Status }).IncludeProperties(nameof(Release.DetaineeId), ChargesDroppedColumn);
        builder.HasIndex(r => r.FacilityId);
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}

internal sealed class VerificationEventConfiguration : IEntityTypeConfiguration<VerificationEvent>
{
    /// <summary>
    /// The day of the decision's release (a release's day never changes), filled in by the database (trigger
    /// <see cref="ReleaseDayTrigger"/>), never by the application: the totals read the moments releases became or
    /// stopped being Verified from one index, by day of release, without visiting every release of the period.
    /// </summary>
    public const string ReleasedOn = "ReleasedOn";

    public const string ReleaseDayTrigger = "verification_events_release_day";

    public void Configure(EntityTypeBuilder<VerificationEvent> builder)
    {
        builder.Property<DateOnly>(ReleasedOn).ValueGeneratedOnAdd();
        // The history is append-only: triggers refuse an update, a delete or a truncation (migration AppendOnlyVerificationHistory).
        builder.ToTable(table =>
        {
            table.HasTrigger(ReleaseDayTrigger);
            AppendOnly.Triggers(table, "verification_events");
            // Each claim's verified counts follow every decision (TotalsAggregates).
            table.HasTrigger(TotalsAggregates.DecisionsInserted);
            table.HasTrigger(ProtectedCitations.DecisionsInserted);
        });
        builder.Property(e => e.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(e => e.Note).HasMaxLength(Limits.Note);
        builder.Property(e => e.SourceIds);
        // One event per step of a release's history: two decisions racing from one state cannot both land.
        builder.HasIndex(e => new { e.ReleaseId, e.Sequence }).IsUnique();
        // "As of a past moment" totals find each release's latest event at or before the moment here.
        builder.HasIndex(e => new { e.ReleaseId, e.OccurredAt, e.RecordedAt }).IncludeProperties(e => new { e.Status, e.Organization });
        // Every decision that makes a release Verified or stops it being so, by day of release (VerificationRules.VerifiedChange).
        // An answer known at a past moment also reads when each decision was recorded.
        builder.HasIndex(ReleasedOn, nameof(VerificationEvent.OccurredAt)).IncludeProperties(e => new { e.Status, e.RecordedAt })
            .HasFilter($"status IN ('{nameof(VerificationStatus.Verified)}', '{nameof(VerificationStatus.Retracted)}')")
            .HasDatabaseName("ix_verification_events_verified_changes");
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}
