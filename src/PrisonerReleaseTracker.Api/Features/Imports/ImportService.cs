using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using PrisonerReleaseTracker.Api.Data.Configurations;
using PrisonerReleaseTracker.Api.Features.Changes;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>The formats an import reads.</summary>
public enum ImportFormat { Csv, Json }

/// <summary>An import to run: the body stream, how to read it, and who sends it.</summary>
public sealed record ImportRequest(Stream Body, ImportFormat Format, bool DryRun, string? IdempotencyKey, Caller Caller, string Target);

/// <summary>How an import ended.</summary>
public abstract record ImportOutcome
{
    private ImportOutcome() { }

    /// <summary>Done (or, in a dry run, checked); <see cref="Json"/> is the answer as sent, also when replayed.</summary>
    public sealed record Done(string Json, bool Replayed) : ImportOutcome;

    /// <summary>Some row is invalid: nothing was written.</summary>
    public sealed record Invalid(IReadOnlyList<ImportRowError> Errors, bool Truncated) : ImportOutcome;

    /// <summary>A request with the same Idempotency-Key is still running.</summary>
    public sealed record KeyInUse : ImportOutcome;

    /// <summary>The Idempotency-Key was used for another request.</summary>
    public sealed record KeyReused : ImportOutcome;
}

/// <summary>
/// Runs an import in one transaction: parse and validate each row as the body streams in, COPY it into a
/// staging table, then match, resolve facilities and sources, and insert set-based. Memory holds one row, the
/// row errors (at most 1,000) and nothing that grows with the file; all matching happens in PostgreSQL.
/// </summary>
public sealed class ImportService(AppDbContext db, DataVersion version, IAuditActor actor, TimeProvider clock)
{
    public const long MaxBodyBytes = 200L * 1024 * 1024;
    public const int MaxRowErrors = 1000;

    /// <summary>Long enough for a 200 MB file; the request's own timeout and cancellation end it sooner.</summary>
    private const int CommandTimeoutSeconds = 1800;

    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);

    public async Task<ImportOutcome> RunAsync(ImportRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var caller = request.Caller;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Target}\n{request.Format}\n"));
        var body = new ImportBody(request.Body, MaxBodyBytes, hash);
        var key = request.DryRun ? null : request.IdempotencyKey;

        await db.Database.OpenConnectionAsync(ct);
        db.Database.SetCommandTimeout(CommandTimeoutSeconds);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var sql = new Commands(db, caller, now, request.DryRun, key);

        await sql.ExecuteAsync(ImportSql.CheckClient, ct);
        if (key is not null)
        {
            if (!await sql.Query<bool>(ImportSql.LockKey).SingleAsync(ct))
            {
                return new ImportOutcome.KeyInUse();
            }

            var expired = now - IdempotencyRecord.Lifetime;
            if (await db.Set<IdempotencyRecord>().AsNoTracking()
                    .Where(r => r.Organization == caller.Organization && r.Key == key && r.CreatedAt > expired)
                    .Select(r => new { r.RequestHash, r.ResponseBody }).FirstOrDefaultAsync(ct) is { } stored)
            {
                await body.DrainAsync(ct);
                return Convert.ToHexStringLower(hash.GetHashAndReset()) == stored.RequestHash
                    ? new ImportOutcome.Done(stored.ResponseBody, Replayed: true)
                    : new ImportOutcome.KeyReused();
            }
        }

        await sql.ExecuteAsync(ImportSql.CreateStaging, ct);
        if (await StageAsync(connection, body, request.Format, now, ct) is { } invalid)
        {
            return invalid;
        }

        await body.DrainAsync(ct);
        await sql.ExecuteAsync(ImportSql.Prepare, ct);
        await sql.ExecuteAsync(ImportSql.MatchByExternalId, ct);
        while (await sql.ExecuteAsync(ImportSql.FollowMatchChains, ct) > 0)
        {
        }

        await sql.ExecuteAsync(ImportSql.ResolveFacilities, ct);
        var withoutCountry = await sql.Query<int>(ImportSql.FacilitiesWithoutCountry).ToListAsync(ct);
        if (withoutCountry.Count > 0)
        {
            return new ImportOutcome.Invalid([.. withoutCountry.Select(line => new ImportRowError(line, ImportColumns.NameOf(ImportColumn.Facility),
                "No facility of this name is on record; a new one needs a country: fill facilityCountry, or nationalities."))], false);
        }

        await ResolveSourcesAsync(sql, caller, ct);
        var counts = await sql.Query<ImportCounts>(ImportSql.Counts).SingleAsync(ct);
        var importId = request.DryRun ? (Guid?)null : Guid.CreateVersion7(now);
        var result = new ImportResult(counts.Rows, counts.DetaineesCreated, counts.DetaineesMatched, counts.DetentionsCreated, counts.ReleasesCreated,
            counts.FacilitiesCreated, counts.SourcesCreated, await PossibleDuplicatesAsync(sql, caller, ct), request.DryRun, importId);
        var json = JsonSerializer.Serialize(result, ResultJson);
        if (request.DryRun)
        {
            return new ImportOutcome.Done(json, Replayed: false); // the transaction rolls back: nothing was written
        }

        // The chain's lock first: what the import writes is recorded at the moment it takes it (RecordedMoment), held to the commit.
        var change = new PendingChange(new ChangeDraft(ChangeEntityType.Import, importId!.Value, ChangeAction.Imported, Counts: counts), "Import", importId.Value);
        var recorded = await AuditTrail.AppendAsync(db, [new AuditEvent(AuditAction.Import, "Import", importId.Value, WrittenFields(result))], [change],
            actor, clock, ct);
        await new Commands(db, caller, recorded, request.DryRun, key).ExecuteAsync(ImportSql.Insert, ct);
        if (key is not null)
        {
            await KeepAnswerAsync(key, Convert.ToHexStringLower(hash.GetHashAndReset()), json, caller, now, ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await version.BumpAsync(db, ct);
        return new ImportOutcome.Done(json, Replayed: false);
    }

    /// <summary>
    /// Each URL of the file resolves to the oldest source on record with that URL that the importer may see; a source
    /// withheld from the importer is not matched (a new one is made), so an import cannot tell what is on record.
    /// </summary>
    private async Task ResolveSourcesAsync(Commands sql, Caller caller, CancellationToken ct)
    {
        await sql.ExecuteAsync(ImportSql.StageSources, ct);
        var urls = sql.Query<string>(ImportSql.StagedSourceUrls);
        var (organization, role) = (caller.Organization, caller.Role);
        var onRecord = (await db.Sources.AsNoTracking()
                .Where(s => urls.Contains(s.Url) && !Visibility.WithheldSource(db, organization, role, s.Id))
                .OrderBy(s => s.Url).ThenBy(s => s.Id).Select(s => new { s.Url, s.Id }).ToListAsync(ct))
            .DistinctBy(s => s.Url).ToList();
        await sql.ExecuteAsync(ImportSql.ResolveSources, ct,
            new NpgsqlParameter("urls", onRecord.Select(s => s.Url).ToArray()), new NpgsqlParameter("ids", onRecord.Select(s => s.Id).ToArray()));
    }

    /// <summary>
    /// Possible duplicates of the rows that create a person: people on record the importer may identify (never someone
    /// else's protected person), then earlier rows of the file, each with the same folded name and a birth date that
    /// could be the same day (unknown is compatible); the first lines' first, at most <see cref="ImportSql.MaxDuplicates"/>.
    /// </summary>
    private async Task<List<PossibleDuplicate>> PossibleDuplicatesAsync(Commands sql, Caller caller, CancellationToken ct)
    {
        var onRecord = await (
            from r in sql.Query<StagedPerson>(ImportSql.NewPeople)
            from d in db.Detainees.IdentifiableBy(caller)
                .Where(d => EF.Property<string>(d, DetaineeConfiguration.FoldedName) == r.NameKey
                    && (r.BirthEarliest == null || d.BirthDate == null
                        || (EF.Property<DateOnly?>(d, DetaineeConfiguration.BornFrom) <= r.BirthLatest
                            && r.BirthEarliest <= EF.Property<DateOnly?>(d, DetaineeConfiguration.BornTo))))
                .OrderBy(d => d.Id).Take(ImportSql.MaxDuplicatesPerRow)
            orderby r.Line, d.Id
            select new PossibleDuplicate(r.Line, d.Id, null)).Take(ImportSql.MaxDuplicates).ToListAsync(ct);
        var inFile = await sql.Query<PossibleDuplicate>(ImportSql.EarlierRowDuplicates, new NpgsqlParameter("max_duplicates", ImportSql.MaxDuplicates))
            .ToListAsync(ct);
        return [.. onRecord.Concat(inFile).OrderBy(d => d.Line).ThenBy(d => d.ExistingLine.HasValue).ThenBy(d => d.ExistingLine)
            .ThenBy(d => d.ExistingDetaineeId).Take(ImportSql.MaxDuplicates)];
    }

    /// <summary>Keeps the answer for the key's lifetime; expired answers go as a new one is kept.</summary>
    private async Task KeepAnswerAsync(string key, string requestHash, string json, Caller caller, DateTimeOffset now, CancellationToken ct)
    {
        var expired = now - IdempotencyRecord.Lifetime;
        await db.Set<IdempotencyRecord>()
            .Where(r => r.CreatedAt <= expired || (r.Organization == caller.Organization && r.Key == key))
            .ExecuteDeleteAsync(ct);
        db.Add(new IdempotencyRecord(caller.Organization, key, requestHash, StatusCodes.Status200OK, json, now));
    }

    /// <summary>Reads, checks and COPYs every row; null when all are valid, else the problems (nothing is kept).</summary>
    private static async Task<ImportOutcome.Invalid?> StageAsync(NpgsqlConnection connection, ImportBody body, ImportFormat format, DateTimeOffset now,
        CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = new List<ImportRowError>();
        var truncated = false;
        var ids = new SequentialIds(now);
        await using var copy = await connection.BeginBinaryImportAsync(ImportSql.Copy, ct);
        copy.Timeout = TimeSpan.FromSeconds(CommandTimeoutSeconds);
        var rows = format == ImportFormat.Json ? ImportReaders.ReadJsonAsync(body, errors, ct) : ImportReaders.ReadCsvAsync(body, errors, ct);
        try
        {
            await foreach (var raw in rows)
            {
                var row = ImportRowParser.Parse(raw, today, errors);
                if (errors.Count >= MaxRowErrors)
                {
                    truncated = true;
                    break;
                }

                // After the first invalid row, rows are still checked (every problem is reported) but no longer copied.
                if (row is not null && errors.Count == 0)
                {
                    await WriteAsync(copy, row, ids, ct);
                }
            }
        }
        catch (ImportFormatException e)
        {
            errors.Add(new ImportRowError(e.Line, "", e.Message));
        }

        if (errors.Count > 0)
        {
            return new ImportOutcome.Invalid([.. errors.Take(MaxRowErrors)], truncated); // disposing the COPY unfinished cancels it
        }

        await copy.CompleteAsync(ct);
        return null;
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, ImportRow row, SequentialIds ids, CancellationToken ct)
    {
        var (person, detention) = (row.Person, row.Detention);
        var release = detention?.Release;
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(row.Line, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(ids.Next(), NpgsqlDbType.Uuid, ct);
        await WriteNullableAsync(copy, detention is null ? (Guid?)null : ids.Next(), NpgsqlDbType.Uuid, ct);
        await WriteNullableAsync(copy, release is null ? (Guid?)null : ids.Next(), NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(person.FullName, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(Array(person.OtherNames), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(person.Gender.ToString(), NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, person.BirthDate?.ToString(), NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, person.BirthDate?.EarliestDay, NpgsqlDbType.Date, ct);
        await WriteNullableAsync(copy, person.BirthDate?.LatestDay, NpgsqlDbType.Date, ct);
        await copy.WriteAsync(Array(person.Nationalities), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(Array(person.Categories), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(person.IsProtected, NpgsqlDbType.Boolean, ct);
        await WriteNullableAsync(copy, person.NationalId, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, person.Notes, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(person.ExternalIds.Select(e => e.Scheme).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(person.ExternalIds.Select(e => e.Value).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, detention?.ArrestedOn?.ToString(), NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, detention?.Facility, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, detention?.FacilityCountry, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, detention?.ArrestingAuthority, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(Array(detention?.Charges ?? []), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, release?.ReleasedOn, NpgsqlDbType.Date, ct);
        await WriteNullableAsync(copy, release?.Kind.ToString(), NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, release?.Conditions.ChargesDropped, NpgsqlDbType.Boolean, ct);
        await copy.WriteAsync(release?.Conditions.TravelBan ?? false, NpgsqlDbType.Boolean, ct);
        await copy.WriteAsync(release?.Conditions.BarredFromPublicStatements ?? false, NpgsqlDbType.Boolean, ct);
        await copy.WriteAsync(release?.Conditions.MustReportToCourt ?? false, NpgsqlDbType.Boolean, ct);
        await copy.WriteAsync(Array(row.SourceUrls), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
    }

    /// <summary>Npgsql writes arrays and lists, not any read-only list.</summary>
    private static string[] Array(IReadOnlyList<string> items) => items as string[] ?? [.. items];

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is { } present ? copy.WriteAsync(present, type, ct) : copy.WriteNullAsync(ct);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is not null ? copy.WriteAsync(value, type, ct) : copy.WriteNullAsync(ct);

    /// <summary>What the audit entry names: the kinds of record written, never their values.</summary>
    private static List<string> WrittenFields(ImportResult result) =>
    [
        .. new (string Name, int Count)[]
        {
            ("detainees", result.DetaineesCreated), ("detentions", result.DetentionsCreated), ("releases", result.ReleasesCreated),
            ("facilities", result.FacilitiesCreated), ("sources", result.SourcesCreated),
        }.Where(x => x.Count > 0).Select(x => x.Name),
    ];

    /// <summary>The import's SQL on its connection, in its transaction, with the parameters every statement may use.</summary>
    private sealed class Commands(AppDbContext db, Caller caller, DateTimeOffset now, bool dryRun, string? idempotencyKey)
    {
        public Task<int> ExecuteAsync(string text, CancellationToken ct, params NpgsqlParameter[] more) =>
            db.Database.ExecuteSqlRawAsync(text, Parameters(more), ct);

        /// <summary>Rows read by column name into <typeparamref name="T"/>; a query LINQ may compose with the record.</summary>
        public IQueryable<T> Query<T>(string text, params NpgsqlParameter[] more) => db.Database.SqlQueryRaw<T>(text, Parameters(more));

        private object[] Parameters(NpgsqlParameter[] more) =>
        [
            new NpgsqlParameter("org", caller.Organization), new NpgsqlParameter("key", caller.KeyId), new NpgsqlParameter("now", now),
            new NpgsqlParameter("dry", dryRun), new NpgsqlParameter("idempotencyKey", idempotencyKey ?? ""), .. more,
        ];
    }
}
