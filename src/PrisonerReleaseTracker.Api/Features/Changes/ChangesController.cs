namespace PrisonerReleaseTracker.Api.Features.Changes;

/// <summary>The change feed: every change to the record, in commit order, for partners that keep their own copy.</summary>
[Route("api/v1/changes")]
[Authorize(Policy = Policies.Researcher)]
public sealed class ChangesController(AppDbContext db) : ControllerBase
{
    /// <summary>List changes to the record</summary>
    /// <remarks>
    /// One item per record changed, oldest first, in the order the changes were committed. Following <c>cursor</c>
    /// (the <c>sequence</c> of the last item you have) gives every committed change exactly once: no gap and no
    /// duplicate, even when writers commit out of the order they started in. <c>nextCursor</c> is null when there is
    /// nothing more yet; keep the last item's <c>sequence</c> and ask again later. Items carry no field of the record.
    /// </remarks>
    [HttpGet]
    [Budget(BudgetKind.ListRead)]
    [AnswersPage<ChangeItem>]
    public async Task<IActionResult> ListChanges([FromQuery] ChangeListQuery query, CancellationToken ct)
    {
        query.TryReadCursor(out var after);
        var changes = db.RecordChanges.AsNoTracking().Where(c => c.Sequence > after).WhereGiven(query.EntityType, type => c => c.EntityType == type);
        var fetched = await changes.OrderBy(c => c.Sequence).Take(query.Limit + 1).ToListAsync(ct);
        var items = fetched.Take(query.Limit).Select(ChangeItem.From).ToList();
        var next = fetched.Count > query.Limit ? items[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return Ok(new Page<ChangeItem>(items, next));
    }
}
