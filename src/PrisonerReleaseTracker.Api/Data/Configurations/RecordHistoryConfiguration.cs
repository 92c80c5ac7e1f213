namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class DetaineeVersionConfiguration : IEntityTypeConfiguration<DetaineeVersion>
{
    public void Configure(EntityTypeBuilder<DetaineeVersion> builder)
    {
        builder.ToTable(table => AppendOnly.Triggers(table, "detainee_versions"));
        builder.Property(v => v.Id).UseIdentityAlwaysColumn();
        builder.HasOne<Detainee>().WithMany().HasForeignKey(v => v.DetaineeId);
        builder.Property(v => v.Nationalities);
        builder.Property(v => v.Categories);
        // A person's fields as known at a moment: their latest version recorded by then, read from the index alone.
        builder.HasIndex(v => new { v.DetaineeId, v.RecordedAt, v.Id })
            .IncludeProperties(v => new { v.Gender, v.Nationalities, v.Categories, v.IsProtected });
    }
}

internal sealed class ReleaseVersionConfiguration : IEntityTypeConfiguration<ReleaseVersion>
{
    public void Configure(EntityTypeBuilder<ReleaseVersion> builder)
    {
        builder.ToTable(table => AppendOnly.Triggers(table, "release_versions"));
        builder.Property(v => v.Id).UseIdentityAlwaysColumn();
        builder.HasOne<Release>().WithMany().HasForeignKey(v => v.ReleaseId);
        // A release's fields as known at a moment: its latest version recorded by then, read from the index alone.
        builder.HasIndex(v => new { v.ReleaseId, v.RecordedAt, v.Id }).IncludeProperties(v => new { v.Kind, v.FacilityId, v.ChargesDropped });
    }
}
