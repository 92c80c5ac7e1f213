using static PrisonerReleaseTracker.Api.Data.KnownSql;
using static PrisonerReleaseTracker.Api.Features.Totals.TotalsSql;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// The totals replayed as the record knew them at a past moment, <c>@known_at</c> (<see cref="StatusSource.Replay"/>):
/// the path of every answer with a past <c>knownAt</c>, and of every published tally. It counts the releases reported
/// by then, each with its status as of <c>@as_of</c> from the decisions recorded by then and its fields (and its
/// person's) as they then stood, and the claims entered by then (<see cref="KnownSql"/>). With both moments past, nothing
/// written later changes what these texts return. The bodies are those of <see cref="TotalsSql"/>; the parameters too.
/// </summary>
internal static class ReplaySql
{
    /// <summary>
    /// The releases of the period reported by <c>@known_at</c>, with their status and fields as known then; materialized,
    /// so each release's status is found once, not once per aggregate that filters on it (as the history's statuses).
    /// </summary>
    private const string KnownStatuses = $"""
        scoped AS MATERIALIZED (
            SELECT r.id, r.detainee_id, rf.facility_id, rf.kind, rf.charges_dropped, r.released_on, {StatusKnown} AS status
            FROM releases r CROSS JOIN LATERAL ({ReleaseFieldsKnown}) rf
            WHERE r.released_on BETWEEN @from AND @to AND {ReleaseKnown})
        """;

    /// <summary>The people among the verified, with their fields as known then.</summary>
    private const string KnownPersons = $"""
        , persons AS (
            SELECT s.detainee_id AS id, p.gender, p.nationalities, p.categories
            FROM (SELECT DISTINCT detainee_id FROM verified) s CROSS JOIN LATERAL ({PersonFieldsKnown}) p)
        """;

    private const string KnownBreakdown = $"WITH {KnownStatuses}{VerifiedOfScoped}{KnownPersons}";

    public const string Summary = $"WITH {KnownStatuses}{CountsOfScoped}";
    public const string ByFacilityKnown = $"{KnownBreakdown}{ByFacility}";
    public const string ByNationalityKnown = $"{KnownBreakdown}{ByNationality}";
    public const string ByCategoryKnown = $"{KnownBreakdown}{ByCategory}";
    public const string ByGenderKnown = $"{KnownBreakdown}{ByGender}";
    public const string ByReleaseKindKnown = $"{KnownBreakdown}{ByReleaseKind}";
    public const string ByChargesDroppedKnown = $"{KnownBreakdown}{ByChargesDropped}";
    public const string Timeline = $"WITH {KnownStatuses}{BucketsOfScoped}";

    /// <summary>The claims about releases (<c>claims c</c>) standing as of the moment, as known then, whose period overlaps the scope's.</summary>
    internal const string ClaimsBeside = $"{ClaimsOfPeriod} AND {ClaimKnown}";

    /// <summary>The claims of <see cref="ClaimsBeside"/> as an answer shows them (as <see cref="TotalsSql.ClaimsShown"/>).</summary>
    public const string ClaimsShown = $"""
        SELECT {ClaimColumns}
        FROM claims c WHERE {ClaimsBeside} ORDER BY c.stated_at, c.id
        """;

    /// <summary>As <see cref="TotalsSql.VerifiedChanges"/>, counting the decisions recorded by then only.</summary>
    public const string VerifiedChanges = $"{VerifiedChangesOf} AND e.recorded_at <= @known_at\n{VerifiedChangesGrouped}";

    /// <summary>As <see cref="TotalsSql.VerifiedChangesByOrganization"/>, counting the decisions recorded by then only.</summary>
    public const string VerifiedChangesByOrganization = $"{OrganizationChangesOf} AND e.recorded_at <= @known_at{OrganizationChangesGrouped}";

    /// <summary>
    /// One row per release counted, as known then: its id, day, status, and every field a breakdown may use (the
    /// manifest of a tally takes the one its breakdown uses). In the order of release days.
    /// </summary>
    public const string Releases = $"""
        WITH {KnownStatuses}
        SELECT s.id AS release_id, s.released_on, s.status, s.facility_id, s.kind, s.charges_dropped, p.gender, p.nationalities, p.categories
        FROM scoped s CROSS JOIN LATERAL ({PersonFieldsKnown}) p
        ORDER BY s.released_on, s.id
        """;
}
