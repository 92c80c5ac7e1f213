using System.Globalization;

namespace PrisonerReleaseTracker.Domain;

/// <summary>How much of a <see cref="PartialDate"/> is known.</summary>
public enum DatePrecision
{
    Year,
    Month,
    Day,
}

/// <summary>
/// A calendar date known to the year, the month or the day: <c>1968</c>, <c>1968-10</c> or <c>1968-10-02</c>.
/// Sources often give only a year of birth or a month of arrest; inventing the rest would turn a guess into a fact.
/// <see cref="ToString"/> and <see cref="Parse"/> round-trip, so the text form is also the stored form.
/// </summary>
public readonly record struct PartialDate
{
    /// <summary>Longest text form, <c>YYYY-MM-DD</c>.</summary>
    public const int MaxLength = 10;

    private const string ExpectedFormat = "Expected a date as YYYY, YYYY-MM or YYYY-MM-DD.";

    private PartialDate(int year, int? month, int? day)
    {
        Year = year;
        Month = month;
        Day = day;
    }

    public int Year { get; }

    public int? Month { get; }

    public int? Day { get; }

    public DatePrecision Precision => Day.HasValue ? DatePrecision.Day
        : Month.HasValue ? DatePrecision.Month
        : DatePrecision.Year;

    /// <summary>The first day this date may mean.</summary>
    public DateOnly EarliestDay => new(Year, Month ?? 1, Day ?? 1);

    /// <summary>The last day this date may mean.</summary>
    public DateOnly LatestDay => Precision switch
    {
        DatePrecision.Day => new DateOnly(Year, Month!.Value, Day!.Value),
        DatePrecision.Month => new DateOnly(Year, Month!.Value, DateTime.DaysInMonth(Year, Month.Value)),
        _ => new DateOnly(Year, 12, 31),
    };

    /// <summary>A date known to the day.</summary>
    public static PartialDate FromDate(DateOnly date) => new(date.Year, date.Month, date.Day);

    /// <summary>
    /// Builds a date from its parts; a day needs a month.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The parts do not form a real calendar date.</exception>
    public static PartialDate Create(int year, int? month = null, int? day = null)
    {
        return TryCreate(year, month, day, out var date, out var error)
            ? date
            : throw new ArgumentOutOfRangeException(nameof(year), error);
    }

    /// <summary>Reads <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>; surrounding whitespace is ignored.</summary>
    /// <exception cref="FormatException">The text is not such a date.</exception>
    public static PartialDate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var date, out var error) ? date : throw new FormatException(error);
    }

    /// <summary>
    /// Reads <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c> with a year from 1900 to 2100 (<see cref="SupportedDates"/>) and a real calendar
    /// day; surrounding whitespace is ignored. On failure <paramref name="error"/> says why, for the client.
    /// </summary>
    public static bool TryParse(string? text, out PartialDate date, out string? error)
    {
        date = default;
        var span = text.AsSpan().Trim();

        // Lengths 4, 7 and 10 with dashes in fixed places rule out "1968-1-2", "19812" and inner spaces.
        if (span.Length is not (4 or 7 or 10)
            || (span.Length >= 7 && span[4] != '-')
            || (span.Length == 10 && span[7] != '-'))
        {
            error = ExpectedFormat;
            return false;
        }

        var month = 0;
        var day = 0;
        if (!TryReadDigits(span[..4], out var year)
            || (span.Length >= 7 && !TryReadDigits(span.Slice(5, 2), out month))
            || (span.Length == 10 && !TryReadDigits(span.Slice(8, 2), out day)))
        {
            error = ExpectedFormat;
            return false;
        }

        return TryCreate(year, span.Length >= 7 ? month : null, span.Length == 10 ? day : null, out date, out error);
    }

    /// <summary>True when even the earliest day this date may mean comes after <paramref name="day"/>.</summary>
    public bool IsAfter(DateOnly day) => EarliestDay > day;

    /// <summary>True when both dates could mean the same day, e.g. <c>1968</c> and <c>1968-10-02</c>.</summary>
    public bool IsCompatibleWith(PartialDate other) => EarliestDay <= other.LatestDay && other.EarliestDay <= LatestDay;

    /// <summary><c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>, as precise as the date is known.</summary>
    public override string ToString() => Precision switch
    {
        DatePrecision.Day => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{Day:D2}"),
        DatePrecision.Month => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}"),
        _ => Year.ToString("D4", CultureInfo.InvariantCulture),
    };

    private static bool TryCreate(int year, int? month, int? day, out PartialDate date, out string? error)
    {
        error = Validate(year, month, day);
        date = error is null ? new PartialDate(year, month, day) : default;
        return error is null;
    }

    private static string? Validate(int year, int? month, int? day)
    {
        if (year is < SupportedDates.FirstYear or > SupportedDates.LastYear)
        {
            return $"The year must be from {SupportedDates.FirstYear} to {SupportedDates.LastYear}.";
        }

        if (month is null)
        {
            return day is null ? null : "A day needs a month.";
        }

        if (month is < 1 or > 12)
        {
            return "The month must be from 01 to 12.";
        }

        var daysInMonth = DateTime.DaysInMonth(year, month.Value);
        if (day is not null && (day < 1 || day > daysInMonth))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2} has no day {day:D2}.");
        }

        return null;
    }

    private static bool TryReadDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            // char.IsDigit would also accept Arabic-Indic and other non-ASCII digits.
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
