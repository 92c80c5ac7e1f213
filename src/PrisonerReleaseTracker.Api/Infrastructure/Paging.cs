using System.Buffers.Text;
using System.Linq.Expressions;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>One page of a list and the cursor of the next one (null on the last page).</summary>
/// <param name="Items">The items of this page.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next page; null when there is none.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Paging parameters shared by every list: a list takes them as they are, or derives its filters from them.</summary>
public record PageQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>How many items to return (1 to 500).</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>The <c>nextCursor</c> of the previous page.</summary>
    public string? Cursor { get; init; }

    /// <summary>The id the page starts after, or null for the first page; false when the cursor is not one of ours.</summary>
    public bool TryReadCursor(out Guid? after)
    {
        after = null;
        if (string.IsNullOrEmpty(Cursor))
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (Cursor.Length != 22 || !Base64Url.IsValid(Cursor) || Base64Url.DecodeFromChars(Cursor, bytes) != 16)
        {
            return false;
        }

        after = new Guid(bytes, bigEndian: true);
        return true;
    }

    /// <summary>
    /// The rows of this page: after the cursor in id order (ids are time-ordered), one more than the limit so that
    /// <see cref="ToPage{T}"/> knows whether another page follows.
    /// </summary>
    public IQueryable<T> Slice<T>(IQueryable<T> rows, Expression<Func<T, Guid>> id)
    {
        TryReadCursor(out var after);
        if (after is { } start)
        {
            Expression<Func<Guid>> boundary = () => start; // a captured value: a parameter of the query, not a constant in its text
            rows = rows.Where(Expression.Lambda<Func<T, bool>>(Expression.GreaterThan(id.Body, boundary.Body), id.Parameters));
        }

        return rows.OrderBy(id).Take(Limit + 1);
    }

    /// <summary>Cuts a fetched <c>limit + 1</c> rows into a page and the cursor after its last item.</summary>
    public Page<T> ToPage<T>(IReadOnlyList<T> fetched, Func<T, Guid> idOf)
    {
        if (fetched.Count <= Limit)
        {
            return new Page<T>(fetched, null);
        }

        var items = fetched.Take(Limit).ToList();
        Span<byte> bytes = stackalloc byte[16];
        idOf(items[^1]).TryWriteBytes(bytes, bigEndian: true, out _);
        return new Page<T>(items, Base64Url.EncodeToString(bytes));
    }
}

/// <summary>The cursor of a list paged by a sequence number (the change feed, the audit log): the number of the last item read.</summary>
public static class SequenceCursor
{
    /// <summary>The sequence number the page starts after (0 for the first page); false when the cursor is not one.</summary>
    public static bool TryRead(string? cursor, out long after)
    {
        after = 0;
        return string.IsNullOrEmpty(cursor)
            || (cursor.Length <= 19 && long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) && after > 0);
    }

    /// <summary>The sequence number <paramref name="query"/>'s page starts after (0 for the first page); false when its cursor is not one.</summary>
    public static bool TryReadCursor(this ISequencePageQuery query, out long after) => TryRead(query.Cursor, out after);
}

/// <summary>
/// The paging of a list ordered by a sequence number (the change feed, the audit log). Each query declares the two
/// parameters itself, with what they mean for its list; this is what they share.
/// </summary>
public interface ISequencePageQuery
{
    /// <summary>How many items to return (1 to 500).</summary>
    int Limit { get; }

    /// <summary>The sequence number of the last item read (<see cref="SequenceCursor"/>), or none for the first page.</summary>
    string? Cursor { get; }
}

/// <summary>The paging of a list of records that change over time: it also takes <c>updatedSince</c>.</summary>
public record RecordPageQuery : PageQuery
{
    /// <summary>
    /// Only records created or changed at or after this instant (RFC 3339), as the change feed records changes. A
    /// convenience: the list pages by id, so only the change feed's cursor guarantees that no change is missed.
    /// </summary>
    public DateTimeOffset? UpdatedSince { get; init; }
}

/// <summary>The rules every list query shares: a sane limit and a cursor we issued.</summary>
public abstract class PageQueryValidator<T> : AbstractValidator<T> where T : PageQuery
{
    protected PageQueryValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, PageQuery.MaxLimit);
        RuleFor(q => q.Cursor).Must((query, _) => query.TryReadCursor(out Guid? _)).WithMessage("Not a cursor this API issued.");
    }
}

/// <summary>The rules every list paged by a sequence number shares: a sane limit and a cursor that is such a number.</summary>
public abstract class SequencePageQueryValidator<T> : AbstractValidator<T> where T : ISequencePageQuery
{
    /// <param name="notACursor">What to say of a cursor that is not a sequence number, in the list's words.</param>
    protected SequencePageQueryValidator(string notACursor)
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, PageQuery.MaxLimit);
        RuleFor(q => q.Cursor).Must(cursor => SequenceCursor.TryRead(cursor, out _)).WithMessage(notACursor);
    }
}

/// <summary>The paging of a list whose filters are a record of their own (shared with its export).</summary>
internal sealed class PageValidator : PageQueryValidator<RecordPageQuery>;
