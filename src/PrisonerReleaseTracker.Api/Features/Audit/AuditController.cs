namespace PrisonerReleaseTracker.Api.Features.Audit;

/// <summary>The tamper-evident audit log: every write, and every read of sensitive data, hash-chained.</summary>
[Route("api/v1/audit")]
[Authorize(Policy = Policies.Admin)]
public sealed class AuditController(AppDbContext db) : ControllerBase
{
    /// <summary>List audit entries</summary>
    /// <remarks>Oldest first, paged with <c>cursor</c>. Entries name fields, never their values.</remarks>
    [HttpGet]
    [ProducesResponseType<AuditPage>(StatusCodes.Status200OK, "application/json")]
    [Problems(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> ListAuditEntries([FromQuery] AuditListQuery query, CancellationToken ct)
    {
        query.TryReadCursor(out var after);
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.Sequence > after)
            .WhereGiven(query.EntityType, type => e => e.EntityType == type.ToString())
            .WhereGiven(query.EntityId, id => e => e.EntityId == id)
            .WhereGiven(query.From, from => e => e.At >= from.ToUniversalTime())
            .WhereGiven(query.To, to => e => e.At < to.ToUniversalTime());
        var fetched = await entries.OrderBy(e => e.Sequence).Take(query.Limit + 1)
            .Select(e => new AuditEntryResponse(e.Sequence, e.At, e.KeyId, e.Organization, e.Action, e.EntityType, e.EntityId, e.Fields, e.PreviousHash, e.Hash))
            .ToListAsync(ct);
        var items = fetched.Take(query.Limit).ToList();
        var next = fetched.Count > query.Limit ? items[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return Ok(new AuditPage(items, next));
    }

    /// <summary>Verify the audit chain</summary>
    /// <remarks>Recomputes every entry's hash from its fields and its predecessor's hash, and reports the first that does not match.</remarks>
    [HttpGet("verification")]
    [ProducesResponseType<AuditVerificationResponse>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> VerifyAuditChain(CancellationToken ct)
    {
        long count = 0;
        var previousSequence = 0L;
        var previousHash = AuditEntry.GenesisHash;
        long? firstInvalid = null;
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            var intact = entry.Sequence == previousSequence + 1 && entry.PreviousHash == previousHash && entry.Hash == entry.ComputeHash();
            if (!intact && firstInvalid is null)
            {
                firstInvalid = entry.Sequence;
            }

            (previousSequence, previousHash) = (entry.Sequence, entry.Hash);
        }

        return Ok(new AuditVerificationResponse(firstInvalid is null, count, previousHash, firstInvalid));
    }
}
