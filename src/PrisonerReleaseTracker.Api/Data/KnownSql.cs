namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// How a query reads the record as it was known at a moment, <c>@known_at</c> (see <see cref="RecordedMoment"/>): the
/// pieces every figure "known at" a past moment is made of, written once. A feature that answers for a
/// <see cref="Features.Totals.KnownAt"/> joins the history so:
/// <list type="bullet">
/// <item>releases: only those reported by then, <see cref="ReleaseKnown"/> (on <c>releases r</c>);</item>
/// <item>a release's status as of <c>@as_of</c>: <see cref="StatusKnown"/>, a scalar subquery on <c>r</c> (and <c>@verified_by</c>, null for everyone's decisions);</item>
/// <item>a release's kind, facility and charges: <c>CROSS JOIN LATERAL (</c><see cref="ReleaseFieldsKnown"/><c>) rf</c> on <c>r</c>;</item>
/// <item>a person's gender, nationalities, categories and protection: <c>CROSS JOIN LATERAL (</c><see cref="PersonFieldsKnown"/><c>) p</c>
/// on a row <c>s</c> with a <c>detainee_id</c>;</item>
/// <item>claims: entered by then, and ended only if the end was entered by then, <see cref="ClaimKnown"/> (on <c>claims c</c>).</item>
/// </list>
/// Each reads an index that carries what it returns. These are fragments, not statements: the statements that use them
/// (<see cref="Features.Totals.ReplaySql"/>) are what the tests parse against the model.
/// </summary>
internal static class KnownSql
{
    internal const string ReleaseKnown = "r.created_at <= @known_at";

    internal const string StatusKnown = $"""
        coalesce((SELECT e.status FROM verification_events e
                  WHERE e.release_id = r.id AND e.occurred_at <= @as_of AND e.recorded_at <= @known_at
                    AND (@verified_by IS NULL OR e.organization = @verified_by)
                  ORDER BY e.occurred_at DESC, e.recorded_at DESC LIMIT 1),
                 '{nameof(VerificationStatus.Reported)}')
        """;

    internal const string ReleaseFieldsKnown = """
        SELECT v.kind, v.facility_id, v.charges_dropped FROM release_versions v
        WHERE v.release_id = r.id AND v.recorded_at <= @known_at ORDER BY v.recorded_at DESC, v.id DESC LIMIT 1
        """;

    internal const string PersonFieldsKnown = """
        SELECT v.gender, v.nationalities, v.categories, v.is_protected FROM detainee_versions v
        WHERE v.detainee_id = s.detainee_id AND v.recorded_at <= @known_at ORDER BY v.recorded_at DESC, v.id DESC LIMIT 1
        """;

    internal const string ClaimKnown = "c.created_at <= @known_at AND (c.ended_at IS NULL OR c.ended_at > @as_of OR c.end_recorded_at > @known_at)";
}
