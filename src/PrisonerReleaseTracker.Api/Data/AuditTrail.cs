using Microsoft.EntityFrameworkCore.ChangeTracking;
using PrisonerReleaseTracker.Api.Features.Changes;
using PrisonerReleaseTracker.Api.Features.Imports;
using PrisonerReleaseTracker.Api.Features.Webhooks;
using PrisonerReleaseTracker.Domain.Audit;
using PrisonerReleaseTracker.Domain.Changes;
using PrisonerReleaseTracker.Domain.Webhooks;

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
/// <remarks>
/// The same append writes the change feed and the webhook outbox. The lock is held until the transaction ends and is
/// released only after its commit is visible, so sequences are taken in commit order: a reader that has seen
/// sequence N can never later find a committed change below N. The feed and its cursor rely on that.
/// </remarks>
public static class AuditTrail
{
    /// <summary>The advisory lock every append takes; an arbitrary constant of this application.</summary>
    private const long ChainLock = 0x5052_5441_5544_4954; // "PRTAUDIT"

    /// <summary>
    /// Rows the audit log does not describe: its own, the feed's and the outbox's bookkeeping, an import's kept answer,
    /// and the key ring.
    /// </summary>
    private static readonly HashSet<Type> Unaudited =
    [
        typeof(AuditEntry), typeof(RecordChange), typeof(WebhookDelivery), typeof(IdempotencyRecord),
        typeof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey),
    ];

    /// <summary>What the tracked changes do, per record: owned rows count as fields of their owner.</summary>
    public static List<AuditEvent> Collect(ChangeTracker tracker)
    {
        var events = new Dictionary<(string Type, Guid Id), (AuditAction Action, HashSet<string> Fields)>();
        foreach (var entry in tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            if (Unaudited.Contains(entry.Metadata.ClrType))
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

    /// <summary>
    /// Adds one chained entry per event to <paramref name="db"/>, and one feed item per change (with its webhook
    /// deliveries); call inside the transaction that saves them. A change takes the sequence of the audit entry of its
    /// record in this transaction (or, failing that, of the entry it was described from).
    /// </summary>
    public static async Task AppendAsync(AppDbContext db, IReadOnlyList<AuditEvent> events, IReadOnlyList<PendingChange> changes, IAuditActor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        // The lock first, in its own statement: the head is read by the next statement, whose snapshot is taken after
        // the lock is held (in READ COMMITTED, a statement's snapshot is taken when it starts).
        var transactionId = await db.Database
            .SqlQueryRaw<long>(AuditSql.LockChain, new Npgsql.NpgsqlParameter("chain", ChainLock))
            .SingleAsync(ct);
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var (sequence, hash) = head is null ? (0L, AuditEntry.GenesisHash) : (head.Sequence, head.Hash);
        var written = new Dictionary<(string, Guid), long>();
        foreach (var change in events)
        {
            var entry = AuditEntry.Chain(sequence, hash, change, actor.KeyId, actor.Organization, now);
            db.AuditEntries.Add(entry);
            (sequence, hash) = (entry.Sequence, entry.Hash);
            if (change.Action != AuditAction.Read)
            {
                written.TryAdd((change.EntityType, change.EntityId), entry.Sequence);
            }
        }

        if (changes.Count == 0)
        {
            return;
        }

        // Rows written by this transaction carry its id (the low 32 bits) as their xmin, which is what ETags are made of.
        var version = transactionId & uint.MaxValue;
        var recorded = changes.Select(change =>
        {
            var draft = change.Draft;
            var place = written.TryGetValue((draft.EntityType.ToString(), draft.EntityId), out var own) ? own
                : written.TryGetValue((change.AuditEntityType, change.AuditEntityId), out var source) ? source
                : throw new InvalidOperationException($"No audit entry for the change of {draft.EntityType} {draft.EntityId}.");
            return RecordChange.Record(place, draft, version, now);
        }).ToList();
        db.RecordChanges.AddRange(recorded);
        await WebhookOutbox.EnqueueAsync(db, recorded, now, ct);
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
    /// <summary>
    /// Held until the transaction ends: one writer extends the chain at a time. Answers the transaction's id, whose low
    /// 32 bits are the xmin of the rows it writes (what ETags are made of).
    /// </summary>
    public const string LockChain = """SELECT pg_current_xact_id()::text::bigint AS "Value" FROM pg_advisory_xact_lock(@chain)""";
}
