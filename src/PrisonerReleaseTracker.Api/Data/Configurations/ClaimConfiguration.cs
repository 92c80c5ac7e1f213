namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class ClaimConfiguration : IEntityTypeConfiguration<Claim>
{
    public void Configure(EntityTypeBuilder<Claim> builder)
    {
        // A claim entered or re-dated is counted into the totals' aggregates (TotalsAggregates).
        builder.ToTable(table =>
        {
            table.HasTrigger(TotalsAggregates.ClaimsInserted);
            table.HasTrigger(TotalsAggregates.ClaimsUpdated);
        });
        StatementConfiguration.Configure(builder);
        builder.Property(c => c.OriginalText).HasMaxLength(Limits.OriginalText);
        builder.Property(c => c.RetractionNote).HasMaxLength(Limits.Note);
        builder.Property(c => c.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(c => c.SourceIds);
        builder.ComplexProperty(c => c.Count, count =>
        {
            count.Property(x => x.Qualifier).HasColumnName("count_qualifier");
            count.Property(x => x.Value).HasColumnName("count_value");
            count.Property(x => x.UpperValue).HasColumnName("count_upper_value");
        });
        builder.HasOne<Claim>().WithMany().HasForeignKey(c => c.SupersedesClaimId);
        builder.HasIndex(c => new { c.Metric, c.StatedAt });
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}

/// <summary>The columns every <see cref="Statement"/> (a claim, a named list) has, configured alike.</summary>
internal static class StatementConfiguration
{
    public static void Configure<T>(EntityTypeBuilder<T> builder) where T : Statement
    {
        builder.Property(s => s.Claimant).HasMaxLength(Limits.ShortText);
        // The claimant's own clock is computed from the instant and the offset stored.
        builder.Ignore(s => s.StatedAtAsStated);
    }
}
