namespace PrisonerReleaseTracker.Api.Infrastructure.Json;

/// <summary>
/// Calendar dates as <c>YYYY-MM-DD</c> and nothing else (no time, no offset, no other shape), within the calendar the
/// record holds (<see cref="SupportedDates"/>): in JSON bodies, in query strings (<see cref="StrictQueryBinderProvider"/>)
/// and as the date form of <c>asOf</c>.
/// </summary>
public sealed class CalendarDateConverter : JsonConverter<DateOnly>
{
    public const string Expectation = "Must be a date as YYYY-MM-DD, " + SupportedDates.Range + ".";

    public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && TryParse(reader.GetString(), out var day) ? day : throw new JsonException(Expectation);

    /// <summary>
    /// Writes YYYY-MM-DD (the round-trip format "O" of a date, whatever the culture) as UTF-8 straight into the writer: an
    /// answer holds hundreds of dates, and a custom format string and a string per date were a measurable share of it.
    /// </summary>
    public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options)
    {
        Span<byte> utf8 = stackalloc byte[10]; // every DateOnly (years 1 to 9999) is ten bytes in this format
        if (!value.TryFormat(utf8, out var written, "O", CultureInfo.InvariantCulture))
        {
            throw new System.Diagnostics.UnreachableException($"A date did not fit YYYY-MM-DD: {value:O}");
        }

        writer.WriteStringValue(utf8[..written]);
    }

    public static bool TryParse(string? text, out DateOnly day)
    {
        day = default;
        return text is { Length: 10 }
            && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)
            && SupportedDates.Contains(day);
    }
}
