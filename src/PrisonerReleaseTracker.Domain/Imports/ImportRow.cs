using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Domain.Imports;

/// <summary>One problem of one row, named by the column as the client wrote it.</summary>
public sealed record ImportRowError(int Line, string Field, string Message);

/// <summary>A release that a row reports; it starts as <c>Reported</c> like any other.</summary>
public sealed record ImportedRelease(DateOnly ReleasedOn, ReleaseKind Kind, ReleaseConditions Conditions);

/// <summary>The detention a row describes: an arrest, a place, charges, and perhaps the release that ended it.</summary>
public sealed record ImportedDetention(
    PartialDate? ArrestedOn,
    string? Facility,
    string? FacilityCountry,
    string? ArrestingAuthority,
    IReadOnlyList<string> Charges,
    ImportedRelease? Release);

/// <summary>A row that passed every rule: a person, and perhaps a detention and its release.</summary>
public sealed record ImportRow(int Line, DetaineeDetails Person, ImportedDetention? Detention, IReadOnlyList<string> SourceUrls);
