using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrisonerReleaseTracker.Domain;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785): one byte sequence for one JSON value, whatever wrote it, so that a
/// digest of a published figure can be checked by anyone with any JSON library. Object members are sorted by their
/// names' UTF-16 code units, there is no whitespace, strings are escaped only where JSON requires it (as ECMAScript's
/// <c>JSON.stringify</c> does) and numbers are written as ECMAScript writes them. The documents this project
/// canonicalizes hold integers only; a number that is not an integer in the I-JSON safe range is refused.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The largest integer an IEEE 754 double (and so every JSON reader) holds exactly.</summary>
    private const long MaxSafeInteger = 9_007_199_254_740_991;

    /// <summary>The canonical UTF-8 bytes of <paramref name="value"/>.</summary>
    public static byte[] Serialize(JsonNode? value) => Encoding.UTF8.GetBytes(ToText(value));

    /// <summary>The canonical text of <paramref name="value"/>.</summary>
    public static string ToText(JsonNode? value)
    {
        var text = new StringBuilder();
        Write(text, value);
        return text.ToString();
    }

    /// <summary>The lower-case hexadecimal SHA-256 of the canonical bytes of <paramref name="value"/>.</summary>
    public static string Sha256(JsonNode? value) => Convert.ToHexStringLower(SHA256.HashData(Serialize(value)));

    private static void Write(StringBuilder text, JsonNode? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject members:
                text.Append('{');
                var first = true;
                foreach (var (name, member) in members.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    text.Append(first ? "" : ",");
                    first = false;
                    WriteString(text, name);
                    text.Append(':');
                    Write(text, member);
                }

                text.Append('}');
                break;
            case JsonArray items:
                text.Append('[');
                for (var i = 0; i < items.Count; i++)
                {
                    text.Append(i == 0 ? "" : ",");
                    Write(text, items[i]);
                }

                text.Append(']');
                break;
            default:
                WriteValue(text, value.AsValue());
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(text, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            case JsonValueKind.Number:
                text.Append(Integer(value).ToString(CultureInfo.InvariantCulture));
                break;
            default:
                throw new NotSupportedException($"A JSON value of kind {value.GetValueKind()} has no canonical form here.");
        }
    }

    /// <summary>An integer as ECMAScript writes it: its digits, a minus sign when negative, never <c>-0</c> or an exponent.</summary>
    private static long Integer(JsonValue value)
    {
        var number = value.TryGetValue<long>(out var whole) ? (decimal)whole
            : value.TryGetValue<decimal>(out var exact) ? exact
            : value.TryGetValue<double>(out var approximate) && double.IsFinite(approximate) ? (decimal)approximate
            : throw new NotSupportedException("Not a finite number.");
        if (number != decimal.Truncate(number) || Math.Abs(number) > MaxSafeInteger)
        {
            throw new NotSupportedException($"Only integers up to {MaxSafeInteger} in magnitude are written canonically here, not {number}.");
        }

        return (long)number;
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\t': text.Append("\\t"); break;
                case '\n': text.Append("\\n"); break;
                case '\f': text.Append("\\f"); break;
                case '\r': text.Append("\\r"); break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])))
                    {
                        throw new NotSupportedException("A string with a lone surrogate has no canonical form (I-JSON).");
                    }

                    text.Append(c);
                    if (char.IsHighSurrogate(c))
                    {
                        text.Append(value[++i]);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
