using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace PrisonerReleaseTracker.Domain;

/// <summary>
/// Key material for API keys: <c>prt_</c> followed by 43 URL-safe base64 characters (32 random bytes).
/// Only <see cref="PrefixOf"/> (to find the row) and <see cref="Hash"/> (to check it) are stored.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>Marks a string as one of our keys, so a leaked key is recognizable in logs and scanners.</summary>
    public const string Marker = "prt_";

    /// <summary>Length of a whole key.</summary>
    public const int Length = 47;

    /// <summary>Length of the stored lookup prefix: the marker and 8 random characters.</summary>
    public const int PrefixLength = 12;

    /// <summary>Length of the stored hash: SHA-256 in hexadecimal.</summary>
    public const int HashLength = 64;

    private const int RandomBytes = 32;

    private static readonly SearchValues<char> UrlSafeBase64 =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>A new key from a cryptographic random number generator.</summary>
    public static string Generate() => Marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>The first <see cref="PrefixLength"/> characters of the key, the column a key is looked up by.</summary>
    /// <exception cref="ArgumentException">The key is shorter than the prefix; check <see cref="LooksValid"/> first.</exception>
    public static string PrefixOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length >= PrefixLength
            ? key[..PrefixLength]
            : throw new ArgumentException($"A key has at least {PrefixLength} characters.", nameof(key));
    }

    /// <summary>Lower-case hexadecimal SHA-256 of the key's UTF-8 bytes.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>True when <paramref name="key"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public static bool Matches(string key, string storedHash)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(storedHash);

        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        if (storedHash.Length != HashLength
            || Convert.FromHexString(storedHash, stored, out _, out _) != OperationStatus.Done)
        {
            return false;
        }

        // A plain comparison would stop at the first differing byte and leak how much of the hash matched.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), stored);
    }

    /// <summary>
    /// True when the text has the shape of a key: the marker, then 43 URL-safe base64 characters.
    /// Anything else is refused without asking the database.
    /// </summary>
    public static bool LooksValid(string? key) =>
        key is { Length: Length }
        && key.StartsWith(Marker, StringComparison.Ordinal)
        && !key.AsSpan(Marker.Length).ContainsAnyExcept(UrlSafeBase64);
}
