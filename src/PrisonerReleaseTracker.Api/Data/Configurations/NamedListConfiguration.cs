using Microsoft.EntityFrameworkCore;

namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class NamedListConfiguration : IEntityTypeConfiguration<NamedList>
{
    public void Configure(EntityTypeBuilder<NamedList> builder)
    {
        StatementConfiguration.Configure(builder);
        builder.Property(l => l.Title).HasMaxLength(Limits.ShortText);
        builder.Property(l => l.Organization).HasMaxLength(Limits.ShortText);
        builder.Property(l => l.SourceIds);
        builder.HasOne<Claim>().WithMany().HasForeignKey(l => l.ClaimId);
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}

internal sealed class ListEntryConfiguration : IEntityTypeConfiguration<ListEntry>
{
    /// <summary>The folded full name as listed: two entries with it and the same complete birth date name one person.</summary>
    public const string FoldedName = "FoldedName";

    /// <summary>The birth date as listed when it is complete (to the day); null otherwise.</summary>
    public const string BornOn = "BornOn";

    public void Configure(EntityTypeBuilder<ListEntry> builder)
    {
        builder.HasOne<NamedList>().WithMany().HasForeignKey(e => e.ListId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.ListId, e.Number }).IsUnique();
        builder.Property(e => e.FullName).HasMaxLength(Limits.Name);
        builder.Property(e => e.OtherNames);
        builder.Property(e => e.BirthDate).HasConversion(PartialDateConversion.Converter).HasMaxLength(PartialDate.MaxLength);
        builder.Property(e => e.NationalId).HasMaxLength(Limits.NationalId);
        builder.Property(e => e.ExternalIds);
        builder.Property(e => e.Nationalities);
        builder.Property(e => e.Facility).HasMaxLength(Limits.Name);
        builder.Property(e => e.Note).HasMaxLength(Limits.Note);
        builder.Property<string>(FoldedName).HasComputedColumnSql("prt_fold(full_name)", stored: true);
        builder.Property<DateOnly?>(BornOn).HasComputedColumnSql(
            "CASE WHEN length(birth_date) = 10 THEN make_date(substr(birth_date, 1, 4)::int, substr(birth_date, 6, 2)::int, substr(birth_date, 9, 2)::int) END",
            stored: true);
        // Entries are the list as published: the database refuses to change or remove one.
        builder.ToTable(t => AppendOnly.Triggers(t, "list_entries"));
    }
}

internal sealed class MatchCandidateConfiguration : IEntityTypeConfiguration<MatchCandidate>
{
    public void Configure(EntityTypeBuilder<MatchCandidate> builder)
    {
        builder.ToTable("list_match_candidates", t => AppendOnly.Triggers(t, "list_match_candidates"));
        // A list's candidates, entry by entry: the key is the order reconciliation reads them in.
        builder.HasKey(c => new { c.ListId, c.EntryId, c.DetaineeId });
        builder.HasOne<ListEntry>().WithMany().HasForeignKey(c => c.EntryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Detainee>().WithMany().HasForeignKey(c => c.DetaineeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<NamedList>().WithMany().HasForeignKey(c => c.ListId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MatchDecisionConfiguration : IEntityTypeConfiguration<MatchDecision>
{
    public void Configure(EntityTypeBuilder<MatchDecision> builder)
    {
        // Decisions are append-only: a later one replaces an earlier one for the reconciliation, never by editing it.
        builder.ToTable(t => AppendOnly.Triggers(t, "match_decisions"));
        builder.HasOne<NamedList>().WithMany().HasForeignKey(d => d.ListId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ListEntry>().WithMany().HasForeignKey(d => d.EntryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Detainee>().WithMany().HasForeignKey(d => d.DetaineeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.ListId, d.EntryId, d.RecordedAt });
        builder.Property(d => d.Note).HasMaxLength(Limits.Note);
        builder.Property(d => d.Organization).HasMaxLength(Limits.ShortText);
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}
