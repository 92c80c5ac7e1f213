using NpgsqlTypes;

namespace PrisonerReleaseTracker.Api.Data.Configurations;

internal sealed class DetaineeConfiguration : IEntityTypeConfiguration<Detainee>
{
    /// <summary>
    /// The words of every name of the person, folded (<c>prt_search_words</c>): what <c>q</c> searches, whole words and
    /// word prefixes, through a GIN index whose cost follows the words asked for, not the number of people.
    /// </summary>
    public const string SearchWords = "SearchWords";

    /// <summary>The folded full name; an import finds the namesakes of its rows on record by it.</summary>
    public const string FoldedName = "FoldedName";

    /// <summary>The first and last day a partial birth date may mean, for an import's namesakes.</summary>
    public const string BornFrom = "BirthDateEarliest";
    public const string BornTo = "BirthDateLatest";

    /// <summary>Every name of the person (full and other names), folded; a list's entries find their namesakes by it.</summary>
    public const string FoldedNames = "FoldedNames";

    public void Configure(EntityTypeBuilder<Detainee> builder)
    {
        // Every version of the fields figures depend on is copied into the person's history (RecordHistory).
        builder.ToTable(table =>
        {
            table.HasTrigger(RecordHistory.DetaineeInserted);
            table.HasTrigger(RecordHistory.DetaineeChanged);
            // A change of protection or organization moves the person's citations (ProtectedCitations).
            table.HasTrigger(ProtectedCitations.PersonChanged);
        });
        builder.Property(d => d.FullName).HasMaxLength(Limits.Name);
        builder.Property(d => d.OtherNames);
        builder.Property(d => d.BirthDate).HasConversion(PartialDateConversion.Converter).HasMaxLength(PartialDate.MaxLength);
        builder.Property(d => d.Nationalities);
        builder.Property(d => d.Categories);
        builder.Property(d => d.NationalId).HasMaxLength(Limits.NationalId);
        builder.Property(d => d.Notes).HasMaxLength(Limits.Note);
        builder.Property(d => d.Organization).HasMaxLength(Limits.ShortText);
        builder.OwnsMany(d => d.ExternalIds, ids =>
        {
            ids.ToTable("detainee_external_ids");
            ids.WithOwner().HasForeignKey("DetaineeId");
            ids.Property<int>("Id");
            ids.HasKey("Id");
            ids.Property(e => e.Scheme).HasMaxLength(Limits.Code);
            ids.Property(e => e.Value).HasMaxLength(Limits.ShortText);
            ids.HasIndex(e => new { e.Scheme, e.Value });
        });
        builder.Navigation(d => d.ExternalIds).HasField("_externalIds");
        builder.HasMany(d => d.Detentions).WithOne().HasForeignKey(d => d.DetaineeId);
        builder.Navigation(d => d.Detentions).HasField("_detentions");

        builder.Property<NpgsqlTsVector>(SearchWords)
            .HasComputedColumnSql("prt_search_words(full_name, other_names)", stored: true);
        builder.HasIndex(SearchWords).HasMethod("gin");
        builder.Property<string>(FoldedName).HasComputedColumnSql("prt_fold(full_name)", stored: true);
        // The namesakes of a name, oldest ids first: an import lists the first few of each without sorting.
        builder.HasIndex(FoldedName, nameof(Detainee.Id));
        builder.Property<DateOnly?>(BornFrom).HasComputedColumnSql(PartialDateConversion.EarliestDaySql("birth_date"), stored: true);
        builder.Property<DateOnly?>(BornTo).HasComputedColumnSql(PartialDateConversion.LatestDaySql("birth_date"), stored: true);
        builder.HasIndex(d => d.Nationalities).HasMethod("gin");
        builder.HasIndex(d => d.Categories).HasMethod("gin");
        builder.HasIndex(d => d.Status);
        builder.Property<string[]>(FoldedNames).HasComputedColumnSql("prt_folded_names(full_name, other_names)", stored: true);
        builder.HasIndex(FoldedNames).HasMethod("gin");
        // A list's national ids are compared with those its own organization holds, and only those.
        builder.HasIndex(d => new { d.Organization, d.NationalId }).HasFilter("national_id IS NOT NULL");
        builder.Property<uint>(AppDbContext.RowVersion).IsRowVersion();
    }
}
