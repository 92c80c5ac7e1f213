namespace PrisonerReleaseTracker.Api.Data.Configurations;

/// <summary>Tables whose rows, once written, are never changed or removed.</summary>
internal static class AppendOnly
{
    /// <summary>The triggers (made by the migration that made the table append-only) by which the database refuses to change, remove or truncate rows of <paramref name="table"/>.</summary>
    public static void Triggers<T>(TableBuilder<T> builder, string table) where T : class
    {
        builder.HasTrigger($"{table}_append_only");
        builder.HasTrigger($"{table}_no_truncate");
    }
}
