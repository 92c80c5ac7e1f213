namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class DetentionConfiguration : IEntityTypeConfiguration<Detention>
{
    /// <summary>The first and last day a partial arrest date may mean, for range filters.</summary>
    public const string ArrestedFrom = "ArrestedOnEarliest";
    public const string ArrestedTo = "ArrestedOnLatest";

    public void Configure(EntityTypeBuilder<Detention> builder)
    {
        builder.Property(d => d.ArrestedOn).HasConversion(PartialDateConversion.Converter).HasMaxLength(PartialDate.MaxLength);
        builder.Property(d => d.ArrestPlace).HasMaxLength(Limits.ShortText);
        builder.Property(d => d.ArrestingAuthority).HasMaxLength(Limits.ShortText);
        builder.Property(d => d.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(d => d.Charges);
        builder.Ignore(d => d.IsOpen);
        builder.HasOne<Facility>().WithMany().HasForeignKey(d => d.FacilityId);
        builder.HasMany(d => d.Transfers).WithOne().HasForeignKey(t => t.DetentionId);
        builder.Navigation(d => d.Transfers).HasField("_transfers");

        builder.Property<DateOnly?>(ArrestedFrom).HasComputedColumnSql(PartialDateConversion.EarliestDaySql("arrested_on"), stored: true);
        builder.Property<DateOnly?>(ArrestedTo).HasComputedColumnSql(PartialDateConversion.LatestDaySql("arrested_on"), stored: true);
        builder.HasIndex(ArrestedFrom, ArrestedTo);
        builder.HasIndex(d => d.DetaineeId).IsUnique().HasFilter("released_on IS NULL").HasDatabaseName("ix_detentions_one_open_per_detainee");
        builder.HasIndex(d => d.FacilityId);
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}

internal sealed class DetentionTransferConfiguration : IEntityTypeConfiguration<DetentionTransfer>
{
    public void Configure(EntityTypeBuilder<DetentionTransfer> builder)
    {
        builder.HasOne<Facility>().WithMany().HasForeignKey(t => t.FromFacilityId);
        builder.HasOne<Facility>().WithMany().HasForeignKey(t => t.ToFacilityId);
    }
}
