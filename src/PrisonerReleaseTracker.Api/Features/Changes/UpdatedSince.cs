using System.Linq.Expressions;

namespace PrisonerReleaseTracker.Api.Features.Changes;

/// <summary>
/// The <c>updatedSince</c> filter of the lists: a record created at or after the instant, or with an item in the change
/// feed at or after it. It reads the feed, so it says what the feed says and nothing else; but a list pages by id, not
/// by commit order, so a change that commits while a client pages can fall behind its cursor. Only the feed's own
/// cursor (<c>GET /api/v1/changes</c>) guarantees no gap.
/// </summary>
public static class UpdatedSince
{
    /// <summary>The rows of a record in the feed (facilities, detainees, detentions, releases, sources, claims) changed since the page's <c>updatedSince</c>.</summary>
    public static IQueryable<T> ChangedSince<T>(this IQueryable<T> rows, RecordPageQuery page, AppDbContext db) where T : class
    {
        if (page.UpdatedSince is not { } since)
        {
            return rows;
        }

        var type = ChangeCollector.RecordType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not a record of the change feed.");
        // An import is one item of the feed, not one per row: the rows it created are found by their creation time.
        var changed = db.RecordChanges.Where(c => c.EntityType == type && c.At >= since).Select(c => c.EntityId);
        return rows.Where(r => EF.Property<DateTimeOffset>(r, "CreatedAt") >= since || changed.Contains(EF.Property<Guid>(r, "Id")));
    }

    /// <summary>API keys are not in the feed: a key changes when it is issued and when it is revoked, nothing else.</summary>
    public static IQueryable<ApiKey> ChangedSince(this IQueryable<ApiKey> keys, RecordPageQuery page) =>
        page.UpdatedSince is { } since ? keys.Where(k => k.CreatedAt >= since || k.RevokedAt >= since) : keys;
}
