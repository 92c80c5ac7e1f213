using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PrisonerReleaseTracker.Domain.Tallies;

/// <summary>
/// The canonical forms a tally's digests are taken over, version <see cref="Version"/>. Both digests are SHA-256 over
/// RFC 8785 canonical JSON (<see cref="CanonicalJson"/>), so that a later change of the API's answers never changes a
/// published digest, and anyone can check one with any JSON library:
/// <list type="bullet">
/// <item>the answer digest is the hash of the answer document (which names its format);</item>
/// <item>each input row is hashed alone, and the inputs digest is the hash of the array of the row hashes (lower-case
/// hexadecimal strings) in the manifest's order: a row can later be withheld, its hash kept, without breaking the check.</item>
/// </list>
/// A row is the same shape for every person: <c>token</c> (an HMAC of the release id under a key of the tally's own,
/// opaque outside it), <c>releasedOn</c>, <c>status</c>, and the field the breakdown uses, if any; rows are ordered by token.
/// </summary>
public static class TallyFormat
{
    public const int Version = 1;

    /// <summary>The name the answer document gives its format.</summary>
    public const string AnswerFormat = "prt-tally-answer/1";

    /// <summary>Bytes of a new per-tally key.</summary>
    public const int KeyBytes = 32;

    /// <summary>Hexadecimal characters of a token: 128 bits.</summary>
    public const int TokenLength = 32;

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    /// <summary>The release's token in the tally keyed by <paramref name="key"/>.</summary>
    public static string Token(byte[] key, Guid releaseId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(releaseId.ToString("D"))))[..TokenLength];

    /// <summary>One input row; <paramref name="groupField"/> is the breakdown's name and the release's value for it (a string, or a list).</summary>
    public static JsonObject Row(string token, DateOnly releasedOn, string status, (string Name, JsonNode? Value)? groupField)
    {
        var row = new JsonObject
        {
            ["token"] = token,
            ["releasedOn"] = releasedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["status"] = status,
        };
        if (groupField is { } field)
        {
            row[field.Name] = field.Value;
        }

        return row;
    }

    /// <summary>The hash of one row.</summary>
    public static string RowHash(JsonObject row) => CanonicalJson.Sha256(row);

    /// <summary>The digest of the inputs: the hash of the array of their row hashes, in order.</summary>
    public static string InputsDigest(IEnumerable<string> rowHashes) =>
        CanonicalJson.Sha256(new JsonArray([.. rowHashes.Select(hash => (JsonNode)JsonValue.Create(hash))]));

    /// <summary>An instant as the documents write it: UTC, to the microsecond (what PostgreSQL keeps).</summary>
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A day as the documents write it.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
