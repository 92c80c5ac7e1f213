using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PrisonerReleaseTracker.Domain.Audit;

/// <summary>What happened to a record.</summary>
public enum AuditAction { Create, Update, Delete, Read, Import }

/// <summary>One change, or one read of sensitive data, as it enters the log: no values, only field names.</summary>
public sealed record AuditEvent(AuditAction Action, string EntityType, Guid EntityId, IReadOnlyList<string> Fields);

/// <summary>
/// One entry of the tamper-evident audit log. Each entry's hash covers the previous entry's hash and a
/// canonical form of its own fields, so editing or removing any entry breaks every hash after it.
/// It holds field names, never values: the log carries no personal data.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>The hash the first entry chains from.</summary>
    public static readonly string GenesisHash = new('0', 64);

    private AuditEntry() { Organization = null!; EntityType = null!; PreviousHash = null!; Hash = null!; }

    /// <summary>Its place in the chain: the previous entry's plus one, with no gaps.</summary>
    public long Sequence { get; private set; }
    /// <summary>When it was written (server time, in UTC, to the microsecond PostgreSQL keeps).</summary>
    public DateTimeOffset At { get; private set; }
    /// <summary>The key behind it; null for the system (start-up seeding).</summary>
    public Guid? KeyId { get; private set; }
    /// <summary>The acting key's organization (<c>system</c> for the system).</summary>
    public string Organization { get; private set; }
    public AuditAction Action { get; private set; }
    /// <summary>What it is about: a record's type name (<c>Detainee</c>), an import or an export.</summary>
    public string EntityType { get; private set; }
    public Guid EntityId { get; private set; }
    /// <summary>The names of the fields written or read, each once, in ordinal order; never their values.</summary>
    public List<string> Fields { get; private set; } = [];
    /// <summary>The previous entry's <see cref="Hash"/>; <see cref="GenesisHash"/> for the first.</summary>
    public string PreviousHash { get; private set; }
    /// <summary>Lower-case hexadecimal SHA-256 over <see cref="PreviousHash"/> and this entry's fields (<see cref="ComputeHash()"/>).</summary>
    public string Hash { get; private set; }

    /// <summary>Appends <paramref name="change"/> after the entry with <paramref name="previousSequence"/> and <paramref name="previousHash"/>.</summary>
    public static AuditEntry Chain(long previousSequence, string previousHash, AuditEvent change, Guid? keyId, string organization, DateTimeOffset now)
    {
        var entry = new AuditEntry
        {
            Sequence = previousSequence + 1,
            At = new DateTimeOffset(now.UtcTicks / 10 * 10, TimeSpan.Zero), // microseconds: what PostgreSQL keeps
            KeyId = keyId,
            Organization = organization,
            Action = change.Action,
            EntityType = change.EntityType,
            EntityId = change.EntityId,
            Fields = [.. change.Fields.Distinct().Order(StringComparer.Ordinal)],
            PreviousHash = previousHash,
        };
        entry.Hash = entry.ComputeHash();
        return entry;
    }

    /// <summary>The hash this entry must have given its fields and its predecessor's hash.</summary>
    public string ComputeHash() => ComputeHash(Sequence, At, KeyId, Organization, Action.ToString(), EntityType, EntityId, Fields, PreviousHash);

    /// <summary>SHA-256 over the previous hash and a canonical, unambiguous form of the entry.</summary>
    public static string ComputeHash(long sequence, DateTimeOffset at, Guid? keyId, string organization, string action, string entityType,
        Guid entityId, IEnumerable<string> fields, string previousHash)
    {
        var canonical = string.Join('\n',
            previousHash,
            sequence.ToString(CultureInfo.InvariantCulture),
            at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            keyId?.ToString("D") ?? "-",
            Escape(organization),
            action,
            entityType,
            entityId.ToString("D"),
            string.Join(',', fields.Select(Escape)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal);
}
