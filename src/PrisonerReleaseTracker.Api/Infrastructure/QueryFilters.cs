using System.Linq.Expressions;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// The optional filters of a list: each narrows the rows by a parameter the query was given, and a parameter left out
/// filters nothing. The value reaches SQL as a parameter, as a captured variable does.
/// </summary>
public static class QueryFilters
{
    /// <summary>The rows <paramref name="filter"/> keeps for <paramref name="value"/>; all of them when the query left it out.</summary>
    public static IQueryable<T> WhereGiven<T, TValue>(this IQueryable<T> rows, TValue? value, Func<TValue, Expression<Func<T, bool>>> filter)
        where TValue : struct =>
        value is { } given ? rows.Where(filter(given)) : rows;

    /// <inheritdoc cref="WhereGiven{T, TValue}(IQueryable{T}, TValue?, Func{TValue, Expression{Func{T, bool}}})"/>
    public static IQueryable<T> WhereGiven<T, TValue>(this IQueryable<T> rows, TValue? value, Func<TValue, Expression<Func<T, bool>>> filter)
        where TValue : class =>
        value is { } given ? rows.Where(filter(given)) : rows;
}
