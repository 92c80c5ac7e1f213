namespace PrisonerReleaseTracker.Domain.Access;

/// <summary>A caller's key. Only its hash and a short prefix are kept; the key itself is shown once.</summary>
public sealed class ApiKey
{
    private ApiKey() { Name = null!; Organization = null!; Prefix = null!; Hash = null!; }

    public Guid Id { get; private set; }
    /// <summary>A label of the issuer's choice, to tell keys apart; it grants nothing.</summary>
    public string Name { get; private set; }
    /// <summary>The organization the key acts for: the records it writes are that organization's.</summary>
    public string Organization { get; private set; }
    /// <summary>What the key may do; fixed at issue.</summary>
    public Role Role { get; private set; }
    /// <summary>The key's first <see cref="ApiKeySecret.PrefixLength"/> characters: how a presented key is looked up, and how people tell keys apart.</summary>
    public string Prefix { get; private set; }
    /// <summary>Lower-case hexadecimal SHA-256 of the whole key: what a presented key is checked against.</summary>
    public string Hash { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>When the key was revoked, once and for good; null while it works.</summary>
    public DateTimeOffset? RevokedAt { get; private set; }
    public bool IsActive => RevokedAt is null;

    /// <summary>Stores a key the caller already holds (the bootstrap key from configuration).</summary>
    public static ApiKey FromSecret(string secret, string name, string organization, Role role, DateTimeOffset now)
    {
        if (!ApiKeySecret.LooksValid(secret))
        {
            throw new DomainRuleException("An API key must have the documented format",
                "Keys start with 'prt_' followed by 43 URL-safe base64 characters.");
        }

        return new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Organization = organization,
            Role = role,
            Prefix = ApiKeySecret.PrefixOf(secret),
            Hash = ApiKeySecret.Hash(secret),
            CreatedAt = now,
        };
    }

    /// <summary>Makes a new key; <paramref name="secret"/> is the only copy of it.</summary>
    public static ApiKey Issue(string name, string organization, Role role, DateTimeOffset now, out string secret)
    {
        secret = ApiKeySecret.Generate();
        return FromSecret(secret, name, organization, role, now);
    }

    public void Revoke(DateTimeOffset now)
    {
        if (RevokedAt is not null)
        {
            throw new DomainRuleException("A revoked key cannot be revoked again", "The key is already revoked.");
        }

        RevokedAt = now;
    }
}
