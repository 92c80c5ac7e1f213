namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>Partial dates travel as <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>.</summary>
public sealed class PartialDateJsonConverter : JsonConverter<PartialDate>
{
    public override PartialDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Exactly as written: the domain's parser forgives surrounding spaces (import cells), the contract does not.
        if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { } text || text.Trim().Length != text.Length
            || !PartialDate.TryParse(text, out var date, out _))
        {
            throw new JsonException("A partial date is YYYY, YYYY-MM or YYYY-MM-DD and names a real day.");
        }

        return date;
    }

    public override void Write(Utf8JsonWriter writer, PartialDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
