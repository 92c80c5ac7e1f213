using System.Text;
using PrisonerReleaseTracker.Api.Infrastructure.Json;
using PrisonerReleaseTracker.Api.Features.Totals;

namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>
/// The figures of a view as one CSV in long form, one cell of the page's tables a line (<c>table,row,column,value</c>),
/// so that a spreadsheet can pivot any of them: names and numbers as the API writes them, not the page's language.
/// A text starting like a spreadsheet formula is written after a <c>'</c>, as the exports do.
/// </summary>
public static class PageCsv
{
    private const string FormulaStarts = "=+-@\t\r";

    public static string Write(PageFiguresView view)
    {
        var csv = new StringBuilder("table,row,column,value\n");
        void Line(string table, string row, string column, object? value)
        {
            var text = value switch
            {
                null => "",
                DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTimeOffset moment => moment.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
                int n => n.ToString(CultureInfo.InvariantCulture),
                _ => Text(value.ToString()!),
            };
            csv.Append(Field(table)).Append(',').Append(Field(Text(row))).Append(',').Append(Field(column)).Append(',').Append(Field(text)).Append('\n');
        }

        var totals = view.Totals;
        Line("period", "period", "from", totals.From);
        Line("period", "period", "to", totals.To);
        Line("period", "period", "asOf", totals.AsOf);
        var releases = totals.Releases;
        foreach (var (status, count) in new (string, int)[]
        {
            ("verified", releases.Verified), ("underVerification", releases.UnderVerification), ("reported", releases.Reported),
            ("disputed", releases.Disputed), ("rejected", releases.Rejected), ("retracted", releases.Retracted),
        })
        {
            Line("releases", status, "releases", count);
        }

        Line("verified", "persons", "verified", totals.VerifiedPersons);
        Line("verified", "chargesNotDropped", "verified", totals.VerifiedWithChargesNotDropped);
        Line("verified", "chargesUnknown", "verified", totals.VerifiedWithChargesUnknown);
        foreach (var breakdown in view.Breakdowns)
        {
            var table = $"breakdown.{EnumNames.NameOf(typeof(TotalsGroupBy), breakdown.By)}";
            foreach (var item in breakdown.Items)
            {
                if (item.Label is not null)
                {
                    Line(table, item.Key, "label", item.Label);
                }

                Line(table, item.Key, "verified", item.Verified);
            }
        }

        foreach (var reconciled in totals.Claims)
        {
            var claim = reconciled.Claim;
            var row = claim.Id.ToString();
            Line("claims", row, "claimant", claim.Claimant);
            Line("claims", row, "claimantKind", claim.ClaimantKind);
            Line("claims", row, "originalText", claim.OriginalText);
            Line("claims", row, "statedAt", claim.StatedAt);
            Line("claims", row, "periodFrom", claim.Period.From);
            Line("claims", row, "periodTo", claim.Period.To);
            Line("claims", row, "claimed", claim.Count.Display);
            Line("claims", row, "lowerBound", claim.Count.LowerBound);
            Line("claims", row, "verifiedAtClaimTime", reconciled.VerifiedAtClaimTime);
            Line("claims", row, "verifiedNow", reconciled.VerifiedNow);
            Line("claims", row, "unverifiedAtLeast", reconciled.UnverifiedAtLeast);
        }

        var interval = view.Timeline.Interval == TimelineInterval.Week ? "timeline.week" : "timeline.day";
        foreach (var point in view.Timeline.Points)
        {
            var row = point.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Line(interval, row, "verified", point.Verified);
            Line(interval, row, "cumulativeVerified", point.CumulativeVerified);
            Line(interval, row, "reported", point.Reported);
        }

        return csv.ToString();
    }

    private static string Text(string value) => value.Length > 0 && FormulaStarts.Contains(value[0], StringComparison.Ordinal) ? $"'{value}" : value;

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
