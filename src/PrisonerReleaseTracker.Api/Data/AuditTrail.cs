using Microsoft.EntityFrameworkCore.ChangeTracking;
using PrisonerReleaseTracker.Api.Features.Imports;
using PrisonerReleaseTracker.Domain.Audit;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>Who the audit log names for the current unit of work.</summary>
public interface IAuditActor
{
    Guid? KeyId { get; }
    string Organization { get; }
}

/// <summary>
/// Turns tracked changes into audit events and appends them to the hash chain. The chain is extended
/// under a transaction-scoped advisory lock, so two writers never chain from the same head (no forks).
/// </summary>
public static class AuditTrail
{
    /// <summary>The advisory lock every append takes; an arbitrary constant of this application.</summary>
    private const long ChainLock = 0x5052_5441_5544_4954; // "PRTAUDIT"

    /// <summary>What the tracked changes do, per record: owned rows count as fields of their owner.</summary>
    public static List<AuditEvent> Collect(ChangeTracker tracker)
    {
        var events = new Dictionary<(string Type, Guid Id), (AuditAction Action, HashSet<string> Fields)>();
        foreach (var entry in tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            // The log itself, and an import's kept answer, are not part of the record.
            if (entry.Entity is AuditEntry or IdempotencyRecord)
            {
                continue;
            }

            var (type, id, fields) = entry.Metadata.IsOwned() ? OwnedChange(entry) : (entry.Metadata.ClrType.Name, (Guid)entry.Property("Id").CurrentValue!, ChangedFields(entry));
            var action = entry.Metadata.IsOwned() ? AuditAction.Update : entry.State switch
            {
                EntityState.Added => AuditAction.Create,
                EntityState.Deleted => AuditAction.Delete,
                _ => AuditAction.Update,
            };
            if (events.TryGetValue((type, id), out var known))
            {
                known.Fields.UnionWith(fields);
                events[(type, id)] = (known.Action == AuditAction.Create || action == AuditAction.Create ? AuditAction.Create : known.Action, known.Fields);
            }
            else
            {
                events[(type, id)] = (action, [.. fields]);
            }
        }

        return [.. events.Select(e => new AuditEvent(e.Value.Action, e.Key.Type, e.Key.Id, [.. e.Value.Fields]))];
    }

    /// <summary>Adds one chained entry per event to <paramref name="db"/>; call inside the transaction that saves them.</summary>
    public static async Task AppendAsync(AppDbContext db, IReadOnlyList<AuditEvent> events, IAuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync(AuditSql.LockChain, [new Npgsql.NpgsqlParameter("chain", ChainLock)], ct);
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var (sequence, hash) = head is null ? (0L, AuditEntry.GenesisHash) : (head.Sequence, head.Hash);
        foreach (var change in events)
        {
            var entry = AuditEntry.Chain(sequence, hash, change, actor.KeyId, actor.Organization, now);
            db.AuditEntries.Add(entry);
            (sequence, hash) = (entry.Sequence, entry.Hash);
        }
    }

    private static (string Type, Guid Id, IEnumerable<string> Fields) OwnedChange(EntityEntry entry)
    {
        var ownership = entry.Metadata.FindOwnership()!;
        var ownerId = (Guid)entry.Property(ownership.Properties[0].Name).CurrentValue!;
        return (ownership.PrincipalEntityType.ClrType.Name, ownerId, [CamelCase(ownership.PrincipalToDependent!.Name)]);
    }

    private static IEnumerable<string> ChangedFields(EntityEntry entry)
    {
        var properties = entry.Properties
            .Where(p => !p.Metadata.IsPrimaryKey() && !p.Metadata.IsShadowProperty() && p.Metadata.ValueGenerated == Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never)
            .Where(p => entry.State == EntityState.Added ? p.CurrentValue is not null : p.IsModified)
            .Select(p => p.Metadata.Name);
        var complex = entry.ComplexProperties
            .Where(c => entry.State == EntityState.Added || c.Properties.Any(p => p.IsModified))
            .Select(c => c.Metadata.Name);
        return properties.Concat(complex).Select(CamelCase);
    }

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>The SQL of the audit chain.</summary>
internal static class AuditSql
{
    /// <summary>Held until the transaction ends: one writer extends the chain at a time.</summary>
    public const string LockChain = "SELECT pg_advisory_xact_lock(@chain)";
}
