using PrisonerReleaseTracker.Api.Features.Totals;
using PrisonerReleaseTracker.Api.Features.Claims;

namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>Values of the answers written for readers, in the page's language.</summary>
public static class PageLabels
{
    /// <summary>A breakdown's value: a country's name, a facility's, or the text for a known value.</summary>
    public static string Of(PageText text, TotalsGroupBy by, BreakdownItem item) => (by, item.Key) switch
    {
        (_, "unknown") when by is not TotalsGroupBy.ChargesDropped => text["Unknown"],
        (TotalsGroupBy.Nationality, var code) => $"{text.Country(code)} ({code})",
        (TotalsGroupBy.Facility, _) => item.Label ?? text["Unknown"],
        (TotalsGroupBy.ChargesDropped, var key) => text.Named("ChargesDropped", key, key),
        (TotalsGroupBy.ReleaseKind, var key) => text.Named("ReleaseKind", key, key),
        (TotalsGroupBy.Gender, var key) => text.Named("Gender", key, key),
        (_, var key) => key,
    };

    /// <summary>A claimed figure in words: "more than 600", "más de 600".</summary>
    public static string Claimed(PageText text, ClaimCountResponse count) =>
        text.Format($"Qualifier_{count.Qualifier}", text.Number(count.Value), count.UpperValue is { } upper ? text.Number(upper) : null);

    /// <summary>The claim's bar: its lower bound, or its figure when it has none (about, at most).</summary>
    public static int ClaimedBar(ClaimCountResponse count) => count.LowerBound ?? count.Value;

    /// <summary>"At least 445 not verified", or why that cannot be said.</summary>
    public static string Unverified(PageText text, ReconciledClaim claim) => claim.UnverifiedAtLeast switch
    {
        null => text["ClaimNoLowerBound"],
        0 => text["ClaimAllVerified"],
        var n => text.Format("ClaimUnverified", text.Number(n.Value)),
    };

    /// <summary>The day a claim was made, on the claimant's own clock.</summary>
    public static DateOnly StatedOn(ReconciledClaim claim) => DateOnly.FromDateTime(claim.Claim.StatedAt.DateTime);

    public static string Period(PageText text, PeriodResponse period) => text.Format("PeriodRange", text.Date(period.From), text.Date(period.To));
}
