using NpgsqlTypes;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using PrisonerReleaseTracker.Api.Features.Changes;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// The one database context; each entity's mapping lives in its own configuration class. Every save that
/// changes the record also appends its audit entries in the same transaction, and moves the data version
/// once committed. It also holds the Data Protection key ring, so every instance can read the webhook secrets.
/// Instances are pooled (<see cref="DatabaseOptions.AddDatabase"/>): a request's context is rented with its caller
/// (<see cref="For"/>), and EF resets the rest when it returns (tracked entities, connection, transaction, timeout).
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    private static readonly IAuditActor System = new SystemActor();
    private readonly List<AuditEvent> _reads = [];
    private IAuditActor? _actor;
    private DataVersion? _version;
    private TimeProvider? _clock;

    /// <summary>
    /// This context as rented for one scope: who its saves are audited as (the system when null), the data version its
    /// saves move and the clock they are stamped with. Nothing of a previous renter is kept: reads it noted and never
    /// saved are dropped.
    /// </summary>
    public AppDbContext For(IAuditActor? actor, DataVersion? version, TimeProvider? clock)
    {
        _actor = actor;
        _version = version;
        _clock = clock;
        _reads.Clear();
        return this;
    }

    /// <summary>The shadow property every versioned entity maps to PostgreSQL's <c>xmin</c>.</summary>
    public const string RowVersion = "Version";

    /// <summary>The row version of a tracked entity as its last save read it back: what its ETag is made from now.</summary>
    public uint VersionOf<T>(T entity) where T : class => Entry(entity).Property<uint>(RowVersion).CurrentValue;

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Facility> Facilities => Set<Facility>();
    public DbSet<Detainee> Detainees => Set<Detainee>();
    public DbSet<Detention> Detentions => Set<Detention>();
    public DbSet<Release> Releases => Set<Release>();
    public DbSet<VerificationEvent> VerificationEvents => Set<VerificationEvent>();
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<Claim> Claims => Set<Claim>();
    public DbSet<NamedList> NamedLists => Set<NamedList>();
    public DbSet<ListEntry> ListEntries => Set<ListEntry>();
    public DbSet<MatchCandidate> MatchCandidates => Set<MatchCandidate>();
    public DbSet<MatchDecision> MatchDecisions => Set<MatchDecision>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<DetaineeVersion> DetaineeVersions => Set<DetaineeVersion>();
    public DbSet<ReleaseVersion> ReleaseVersions => Set<ReleaseVersion>();
    public DbSet<Tally> Tallies => Set<Tally>();
    public DbSet<TallyInput> TallyInputs => Set<TallyInput>();
    public DbSet<ReleaseCountDelta> ReleaseCountDeltas => Set<ReleaseCountDelta>();
    public DbSet<ReleaseCountMonthDelta> ReleaseCountMonthDeltas => Set<ReleaseCountMonthDelta>();
    public DbSet<VerifiedPersonDay> VerifiedPersonDays => Set<VerifiedPersonDay>();
    public DbSet<VerifiedPersonDelta> VerifiedPersonDeltas => Set<VerifiedPersonDelta>();
    public DbSet<ClaimVerifiedDelta> ClaimVerifiedDeltas => Set<ClaimVerifiedDelta>();
    public DbSet<ProtectedCitation> ProtectedCitations => Set<ProtectedCitation>();
    public DbSet<RecordChange> RecordChanges => Set<RecordChange>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Notes that the caller was shown sensitive data; the entry is written by the next save.</summary>
    public void RecordRead(AuditEvent read) => _reads.Add(read);

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        // No savepoint inside a caller's transaction: rows written under one carry the subtransaction's id as their
        // xmin, and the change feed's etag (the top transaction's id) would no longer be the record's ETag.
        Database.AutoSavepointsEnabled = false;
        ChangeTracker.DetectChanges();
        var changes = AuditTrail.Collect(ChangeTracker);
        var feed = ChangeCollector.Collect(ChangeTracker);
        var events = changes.Concat(_reads).ToList();
        _reads.Clear();
        if (events.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null;
        await using var transaction = ownTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;
        var recorded = await AuditTrail.AppendAsync(this, events, feed, _actor ?? System, _clock ?? TimeProvider.System, cancellationToken);
        RecordedMoment.Stamp(ChangeTracker, recorded);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            if (changes.Count > 0 && _version is not null)
            {
                await _version.BumpAsync(this, cancellationToken);
            }
        }

        return saved;
    }

    /// <summary>
    /// Only for rows the audit log does not describe: the Data Protection key store saves its keys synchronously.
    /// Anything else goes through <see cref="SaveChangesAsync(bool, CancellationToken)"/>, which appends to the audit chain.
    /// </summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        ChangeTracker.DetectChanges();
        return AuditTrail.Collect(ChangeTracker).Count == 0 && _reads.Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : throw new NotSupportedException("Use SaveChangesAsync: every save appends to the audit chain asynchronously.");
    }

    /// <summary>Case-, accent- and space-folded text, computed by the SQL function the search index uses.</summary>
    [DbFunction("prt_fold", IsBuiltIn = false)]
    public static string Fold(string text) => throw new NotSupportedException("Only inside queries.");

    /// <summary>
    /// A name search as a text-search query (<c>prt_name_query</c>): every word of <paramref name="text"/>, folded as names
    /// are, must begin a word of one of the person's names; null (nothing found) when the text has no word.
    /// </summary>
    [DbFunction("prt_name_query", IsBuiltIn = false)]
    public static NpgsqlTsQuery NameQuery(string text) => throw new NotSupportedException("Only inside queries.");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("unaccent").HasPostgresExtension("pg_trgm");
        modelBuilder.HasDbFunction(typeof(AppDbContext).GetMethod(nameof(Fold))!).HasName("prt_fold").HasSchema("public");
        modelBuilder.HasDbFunction(typeof(AppDbContext).GetMethod(nameof(NameQuery))!).HasName("prt_name_query").HasSchema("public");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        StoreEnumsAsStrings(modelBuilder);
        DataVersion.DeclareIn(modelBuilder);
    }

    private sealed class SystemActor : IAuditActor
    {
        public Guid? KeyId => null;
        public string Organization => "system";
    }

    private static void StoreEnumsAsStrings(ModelBuilder modelBuilder)
    {
        var enumProperties = modelBuilder.Model.GetEntityTypes()
            .SelectMany(t => t.GetProperties().Concat(t.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties())))
            .Where(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType).IsEnum);
        foreach (var property in enumProperties)
        {
            var enumType = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            property.SetValueConverter(typeof(Microsoft.EntityFrameworkCore.Storage.ValueConversion.EnumToStringConverter<>).MakeGenericType(enumType));
            property.SetMaxLength(32);
        }
    }
}
