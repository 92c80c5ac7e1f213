using System.Globalization;
using System.Text.Json;
using PrisonerReleaseTracker.Api.Infrastructure.Json;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The answers' own JSON converters, on their own (no API, no database).</summary>
public sealed class JsonConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new CalendarDateConverter() } };

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(999, 12, 31)]
    [InlineData(1900, 1, 1)]
    [InlineData(2026, 1, 8)]
    [InlineData(2100, 12, 31)]
    [InlineData(9999, 12, 31)]
    public void A_date_is_written_as_YYYY_MM_DD_whatever_the_culture(int year, int month, int day)
    {
        var date = new DateOnly(year, month, day);
        var culture = CultureInfo.CurrentCulture;
        try
        {
            // A culture with other digits and another calendar must not reach the contract's dates.
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("ar-SA");
            Assert.Equal($"\"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}\"", JsonSerializer.Serialize(date, Options));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
