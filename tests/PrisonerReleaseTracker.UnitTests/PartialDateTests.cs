using System.Globalization;
using PrisonerReleaseTracker.Domain;

namespace PrisonerReleaseTracker.UnitTests;

public class PartialDateTests
{
    [Theory]
    [InlineData("1968", DatePrecision.Year)]
    [InlineData("1968-10", DatePrecision.Month)]
    [InlineData("1968-10-02", DatePrecision.Day)]
    public void Each_accepted_format_keeps_its_precision_through_a_round_trip(string text, DatePrecision precision)
    {
        var date = PartialDate.Parse(text);

        Assert.Equal(precision, date.Precision);
        Assert.Equal(text, date.ToString());
        Assert.Equal(date, PartialDate.Parse(date.ToString()));
    }

    [Fact]
    public void Parsing_a_full_date_reads_year_month_and_day()
    {
        var date = PartialDate.Parse("1968-10-02");

        Assert.Equal(1968, date.Year);
        Assert.Equal(10, date.Month);
        Assert.Equal(2, date.Day);
    }

    [Fact]
    public void Parsing_a_year_leaves_month_and_day_unknown()
    {
        var date = PartialDate.Parse("1968");

        Assert.Null(date.Month);
        Assert.Null(date.Day);
    }

    [Fact]
    public void Surrounding_whitespace_is_ignored()
    {
        Assert.True(PartialDate.TryParse(" 1968-10\t", out var date, out var error));
        Assert.Null(error);
        Assert.Equal("1968-10", date.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("19812")]
    [InlineData("1952-08021")]
    [InlineData("1968-1-2")]
    [InlineData("1968-1")]
    [InlineData("68")]
    [InlineData("0999")]
    [InlineData("1968 -10")]
    [InlineData("1968- 10")]
    [InlineData("1968-10 02")]
    [InlineData("1968/10/02")]
    [InlineData("02-10-1968")]
    [InlineData("1968-10-")]
    [InlineData("+968")]
    [InlineData("1968-10-02T00:00")]
    [InlineData("١٩٦٨")]
    public void A_malformed_date_is_refused_with_a_reason(string? text)
    {
        Assert.False(PartialDate.TryParse(text, out var date, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Equal(default, date);
    }

    [Theory]
    [InlineData("1968-13")]
    [InlineData("1968-00")]
    [InlineData("1968-00-10")]
    [InlineData("1968-10-00")]
    [InlineData("1968-04-31")]
    [InlineData("1968-10-32")]
    public void An_impossible_month_or_day_is_refused(string text)
    {
        Assert.False(PartialDate.TryParse(text, out _, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("2024-02-29")]
    [InlineData("2000-02-29")]
    public void The_29th_of_February_is_accepted_in_a_leap_year(string text)
    {
        Assert.True(PartialDate.TryParse(text, out var date, out _));
        Assert.Equal(29, date.Day);
    }

    [Theory]
    [InlineData("1954-02-29")]
    [InlineData("1900-02-29")]
    public void The_29th_of_February_is_refused_in_a_common_year(string text)
    {
        Assert.False(PartialDate.TryParse(text, out _, out var error));
        Assert.Contains("no day 29", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_throws_a_format_exception_with_the_reason()
    {
        var exception = Assert.Throws<FormatException>(() => PartialDate.Parse("1968-13"));

        Assert.Contains("month", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1900")]
    [InlineData("1900-01-01")]
    [InlineData("2100-12-31")]
    public void Years_at_the_edges_of_the_supported_range_are_accepted(string text)
    {
        Assert.True(PartialDate.TryParse(text, out _, out _));
    }

    [Theory]
    [InlineData("1899-12-31")]
    [InlineData("1000")]
    [InlineData("2101")]
    [InlineData("9999-12-31")]
    public void Years_outside_the_supported_range_are_refused_saying_the_range(string text)
    {
        Assert.False(PartialDate.TryParse(text, out _, out var error));
        Assert.Equal("The year must be from 1900 to 2100.", error);
    }

    [Theory]
    [InlineData("1968", "1968-01-01", "1968-12-31")]
    [InlineData("1968-10", "1968-10-01", "1968-10-31")]
    [InlineData("1968-10-02", "1968-10-02", "1968-10-02")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    [InlineData("2023-02", "2023-02-01", "2023-02-28")]
    [InlineData("1968-04", "1968-04-01", "1968-04-30")]
    [InlineData("1968-12", "1968-12-01", "1968-12-31")]
    public void Earliest_and_latest_day_span_what_the_date_may_mean(string text, string earliest, string latest)
    {
        var date = PartialDate.Parse(text);

        Assert.Equal(DateOnly.Parse(earliest, CultureInfo.InvariantCulture), date.EarliestDay);
        Assert.Equal(DateOnly.Parse(latest, CultureInfo.InvariantCulture), date.LatestDay);
    }

    [Theory]
    [InlineData("2025", "2025-06-15", false)]
    [InlineData("2025-06", "2025-06-15", false)]
    [InlineData("2025-06-15", "2025-06-15", false)]
    [InlineData("2025-06-16", "2025-06-15", true)]
    [InlineData("2025-07", "2025-06-15", true)]
    [InlineData("2026", "2025-06-15", true)]
    public void A_date_is_after_a_day_only_when_its_earliest_day_is(string text, string day, bool expected)
    {
        var date = PartialDate.Parse(text);

        Assert.Equal(expected, date.IsAfter(DateOnly.Parse(day, CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("1968", "1968-10-02", true)]
    [InlineData("1968-10", "1968-10-02", true)]
    [InlineData("1968-10-02", "1968-10-02", true)]
    [InlineData("1968", "1968-10", true)]
    [InlineData("1968-11", "1968-10-02", false)]
    [InlineData("1969", "1968-10-02", false)]
    [InlineData("1968-10-03", "1968-10-02", false)]
    [InlineData("1968", "1969", false)]
    public void Dates_are_compatible_when_they_could_mean_the_same_day(string left, string right, bool expected)
    {
        var a = PartialDate.Parse(left);
        var b = PartialDate.Parse(right);

        Assert.Equal(expected, a.IsCompatibleWith(b));
        Assert.Equal(expected, b.IsCompatibleWith(a));
    }

    [Fact]
    public void From_date_is_known_to_the_day()
    {
        var date = PartialDate.FromDate(new DateOnly(1968, 10, 2));

        Assert.Equal(DatePrecision.Day, date.Precision);
        Assert.Equal("1968-10-02", date.ToString());
    }

    [Fact]
    public void Dates_of_different_precision_are_not_equal()
    {
        Assert.NotEqual(PartialDate.Parse("1968-10"), PartialDate.Parse("1968-10-01"));
        Assert.Equal(PartialDate.Parse("1968-10"), PartialDate.Create(1968, 10));
    }

    [Theory]
    [InlineData(999, null, null)]
    [InlineData(1968, 13, null)]
    [InlineData(1968, null, 2)]
    [InlineData(1954, 2, 29)]
    public void Create_refuses_parts_that_are_not_a_calendar_date(int year, int? month, int? day)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PartialDate.Create(year, month, day));
    }

    [Fact]
    public void To_string_pads_month_and_day_regardless_of_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("ar-SA");

            Assert.Equal("1968-01-02", PartialDate.Create(1968, 1, 2).ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
