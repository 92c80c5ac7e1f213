namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class TallyConfiguration : IEntityTypeConfiguration<Tally>
{
    public void Configure(EntityTypeBuilder<Tally> builder)
    {
        // Published once, never edited or deleted (migration KnownAtHistory).
        builder.ToTable(table => AppendOnly.Triggers(table, "tallies"));
        builder.HasAlternateKey(t => t.Number);
        builder.Property(t => t.Title).HasMaxLength(Limits.ShortText);
        builder.Property(t => t.Note).HasMaxLength(Limits.Note);
        builder.Property(t => t.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(t => t.GroupBy).HasMaxLength(32);
        builder.Property(t => t.VerifiedBy).HasMaxLength(Limits.ShortText);
        builder.Property(t => t.AnswerDigest).HasMaxLength(64).IsFixedLength();
        builder.Property(t => t.InputsDigest).HasMaxLength(64).IsFixedLength();
        builder.Ignore(t => t.Query);
        // A correction names the tally it supersedes; a tally is superseded at most once.
        builder.HasOne<Tally>().WithOne().HasForeignKey<Tally>(t => t.SupersedesNumber).HasPrincipalKey<Tally>(t => t.Number);
        builder.HasIndex(t => t.SupersedesNumber).IsUnique();
        builder.HasIndex(t => new { t.Organization, t.Number });
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}

internal sealed class TallyInputConfiguration : IEntityTypeConfiguration<TallyInput>
{
    public void Configure(EntityTypeBuilder<TallyInput> builder)
    {
        builder.ToTable(table => AppendOnly.Triggers(table, "tally_inputs"));
        builder.HasKey(i => new { i.TallyId, i.Position });
        builder.HasOne<Tally>().WithMany().HasForeignKey(i => i.TallyId);
        builder.Property(i => i.RowHash).HasMaxLength(64).IsFixedLength();
    }
}
