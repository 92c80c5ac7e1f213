namespace PrisonerReleaseTracker.Domain;

/// <summary>
/// The calendar the record holds: every date it reads, in bodies, query strings and imports, lies from 1900-01-01 to
/// 2100-12-31 (an instant by the date it is written with). Outside it there is no detention or release to record, and
/// a date such as 0001-01-01 or 9999-12-31 is a client's mistake or a probe, whose arithmetic would overflow.
/// </summary>
public static class SupportedDates
{
    public const int FirstYear = 1900;
    public const int LastYear = 2100;

    /// <summary>The range in words, for messages and the OpenAPI document.</summary>
    public const string Range = "from 1900-01-01 to 2100-12-31";

    /// <summary>"Must be a date from 1900-01-01 to 2100-12-31."</summary>
    public const string OutOfRange = "Must be a date " + Range + ".";

    /// <summary>The start of a pattern for a date that begins with a year in range (<c>YYYY</c>), for the document.</summary>
    public const string YearPattern = "^(19[0-9]{2}|20[0-9]{2}|2100)";

    public static readonly DateOnly First = new(FirstYear, 1, 1);
    public static readonly DateOnly Last = new(LastYear, 12, 31);

    public static bool Contains(DateOnly day) => day >= First && day <= Last;

    /// <summary>An instant is in range when the date it is written with is (its own offset's calendar day).</summary>
    public static bool Contains(DateTimeOffset instant) => Contains(DateOnly.FromDateTime(instant.DateTime));
}
