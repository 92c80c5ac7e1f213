using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace PrisonerReleaseTracker.Api.Features.Changes;

/// <summary>A change to put in the feed, and the audit entry (entity type and id) whose sequence it takes.</summary>
public sealed record PendingChange(ChangeDraft Draft, string AuditEntityType, Guid AuditEntityId);

/// <summary>
/// Turns tracked changes into feed items, one per record. A record of the feed is one a reader can fetch: a
/// verification decision is the release's (<c>Decided</c>, with its new status), a match decision the list's, a transfer the detention's, an
/// external id the detainee's; keys, webhooks and the feed's own bookkeeping are not the record and give none.
/// </summary>
public static class ChangeCollector
{
    public static List<PendingChange> Collect(ChangeTracker tracker)
    {
        var found = new List<PendingChange>();
        foreach (var entry in tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            if (Describe(entry) is { } change)
            {
                found.Add(change);
            }
        }

        var first = new Dictionary<(ChangeEntityType, Guid), PendingChange>();
        foreach (var change in found)
        {
            first.TryAdd((change.Draft.EntityType, change.Draft.EntityId), change);
        }

        return [.. ChangeDraft.OnePerRecord(found.Select(c => c.Draft)).Select(draft =>
        {
            var source = first[(draft.EntityType, draft.EntityId)];
            return source with { Draft = draft };
        })];
    }

    private static PendingChange? Describe(EntityEntry entry) => entry.Entity switch
    {
        VerificationEvent decision => new(new ChangeDraft(ChangeEntityType.Release, decision.ReleaseId, ChangeAction.Decided, decision.Status),
            nameof(VerificationEvent), decision.Id),
        DetentionTransfer transfer => new(new ChangeDraft(ChangeEntityType.Detention, transfer.DetentionId, ChangeAction.Updated),
            nameof(DetentionTransfer), transfer.Id),
        MatchDecision decision => new(new ChangeDraft(ChangeEntityType.NamedList, decision.ListId, ChangeAction.Decided), nameof(MatchDecision), decision.Id),
        Claim claim => Own(entry, ChangeEntityType.Claim, claim.Id, entry.State == EntityState.Added ? ChangeAction.Created : claim.Status switch
        {
            ClaimStatus.Superseded => ChangeAction.Superseded,
            ClaimStatus.Retracted => ChangeAction.Retracted,
            _ => ChangeAction.Updated,
        }),
        _ when entry.Metadata.IsOwned() => Owned(entry),
        _ when RecordType(entry.Metadata.ClrType) is { } type =>
            Own(entry, type, (Guid)entry.Property("Id").CurrentValue!, entry.State == EntityState.Added ? ChangeAction.Created : ChangeAction.Updated),
        _ => null,
    };

    private static PendingChange Own(EntityEntry entry, ChangeEntityType type, Guid id, ChangeAction action) =>
        new(new ChangeDraft(type, id, action), entry.Metadata.ClrType.Name, id);

    /// <summary>A row owned by a record (a detainee's external ids) changes its owner, filed as the audit files it.</summary>
    private static PendingChange? Owned(EntityEntry entry)
    {
        var ownership = entry.Metadata.FindOwnership()!;
        var ownerType = ownership.PrincipalEntityType.ClrType;
        return RecordType(ownerType) is { } type && entry.Property(ownership.Properties[0].Name).CurrentValue is Guid ownerId
            ? new(new ChangeDraft(type, ownerId, ChangeAction.Updated), ownerType.Name, ownerId)
            : null;
    }

    /// <summary>The feed's kinds of record are named after the entity classes (the audit log's entity types).</summary>
    public static ChangeEntityType? RecordType(Type clrType) =>
        Enum.TryParse<ChangeEntityType>(clrType.Name, ignoreCase: false, out var type) && type != ChangeEntityType.Import ? type : null;
}
