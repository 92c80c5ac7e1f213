namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// The aggregates the totals known now read instead of the releases and decisions they count, kept exact by database
/// triggers in the same transaction as every write that changes them (the API's, an import's set-based SQL, a hand at
/// the console): statement-level triggers with transition tables on <c>releases</c>, <c>verification_events</c> and
/// <c>claims</c> (migration <c>TotalsAggregates</c>). Each aggregate is a table of insert-only deltas: a write adds rows
/// and never updates one, so that a day of mass releases has no hot row; a fold (<c>TotalsFold</c>) now and then
/// replaces the rows of a key by their sum. A reader sums the deltas of the keys it needs: the cost of an answer grows
/// with the days and keys it covers, not with the records.
/// </summary>
/// <remarks>
/// A load that turns triggers off (<c>session_replication_role = replica</c>) rebuilds them after with
/// <see cref="Rebuild"/>, which is also what the migration ran on the records it found.
/// </remarks>
public static class TotalsAggregates
{
    /// <summary>The statement triggers on <c>releases</c> that keep the counts and the verified persons.</summary>
    public const string ReleasesInserted = "releases_totals_insert";
    public const string ReleasesUpdated = "releases_totals_update";
    public const string ReleasesDeleted = "releases_totals_delete";

    /// <summary>The statement trigger on <c>verification_events</c> that keeps each claim's verified counts.</summary>
    public const string DecisionsInserted = "verification_events_totals_insert";

    /// <summary>The statement triggers on <c>claims</c> that count a claim's period when it is entered or changed.</summary>
    public const string ClaimsInserted = "claims_totals_insert";
    public const string ClaimsUpdated = "claims_totals_update";

    /// <summary>Recomputes every aggregate from the records (the SQL function the migration made): <c>SELECT prt_rebuild_totals()</c>.</summary>
    public const string Rebuild = "prt_rebuild_totals";
}

/// <summary>
/// A row of an aggregate's insert-only deltas, written by the triggers only: a reader sums the <see cref="Delta"/>s of
/// the keys it needs, and a fold (<c>TotalsFold</c>) now and then replaces the rows of a key by one holding their sum.
/// </summary>
public abstract class AggregateDelta
{
    /// <summary>The primary key, an identity column; no reader or fold uses it.</summary>
    public long Id { get; private set; }

    /// <summary>How much the count of the row's key changed, negative when it fell; after a fold, the sum of the rows it replaced (never 0: a key whose rows sum to 0 keeps none).</summary>
    public int Delta { get; private set; }
}

/// <summary>A change in the number of releases with a status and a state of their charges: what the summary counts.</summary>
public abstract class ReleaseCount : AggregateDelta
{
    public VerificationStatus Status { get; private set; }
    public bool? ChargesDropped { get; private set; }
}

/// <summary>A change in the number of releases dated <see cref="ReleasedOn"/>: <c>releases</c> as of now, grouped by what the summary counts.</summary>
public sealed class ReleaseCountDelta : ReleaseCount
{
    private ReleaseCountDelta() { }

    public DateOnly ReleasedOn { get; private set; }
}

/// <summary>
/// The same changes as <see cref="ReleaseCountDelta"/>, by the month of the release (<see cref="Month"/>, its first
/// day), written by the same triggers in the same statements: a period reads its whole months here and only the days
/// at its two ends from the days, so that a year costs about twelve rows a key rather than 365.
/// </summary>
public sealed class ReleaseCountMonthDelta : ReleaseCount
{
    private ReleaseCountMonthDelta() { }

    public DateOnly Month { get; private set; }
}

/// <summary>
/// One day on which a person has at least one Verified release, and the next such day (none for their last): what
/// counting distinct persons over a period reads (<see cref="VerifiedPersonDelta"/>). Kept by the triggers, per person,
/// under a lock on the person's row.
/// </summary>
public sealed class VerifiedPersonDay
{
    private VerifiedPersonDay() { }

    public Guid DetaineeId { get; private set; }
    public DateOnly ReleasedOn { get; private set; }
    public DateOnly? NextVerifiedOn { get; private set; }
}

/// <summary>
/// A change in the number of persons whose verified days include <see cref="ReleasedOn"/> followed by
/// <see cref="NextVerifiedOn"/> (none: their last). The persons with a Verified release in [from, to] are those with
/// a verified day in [from, to] whose next is after <c>to</c> or none: one row each, their last day in the period.
/// </summary>
public sealed class VerifiedPersonDelta : AggregateDelta
{
    private VerifiedPersonDelta() { }

    public DateOnly ReleasedOn { get; private set; }
    public DateOnly? NextVerifiedOn { get; private set; }
}

/// <summary>
/// A change in a claim's verified count: the releases of its period that became Verified (+1) or were retracted (-1)
/// by decisions that occurred at or before its statement (<see cref="AtStatement"/>), or after it.
/// </summary>
public sealed class ClaimVerifiedDelta : AggregateDelta
{
    private ClaimVerifiedDelta() { }

    public Guid ClaimId { get; private set; }
    public bool AtStatement { get; private set; }
}
