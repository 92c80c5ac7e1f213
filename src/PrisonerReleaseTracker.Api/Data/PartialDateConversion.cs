using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>Partial dates are stored as their text (<c>1968</c>, <c>1968-10</c>, <c>1968-10-02</c>), precision kept.</summary>
internal static class PartialDateConversion
{
    public static readonly ValueConverter<PartialDate, string> Converter = new(d => d.ToString(), s => PartialDate.Parse(s));

    /// <summary>SQL for the first day a stored partial date may mean.</summary>
    public static string EarliestDaySql(string column) =>
        $"make_date(substr({column}, 1, 4)::int, coalesce(nullif(substr({column}, 6, 2), '')::int, 1), coalesce(nullif(substr({column}, 9, 2), '')::int, 1))";

    /// <summary>SQL for the last day a stored partial date may mean.</summary>
    public static string LatestDaySql(string column) =>
        $"CASE length({column}) WHEN 4 THEN make_date(substr({column}, 1, 4)::int, 12, 31) " +
        $"WHEN 7 THEN (make_date(substr({column}, 1, 4)::int, substr({column}, 6, 2)::int, 1) + interval '1 month' - interval '1 day')::date " +
        $"ELSE make_date(substr({column}, 1, 4)::int, substr({column}, 6, 2)::int, substr({column}, 9, 2)::int) END";
}
