using Microsoft.AspNetCore.DataProtection;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// Signing secrets are stored encrypted with ASP.NET Core Data Protection, whose key ring lives in PostgreSQL
/// (<c>data_protection_keys</c>), so every instance can decrypt them and sign.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private const string Purpose = "PrisonerReleaseTracker.Webhooks.SigningSecret.v1";
    private const long KeyRingLock = 0x5052_544B_4559_5247; // "PRTKEYRG"

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The key bytes of each protected secret.</summary>
    public IReadOnlyList<byte[]> Keys(IEnumerable<string> protectedSecrets) => [.. protectedSecrets.Select(p => WebhookSecret.KeyOf(_protector.Unprotect(p)))];

    /// <summary>
    /// Makes sure the key ring has a key before serving. Instances starting together take turns under an advisory lock,
    /// so the first creates the key and the others read it, instead of each creating its own.
    /// </summary>
    public static async Task EnsureKeyRingAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(WebhookSql.LockKeyRing, [new Npgsql.NpgsqlParameter("key_ring", KeyRingLock)], ct);
        services.GetRequiredService<WebhookSecrets>().Protect("key ring check");
        await transaction.CommitAsync(ct);
    }
}
