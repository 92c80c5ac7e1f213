namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>A person already on record, or earlier in the same file, whom a row may describe again. Never merged: the row's person is created anyway.</summary>
/// <param name="Line">The row (its CSV line, or its position in a JSON array).</param>
/// <param name="ExistingDetaineeId">The person on record, or the one the earlier row creates; null for an earlier row in a dry run, which creates nothing.</param>
/// <param name="ExistingLine">The earlier row of the same file, when the person is not on record yet.</param>
public sealed record PossibleDuplicate(int Line, Guid? ExistingDetaineeId, int? ExistingLine);

/// <summary>What an import did, or, in a dry run, would do.</summary>
/// <param name="Rows">Rows read.</param>
/// <param name="DetaineesCreated">People created.</param>
/// <param name="DetaineesMatched">Rows whose externalId this organization already used (or an earlier row used): nothing is created or changed for them.</param>
/// <param name="DetentionsCreated">Detentions created (rows with arrest or release columns).</param>
/// <param name="ReleasesCreated">Releases created, each Reported.</param>
/// <param name="FacilitiesCreated">Facilities created for names not on record.</param>
/// <param name="SourcesCreated">Sources created for URLs not on record.</param>
/// <param name="PossibleDuplicates">Rows naming someone with the same name (case, accents and spacing folded) and a compatible birth date; the first 1,000.</param>
/// <param name="DryRun">True when nothing was written.</param>
/// <param name="ImportId">The id the audit log records the import under; null in a dry run.</param>
public sealed record ImportResult(
    int Rows, int DetaineesCreated, int DetaineesMatched, int DetentionsCreated, int ReleasesCreated, int FacilitiesCreated,
    int SourcesCreated, IReadOnlyList<PossibleDuplicate> PossibleDuplicates, bool DryRun, Guid? ImportId);

/// <summary>One problem of one row.</summary>
/// <param name="Line">The CSV line (the header is line 1), or the position in a JSON array (from 1).</param>
/// <param name="Field">The column, as named in the format; empty for the row as a whole.</param>
/// <param name="Message">What is wrong.</param>
public sealed record RowErrorDto(int Line, string Field, string Message);
