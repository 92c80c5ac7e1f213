using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Features.Changes;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Audit;
using PrisonerReleaseTracker.Domain.Changes;
using PrisonerReleaseTracker.Domain.Imports;

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
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var sql = new Commands(connection, caller, now, request.DryRun, key);

        // PostgreSQL checks the client socket every 500 ms while a statement runs, so a dead API process (or
        // connection) ends the import's statement and transaction instead of letting it run on and commit.
        await sql.ExecuteAsync("SET LOCAL client_connection_check_interval = 500", ct);
        if (key is not null)
        {
            if (!await sql.ScalarAsync<bool>(ImportSql.LockKey, ct))
            {
                return new ImportOutcome.KeyInUse();
            }

            if (await sql.FindStoredAsync(now - IdempotencyRecord.Lifetime, ct) is { } stored)
            {
                await body.DrainAsync(ct);
                return Convert.ToHexStringLower(hash.GetHashAndReset()) == stored.Hash
                    ? new ImportOutcome.Done(stored.Body, Replayed: true)
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
        var withoutCountry = await sql.ListAsync(ImportSql.FacilitiesWithoutCountry, r => r.GetInt32(0), ct);
        if (withoutCountry.Count > 0)
        {
            return new ImportOutcome.Invalid([.. withoutCountry.Select(line => new ImportRowError(line, ImportColumns.NameOf(ImportColumn.Facility),
                "No facility of this name is on record; a new one needs a country: fill facilityCountry, or nationalities."))], false);
        }

        await sql.ExecuteAsync(ImportSql.ResolveSources, ct);
        var counts = (await sql.ListAsync(ImportSql.Counts, r => Enumerable.Range(0, 7).Select(r.GetInt32).ToArray(), ct))[0];
        var duplicates = await sql.ListAsync(ImportSql.PossibleDuplicates,
            r => new PossibleDuplicate(r.GetInt32(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.IsDBNull(2) ? null : r.GetInt32(2)), ct);
        var importId = request.DryRun ? (Guid?)null : Guid.CreateVersion7(now);
        var result = new ImportResult(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], duplicates, request.DryRun, importId);
        var json = JsonSerializer.Serialize(result, ResultJson);
        if (request.DryRun)
        {
            return new ImportOutcome.Done(json, Replayed: false); // the transaction rolls back: nothing was written
        }

        await sql.ExecuteAsync(ImportSql.Insert, ct);
        var written = new ImportCounts(result.Rows, result.DetaineesCreated, result.DetaineesMatched, result.DetentionsCreated, result.ReleasesCreated,
            result.FacilitiesCreated, result.SourcesCreated);
        var change = new PendingChange(new ChangeDraft(ChangeEntityType.Import, importId!.Value, ChangeAction.Imported, Counts: written), "Import", importId.Value);
        await AuditTrail.AppendAsync(db, [new AuditEvent(AuditAction.Import, "Import", importId.Value, WrittenFields(result))], [change], actor, now, ct);
        await db.SaveChangesAsync(ct);
        if (key is not null)
        {
            await sql.StoreAsync(Convert.ToHexStringLower(hash.GetHashAndReset()), StatusCodes.Status200OK, json, now - IdempotencyRecord.Lifetime, ct);
        }

        await transaction.CommitAsync(ct);
        await version.BumpAsync(db, ct);
        return new ImportOutcome.Done(json, Replayed: false);
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
        var rows = format == ImportFormat.Json ? ImportReaders.ReadJsonAsync(body, errors, ct) : ImportReaders.ReadCsvAsync(new Utf8CheckedStream(body), errors, ct);
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
        var detention = row.Detention;
        var release = detention?.Release;
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(row.Line, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(ids.Next(), NpgsqlDbType.Uuid, ct);
        await WriteNullableAsync(copy, detention is null ? (Guid?)null : ids.Next(), NpgsqlDbType.Uuid, ct);
        await WriteNullableAsync(copy, release is null ? (Guid?)null : ids.Next(), NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(row.FullName, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(Array(row.OtherNames), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.Gender.ToString(), NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, row.BirthDate?.ToString(), NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, row.BirthDate?.EarliestDay, NpgsqlDbType.Date, ct);
        await WriteNullableAsync(copy, row.BirthDate?.LatestDay, NpgsqlDbType.Date, ct);
        await copy.WriteAsync(Array(row.Nationalities), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(Array(row.Categories), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.IsProtected, NpgsqlDbType.Boolean, ct);
        await WriteNullableAsync(copy, row.NationalId, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, row.Notes, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.ExternalIds.Select(e => e.Scheme).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.ExternalIds.Select(e => e.Value).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
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

    /// <summary>Parameterized commands on the import's connection (they run in its transaction).</summary>
    private sealed class Commands(NpgsqlConnection connection, Caller caller, DateTimeOffset now, bool dryRun, string? idempotencyKey)
    {
        public async Task<int> ExecuteAsync(string text, CancellationToken ct)
        {
            await using var command = Create(text);
            return await command.ExecuteNonQueryAsync(ct);
        }

        public async Task<T> ScalarAsync<T>(string text, CancellationToken ct)
        {
            await using var command = Create(text);
            return (T)(await command.ExecuteScalarAsync(ct))!;
        }

        public async Task<List<T>> ListAsync<T>(string text, Func<NpgsqlDataReader, T> read, CancellationToken ct)
        {
            await using var command = Create(text);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var items = new List<T>();
            while (await reader.ReadAsync(ct))
            {
                items.Add(read(reader));
            }

            return items;
        }

        public async Task<(string Hash, string Body)?> FindStoredAsync(DateTimeOffset expired, CancellationToken ct)
        {
            await using var command = Create(ImportSql.FindKey);
            command.Parameters.AddWithValue("expired", expired);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetString(2)) : null;
        }

        public async Task StoreAsync(string hash, int status, string body, DateTimeOffset expired, CancellationToken ct)
        {
            await using var command = Create(ImportSql.StoreKey);
            command.Parameters.AddWithValue("hash", hash);
            command.Parameters.AddWithValue("status", status);
            command.Parameters.AddWithValue("body", body);
            command.Parameters.AddWithValue("expired", expired);
            await command.ExecuteNonQueryAsync(ct);
        }

        private NpgsqlCommand Create(string text)
        {
            var command = new NpgsqlCommand(text, connection) { CommandTimeout = CommandTimeoutSeconds };
            command.Parameters.AddWithValue("org", caller.Organization);
            command.Parameters.AddWithValue("key", caller.KeyId);
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("admin", caller.Role == Role.Admin);
            command.Parameters.AddWithValue("dry", dryRun);
            command.Parameters.AddWithValue("idempotencyKey", idempotencyKey ?? "");
            return command;
        }
    }
}
