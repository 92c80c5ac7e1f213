using System.Text.RegularExpressions;

namespace PrisonerReleaseTracker.Api.Infrastructure.Json;

/// <summary>
/// Instants as RFC 3339 date-times with their offset (<c>2026-01-25T10:30:00-04:00</c>, or <c>Z</c>). An instant
/// without an offset names no moment (whose 10:30?), so it is refused rather than read in the server's zone.
/// </summary>
public sealed partial class Rfc3339Converter : JsonConverter<DateTimeOffset>
{
    public const string Expectation = "Must be an RFC 3339 instant with its offset, such as 2026-01-25T10:30:00-04:00 or 2026-01-25T14:30:00Z, dated " + SupportedDates.Range + ".";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && TryParse(reader.GetString(), out var value) ? value : throw new JsonException(Expectation);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null && Shape().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value)
            && SupportedDates.Contains(value);
    }

    // ASCII digits only, and \z: "$" would also match before a final line break, which the parse below would then skip.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex Shape();
}
