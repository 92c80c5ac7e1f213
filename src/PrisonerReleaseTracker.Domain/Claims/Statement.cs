namespace PrisonerReleaseTracker.Domain.Claims;

/// <summary>
/// Something a claimant stated (a claimed count, a published list): who, when and about which days. It stands apart
/// from the record, beside it, and is dated the same way whatever it states.
/// </summary>
public abstract class Statement
{
    protected Statement() => Claimant = null!;

    /// <summary>Who stated it, as named by the client (a ministry, an NGO, a newspaper).</summary>
    public string Claimant { get; private set; }
    public ClaimantKind ClaimantKind { get; private set; }
    /// <summary>When it was stated, in UTC; <see cref="StatedAtAsStated"/> keeps the claimant's own offset.</summary>
    public DateTimeOffset StatedAt { get; private set; }
    /// <summary>The UTC offset, in minutes, the statement was dated in (-240 for Caracas).</summary>
    public int StatedAtOffsetMinutes { get; private set; }
    /// <summary>When it was stated, on the claimant's clock.</summary>
    public DateTimeOffset StatedAtAsStated => AsStated(StatedAt, StatedAtOffsetMinutes);

    /// <summary>A statement's moment with the offset it was dated in (for readers that hold the two columns, not the entity).</summary>
    public static DateTimeOffset AsStated(DateTimeOffset statedAt, int offsetMinutes) => statedAt.ToOffset(TimeSpan.FromMinutes(offsetMinutes));
    /// <summary>The days it speaks of; an open period ends on the day it was stated.</summary>
    public DateOnly PeriodFrom { get; private set; }
    /// <summary>The last day it speaks of: the day it was stated, on the claimant's clock, when the client gave none.</summary>
    public DateOnly PeriodTo { get; private set; }

    /// <summary>
    /// Dates the statement: refuses one made after <paramref name="now"/> and a period that ends before it starts. The
    /// refusals name it as <paramref name="what"/> ("claim") made as <paramref name="made"/> ("stated").
    /// </summary>
    protected void Date(string claimant, ClaimantKind claimantKind, DateTimeOffset statedAt, DateOnly periodFrom, DateOnly? periodTo,
        DateTimeOffset now, string what, string made)
    {
        if (statedAt > now)
        {
            throw new DomainRuleException($"A {what} cannot be {made} in the future", "statedAt is after the server's clock.");
        }

        var to = periodTo ?? DateOnly.FromDateTime(statedAt.DateTime);
        if (to < periodFrom)
        {
            throw new DomainRuleException($"A {what}'s period cannot end before it starts", "period.to is before period.from.");
        }

        Claimant = claimant.Trim();
        ClaimantKind = claimantKind;
        StatedAt = statedAt.ToUniversalTime();
        StatedAtOffsetMinutes = (int)statedAt.Offset.TotalMinutes;
        PeriodFrom = periodFrom;
        PeriodTo = to;
    }
}
