namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// A number that every write to the record moves forward, kept in the database so that every API instance
/// behind a load balancer sees the same one. Cached answers (totals) are keyed by it: a backdated
/// verification changes past totals, and it moves this number like any other write.
/// </summary>
/// <remarks>
/// Database triggers move it on every statement that changes a table of the record (whoever runs it), and
/// this process moves it again right after its own commits, so a reader that saw the number move before a
/// commit landed recomputes after it. This instance sees its own writes at once; writes made through
/// another instance are seen within <c>Caching:VersionCheckSeconds</c> (default 1 s).
/// </remarks>
public sealed class DataVersion(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration)
{
    public const string SequenceName = "prt_data_version";

    /// <summary>The tables of the record: a statement that changes one moves the version (migration ClaimsAndDataVersion).</summary>
    private static readonly string[] VersionedTables =
        ["facilities", "detainees", "detainee_external_ids", "detentions", "detention_transfer", "releases", "verification_events", "sources", "claims",
            "tallies"];

    /// <summary>Declares the sequence and the triggers that move it, so that the model holds what the database has.</summary>
    public static void DeclareIn(ModelBuilder modelBuilder)
    {
        modelBuilder.HasSequence<long>(SequenceName);
        foreach (var entityType in modelBuilder.Model.GetEntityTypes().Where(t => VersionedTables.Contains(t.GetTableName())))
        {
            entityType.AddTrigger($"{entityType.GetTableName()}_bump_data_version");
        }
    }

    private readonly TimeSpan _checkEvery = TimeSpan.FromSeconds(configuration.GetValue("Caching:VersionCheckSeconds", 1.0));
    private long _version = -1;
    private long _readAtTicks;

    public async ValueTask<long> CurrentAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var version = Interlocked.Read(ref _version);
        if (version >= 0 && now - Interlocked.Read(ref _readAtTicks) < _checkEvery.Ticks)
        {
            return version;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        version = await db.Database.SqlQueryRaw<long>(DataVersionSql.Read).SingleAsync(ct);
        Interlocked.Exchange(ref _version, version);
        Interlocked.Exchange(ref _readAtTicks, now);
        return version;
    }

    /// <summary>Moves the number after a commit of this process and remembers it, so this instance sees its own write at once.</summary>
    public async Task BumpAsync(AppDbContext db, CancellationToken ct)
    {
        var version = await db.Database.SqlQueryRaw<long>(DataVersionSql.Bump).SingleAsync(ct);
        Interlocked.Exchange(ref _version, version);
        Interlocked.Exchange(ref _readAtTicks, clock.GetUtcNow().UtcTicks);
    }
}

/// <summary>The SQL of the data version; the sequence is in the model (<see cref="DataVersion.DeclareIn"/>).</summary>
internal static class DataVersionSql
{
    public const string Read = "SELECT last_value AS \"Value\" FROM " + DataVersion.SequenceName;
    public const string Bump = "SELECT nextval('" + DataVersion.SequenceName + "') AS \"Value\"";
}
