using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>Partial dates travel as <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>.</summary>
public sealed class PartialDateJsonConverter : JsonConverter<PartialDate>
{
    public override PartialDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !PartialDate.TryParse(reader.GetString(), out var date, out var error))
        {
            throw new JsonException("A partial date is YYYY, YYYY-MM or YYYY-MM-DD and names a real day.");
        }

        _ = error;
        return date;
    }

    public override void Write(Utf8JsonWriter writer, PartialDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
