using Microsoft.EntityFrameworkCore.ChangeTracking;
using PrisonerReleaseTracker.Api.Features.Changes;
using PrisonerReleaseTracker.Api.Features.Imports;
using PrisonerReleaseTracker.Api.Features.Webhooks;

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
    /// the key ring, and a tally's input rows (its publication is the tally's entry).
    /// </summary>
    private static readonly HashSet<Type> Unaudited =
    [
        typeof(AuditEntry), typeof(RecordChange), typeof(WebhookDelivery), typeof(IdempotencyRecord), typeof(Domain.Tallies.TallyInput),
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
    /// record in this transaction (or, failing that, of the entry it was described from). Returns the transaction's
    /// recorded moment (<see cref="RecordedMoment"/>), which the entries and the feed items carry.
    /// </summary>
    public static async Task<DateTimeOffset> AppendAsync(AppDbContext db, IReadOnlyList<AuditEvent> events, IReadOnlyList<PendingChange> changes,
        IAuditActor actor, TimeProvider clock, CancellationToken ct)
    {
        var head = await LockAsync(db, clock, ct);
        var (sequence, hash) = head.Sequence is { } last ? (last, head.Hash!) : (0L, AuditEntry.GenesisHash);
        var written = new Dictionary<(string, Guid), long>();
        foreach (var change in events)
        {
            var entry = AuditEntry.Chain(sequence, hash, change, actor.KeyId, actor.Organization, head.Recorded);
            db.AuditEntries.Add(entry);
            (sequence, hash) = (entry.Sequence, entry.Hash);
            if (change.Action != AuditAction.Read)
            {
                written.TryAdd((change.EntityType, change.EntityId), entry.Sequence);
            }
        }

        if (changes.Count == 0)
        {
            return head.Recorded;
        }

        // Rows written by this transaction carry its id (the low 32 bits) as their xmin, which is what ETags are made of.
        var version = head.TransactionId & uint.MaxValue;
        var recorded = changes.Select(change =>
        {
            var draft = change.Draft;
            var place = written.TryGetValue((draft.EntityType.ToString(), draft.EntityId), out var own) ? own
                : written.TryGetValue((change.AuditEntityType, change.AuditEntityId), out var source) ? source
                : throw new InvalidOperationException($"No audit entry for the change of {draft.EntityType} {draft.EntityId}.");
            return RecordChange.Record(place, draft, version, head.Recorded);
        }).ToList();
        db.RecordChanges.AddRange(recorded);
        await WebhookOutbox.EnqueueAsync(db, recorded, head.Recorded, ct);
        return head.Recorded;
    }

    /// <summary>
    /// Takes the chain's lock for the rest of the transaction (again, if it holds it already) and returns the chain's
    /// head and the transaction's recorded moment, fixed by the first call (see <see cref="RecordedMoment"/>).
    /// </summary>
    public static async Task<ChainHead> LockAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync(AuditSql.LockChain, [new Npgsql.NpgsqlParameter("chain", ChainLock)], ct);
        // Read after the lock is held, in a statement of its own: in READ COMMITTED a statement's snapshot is taken when
        // it starts, so it sees every write that held the lock before.
        return await db.Database.SqlQueryRaw<ChainHead>(AuditSql.HeadAndMoment, new Npgsql.NpgsqlParameter("clock", clock.GetUtcNow()))
            .SingleAsync(ct);
    }

    /// <summary>
    /// Waits until no writer holds the chain's lock: every write recorded at a moment before this call has committed
    /// once it returns, and every write after it is recorded later. An answer known at a recent moment waits so.
    /// </summary>
    public static Task WaitForWritesInFlightAsync(AppDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(AuditSql.WaitForChain, [new Npgsql.NpgsqlParameter("chain", ChainLock)], ct);

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

/// <summary>The last entry of the chain (none in an empty log) and the recorded moment of the transaction that holds the lock.</summary>
/// <param name="Sequence">The last entry's sequence.</param>
/// <param name="Hash">The last entry's hash.</param>
/// <param name="Recorded">The moment the transaction's writes are recorded at.</param>
/// <param name="TransactionId">The transaction's id, whose low 32 bits are the xmin of the rows it writes (what ETags are made of).</param>
public sealed record ChainHead(long? Sequence, string? Hash, DateTimeOffset Recorded, long TransactionId);

/// <summary>The SQL of the audit chain.</summary>
internal static class AuditSql
{
    /// <summary>Held until the transaction ends: one writer extends the chain at a time.</summary>
    public const string LockChain = "SELECT pg_advisory_xact_lock(@chain)";

    /// <summary>Taken and released by the statement: it waits for the writer that holds the lock, if any.</summary>
    public const string WaitForChain = "SELECT pg_advisory_xact_lock_shared(@chain)";

    /// <summary>
    /// The head of the chain, and the transaction's recorded moment: the one already set, else the later of the clock
    /// (<c>@clock</c>) and a microsecond after the last entry, set for the rest of the transaction (see <see cref="RecordedMoment"/>).
    /// </summary>
    public const string HeadAndMoment = $"""
        SELECT h.sequence, h.hash,
               set_config('{RecordedMoment.Setting}', coalesce(nullif(current_setting('{RecordedMoment.Setting}', true), ''),
                          greatest(@clock, h.at + interval '1 microsecond')::text), true)::timestamptz AS recorded,
               pg_current_xact_id()::text::bigint AS transaction_id
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (SELECT a.sequence, a.hash, a.at FROM audit_entries a ORDER BY a.sequence DESC LIMIT 1) h ON true
        """;
}
