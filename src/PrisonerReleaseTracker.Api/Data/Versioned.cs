namespace PrisonerReleaseTracker.Api.Data;

/// <summary>An entity read with its row version (<see cref="AppDbContext.RowVersion"/>), for the answer and its ETag.</summary>
internal sealed record Versioned<T>(T Entity, uint Version);

internal static class VersionedQueries
{
    /// <summary>Each entity with its row version, read in the same query.</summary>
    public static IQueryable<Versioned<T>> WithVersion<T>(this IQueryable<T> rows) where T : class =>
        rows.Select(r => new Versioned<T>(r, EF.Property<uint>(r, AppDbContext.RowVersion)));
}
