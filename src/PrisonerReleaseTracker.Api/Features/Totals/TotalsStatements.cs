namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// The statements one source of statuses answers with: the now path (<see cref="TotalsSql"/>, stored statuses or the
/// history as known now) or the replay path (<see cref="ReplaySql"/>, the record as known at a past moment). The
/// reader asks the scope's statements and never chooses a text itself.
/// </summary>
/// <param name="Summary">Releases of the period by status, and the people and charges among the verified.</param>
/// <param name="Breakdowns">Verified releases by each dimension, most first.</param>
/// <param name="Timeline">Verified and reported releases per bucket.</param>
/// <param name="ClaimsShown">The claims standing beside the answer, as it shows them.</param>
/// <param name="VerifiedChanges">The moves into and out of Verified, by day of release and bucket of time.</param>
/// <param name="VerifiedChangesByOrganization">The same, counting one organization's decisions.</param>
/// <param name="ClaimsCounted">
/// Whether each claim's row carries its verified counts as of its statement and as of now, kept by the database (the
/// stored path only: <see cref="AggregateSql.ClaimsShown"/>); otherwise the changes above are swept.
/// </param>
internal sealed record TotalsStatements(string Summary, IReadOnlyDictionary<TotalsGroupBy, string> Breakdowns, string Timeline, string ClaimsShown,
    string VerifiedChanges, string VerifiedChangesByOrganization, bool ClaimsCounted = false)
{
    /// <summary>As of now, known now: the summary, the timeline, charges and the claims' counts from the aggregates; the other breakdowns from the stored statuses.</summary>
    private static readonly TotalsStatements Stored = new(AggregateSql.Summary,
        ByDimension(TotalsSql.ByFacilityStored, TotalsSql.ByNationalityStored, TotalsSql.ByCategoryStored, TotalsSql.ByGenderStored,
            TotalsSql.ByReleaseKindStored, AggregateSql.ByChargesDropped),
        AggregateSql.Timeline, AggregateSql.ClaimsShown, TotalsSql.VerifiedChanges, TotalsSql.VerifiedChangesByOrganization, ClaimsCounted: true);

    private static readonly TotalsStatements History = new(TotalsSql.SummaryHistory,
        ByDimension(TotalsSql.ByFacilityHistory, TotalsSql.ByNationalityHistory, TotalsSql.ByCategoryHistory, TotalsSql.ByGenderHistory,
            TotalsSql.ByReleaseKindHistory, TotalsSql.ByChargesDroppedHistory),
        TotalsSql.TimelineHistory, TotalsSql.ClaimsShown, TotalsSql.VerifiedChanges, TotalsSql.VerifiedChangesByOrganization);

    private static readonly TotalsStatements Replay = new(ReplaySql.Summary,
        ByDimension(ReplaySql.ByFacilityKnown, ReplaySql.ByNationalityKnown, ReplaySql.ByCategoryKnown, ReplaySql.ByGenderKnown,
            ReplaySql.ByReleaseKindKnown, ReplaySql.ByChargesDroppedKnown),
        ReplaySql.Timeline, ReplaySql.ClaimsShown, ReplaySql.VerifiedChanges, ReplaySql.VerifiedChangesByOrganization);

    private static Dictionary<TotalsGroupBy, string> ByDimension(string facility, string nationality, string category, string gender,
        string releaseKind, string chargesDropped) => new()
        {
            [TotalsGroupBy.Facility] = facility,
            [TotalsGroupBy.Nationality] = nationality,
            [TotalsGroupBy.Category] = category,
            [TotalsGroupBy.Gender] = gender,
            [TotalsGroupBy.ReleaseKind] = releaseKind,
            [TotalsGroupBy.ChargesDropped] = chargesDropped,
        };

    /// <summary>
    /// Whether an answer of these statements, broken down <paramref name="by"/> (or not), reads the aggregates only (and the
    /// claims): statements whose best plan is the same whatever the period, which may then run their generic plans
    /// (<see cref="GenericPlanReads"/>). The other breakdowns of the stored path read the period's releases.
    /// </summary>
    public bool ReadsAggregatesOnly(TotalsGroupBy? by) =>
        ReferenceEquals(this, Stored) && by is null or TotalsGroupBy.ChargesDropped;

    public static TotalsStatements Of(StatusSource statuses) => statuses switch
    {
        StatusSource.Stored => Stored,
        StatusSource.History => History,
        _ => Replay,
    };
}
