namespace PrisonerReleaseTracker.Api.Features.Audit;

/// <summary>One entry of the audit log: who changed (or was shown) what, never the values.</summary>
/// <param name="Sequence">Its place in the chain, from 1.</param>
/// <param name="At">When.</param>
/// <param name="KeyId">The API key; null for the system.</param>
/// <param name="Organization">The key's organization.</param>
/// <param name="Action">Create, Update, Delete, Read (of sensitive data) or Import.</param>
/// <param name="EntityType">The kind of record.</param>
/// <param name="EntityId">The record.</param>
/// <param name="Fields">The names of the fields written or shown.</param>
/// <param name="PreviousHash">The hash of the entry before.</param>
/// <param name="Hash">SHA-256 over the previous hash and this entry.</param>
public sealed record AuditEntryResponse(long Sequence, DateTimeOffset At, Guid? KeyId, string Organization, AuditAction Action, string EntityType,
    Guid EntityId, IReadOnlyList<string> Fields, string PreviousHash, string Hash);

/// <summary>A page of the audit log.</summary>
/// <param name="Items">Entries, oldest first.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Items, string? NextCursor);

/// <summary>The result of recomputing the whole chain.</summary>
/// <param name="Valid">Whether every entry's hash and link check out.</param>
/// <param name="Entries">How many entries were checked.</param>
/// <param name="Head">The hash of the last entry (the genesis hash when empty).</param>
/// <param name="FirstInvalidSequence">The first entry that does not check out, or null.</param>
public sealed record AuditVerificationResponse(bool Valid, long Entries, string Head, long? FirstInvalidSequence);

/// <summary>The kinds of record the audit log names.</summary>
public enum AuditEntityType
{
    /// <summary>An API key.</summary>
    ApiKey,
    /// <summary>A claim.</summary>
    Claim,
    /// <summary>A person.</summary>
    Detainee,
    /// <summary>A detention episode.</summary>
    Detention,
    /// <summary>A move of a detention to another facility.</summary>
    DetentionTransfer,
    /// <summary>A facility.</summary>
    Facility,
    /// <summary>A release.</summary>
    Release,
    /// <summary>A source.</summary>
    Source,
    /// <summary>A verification decision.</summary>
    VerificationEvent,
    /// <summary>A bulk import (one entry for the whole file).</summary>
    Import,
    /// <summary>An export of detainees (a read of sensitive fields).</summary>
    DetaineeExport,
    /// <summary>An export of releases (a read of sensitive fields).</summary>
    ReleaseExport,
    /// <summary>A webhook subscription (made, rotated, disabled or deleted).</summary>
    WebhookSubscription,
    /// <summary>A named list (recorded, or its entries uploaded).</summary>
    NamedList,
    /// <summary>A decision on whom a list entry names.</summary>
    MatchDecision,
    /// <summary>A published tally (one entry for its publication: tallies are never edited).</summary>
    Tally,
}

/// <summary>Filters of the audit log.</summary>
public sealed record AuditListQuery : ISequencePageQuery
{
    /// <summary>How many entries (1 to 500).</summary>
    public int Limit { get; init; } = PageQuery.DefaultLimit;

    /// <summary>The <c>nextCursor</c> of the previous page.</summary>
    public string? Cursor { get; init; }

    /// <summary>Only entries about this kind of record.</summary>
    public AuditEntityType? EntityType { get; init; }

    /// <summary>Only entries about this record.</summary>
    public Guid? EntityId { get; init; }

    /// <summary>Only entries at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only entries before this instant.</summary>
    public DateTimeOffset? To { get; init; }
}

internal sealed class AuditListQueryValidator : SequencePageQueryValidator<AuditListQuery>
{
    public AuditListQueryValidator()
        : base("Not a cursor this API issued.")
    {
        RuleFor(q => q.To).GreaterThan(q => q.From).When(q => q.From is not null && q.To is not null).WithMessage("Must be after from.");
    }
}
