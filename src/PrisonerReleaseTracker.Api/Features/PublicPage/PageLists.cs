using PrisonerReleaseTracker.Api.Features.Lists;

namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>A named list on the page: what it is, and its reconciliation as an anonymous reader gets it from the API.</summary>
/// <param name="List">The list.</param>
/// <param name="Reconciliation">Its reconciliation as of the page's moment.</param>
public sealed record PageList(ListResponse List, ReconciliationResponse Reconciliation);

/// <summary>
/// The named lists the page shows: those whose period meets the page's, the latest stated first, each reconciled by the
/// service behind <c>/api/v1/lists/{id}/reconciliation</c> for an anonymous reader (no second way of counting).
/// </summary>
public sealed class PageLists(AppDbContext db, Reconciliation reconciliation)
{
    public const int MaxLists = 5;

    public async Task<IReadOnlyList<PageList>> ForPeriodAsync(DateOnly from, DateOnly to, DateTimeOffset asOf, CancellationToken ct)
    {
        var lists = await db.NamedLists.AsNoTracking()
            .Where(l => l.EntriesUploadedAt != null && l.PeriodFrom <= to && l.PeriodTo >= from)
            .OrderByDescending(l => l.StatedAt).ThenByDescending(l => l.Id).Take(MaxLists)
            .WithVersion().ToListAsync(ct);
        var shown = new List<PageList>();
        foreach (var read in lists)
        {
            shown.Add(new PageList(ListResponse.From(read), await reconciliation.AnswerAsync(read.Entity, null, asOf, null, ct)));
        }

        return shown;
    }
}
