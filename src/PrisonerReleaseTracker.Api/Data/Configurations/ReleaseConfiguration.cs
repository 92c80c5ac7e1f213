using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Facilities;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class ReleaseConfiguration : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> builder)
    {
        builder.HasOne<Detention>().WithOne().HasForeignKey<Release>(r => r.DetentionId);
        builder.HasOne<Detainee>().WithMany().HasForeignKey(r => r.DetaineeId);
        builder.HasOne<Facility>().WithMany().HasForeignKey(r => r.FacilityId);
        builder.ComplexProperty(r => r.Conditions);
        builder.Property(r => r.SourceIds);
        builder.Property(r => r.Note).HasMaxLength(Limits.Note);
        builder.Property(r => r.ReportedByOrganization).HasMaxLength(Limits.ShortText);
        builder.Property(r => r.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(r => r.StatusOrganization).HasMaxLength(Limits.ShortText);
        builder.HasMany(r => r.Events).WithOne().HasForeignKey(e => e.ReleaseId);
        builder.Navigation(r => r.Events).HasField("_events");

        // "As of now" totals read the stored status; this index answers them without touching the table. The
        // database's index also includes conditions_charges_dropped (migration VerifiedChangesByReleaseDay: a complex
        // property's column cannot be named here).
        builder.HasIndex(r => new { r.ReleasedOn, r.Status }).IncludeProperties(r => r.DetaineeId);
        builder.HasIndex(r => r.FacilityId);
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}

internal sealed class VerificationEventConfiguration : IEntityTypeConfiguration<VerificationEvent>
{
    public void Configure(EntityTypeBuilder<VerificationEvent> builder)
    {
        builder.Property(e => e.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(e => e.Note).HasMaxLength(Limits.Note);
        builder.Property(e => e.SourceIds);
        // One event per step of a release's history: two decisions racing from one state cannot both land.
        builder.HasIndex(e => new { e.ReleaseId, e.Sequence }).IsUnique();
        // "As of a past moment" totals find each release's latest event at or before the moment here.
        builder.HasIndex(e => new { e.ReleaseId, e.OccurredAt, e.RecordedAt }).IncludeProperties(e => new { e.Status, e.Organization });
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}
