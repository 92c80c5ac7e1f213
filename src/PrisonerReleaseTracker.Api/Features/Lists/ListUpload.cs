using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using PrisonerReleaseTracker.Api.Features.Imports;

namespace PrisonerReleaseTracker.Api.Features.Lists;

/// <summary>How an upload of entries ended.</summary>
public abstract record UploadOutcome
{
    private UploadOutcome() { }

    /// <summary>Stored and matched.</summary>
    public sealed record Done(NamedList List, uint Version) : UploadOutcome;

    /// <summary>Some entry is invalid (or there are none, or too many): nothing was written.</summary>
    public sealed record Invalid(ImportOutcome.Invalid Problems) : UploadOutcome;
}

/// <summary>
/// Takes a list's entries once, in one transaction: each row is read and checked as the body streams in and COPYed
/// straight into <c>list_entries</c>; then one statement matches them all (<see cref="ListSql.MatchEntries"/>). Memory
/// holds one row and the row errors; an invalid row anywhere writes nothing.
/// </summary>
public sealed class ListUpload(AppDbContext db, DataVersion version, TimeProvider clock)
{
    /// <summary>100,000 entries of the longest rows a list has in practice fit well within this.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    private const int CommandTimeoutSeconds = 600;

    public async Task<UploadOutcome> RunAsync(NamedList list, Stream body, ImportFormat format, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var counted = new ImportBody(body, MaxBodyBytes, hash);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlCommand(ImportSql.CheckClient, connection))
        {
            await check.ExecuteNonQueryAsync(ct);
        }

        var (count, invalid) = await CopyAsync(connection, list, counted, format, now, ct);
        if (invalid is not null)
        {
            return new UploadOutcome.Invalid(invalid);
        }

        await using (var match = new NpgsqlCommand(ListSql.MatchEntries, connection) { CommandTimeout = CommandTimeoutSeconds })
        {
            match.Parameters.Add(new NpgsqlParameter("list_id", list.Id));
            match.Parameters.Add(new NpgsqlParameter("org", list.Organization));
            await match.ExecuteNonQueryAsync(ct);
        }

        list.AcceptEntries(count, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await version.BumpAsync(db, ct);
        return new UploadOutcome.Done(list, db.VersionOf(list));
    }

    /// <summary>Reads, checks and COPYs every entry; the count, or the problems (then nothing is kept).</summary>
    private static async Task<(int Count, ImportOutcome.Invalid? Invalid)> CopyAsync(NpgsqlConnection connection, NamedList list, ImportBody body,
        ImportFormat format, DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = new List<ImportRowError>();
        var truncated = false;
        var ids = new SequentialIds(now);
        var number = 0;
        await using var copy = await connection.BeginBinaryImportAsync(ListSql.CopyEntries, ct);
        copy.Timeout = TimeSpan.FromSeconds(CommandTimeoutSeconds);
        var rows = format == ImportFormat.Json
            ? ImportReaders.ReadJsonAsync(body, ListColumns.Set, errors, ct)
            : ImportReaders.ReadCsvAsync(body, ListColumns.Set, errors, ct);
        try
        {
            await foreach (var raw in rows)
            {
                number++;
                if (number > NamedList.MaxEntries)
                {
                    errors.Add(new ImportRowError(raw.Line, "", $"A list has at most {NamedList.MaxEntries} entries."));
                    break;
                }

                var entry = ListEntryParser.Parse(raw, number, today, errors);
                if (errors.Count >= ImportService.MaxRowErrors)
                {
                    truncated = true;
                    break;
                }

                // After the first invalid entry, entries are still checked (every problem is reported) but no longer copied.
                if (entry is not null && errors.Count == 0)
                {
                    await WriteAsync(copy, list.Id, ids.Next(), entry, ct);
                }
            }
        }
        catch (ImportFormatException e)
        {
            errors.Add(new ImportRowError(e.Line, "", e.Message));
        }

        if (errors.Count == 0 && number == 0)
        {
            errors.Add(new ImportRowError(1, "", "A list has at least one entry."));
        }

        if (errors.Count > 0)
        {
            return (0, new ImportOutcome.Invalid([.. errors.Take(ImportService.MaxRowErrors)], truncated)); // disposing the COPY unfinished cancels it
        }

        await copy.CompleteAsync(ct);
        return (number, null);
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, Guid listId, Guid id, ListedPerson entry, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(id, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(listId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(entry.Number, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(entry.FullName, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(entry.OtherNames.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await WriteAsync(copy, entry.BirthDate?.ToString(), ct);
        await WriteAsync(copy, entry.NationalId, ct);
        await copy.WriteAsync(entry.ExternalIds.Select(ImportRowParser.WriteExternalId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(entry.Nationalities.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await WriteAsync(copy, entry.Facility, ct);
        if (entry.ReleasedOn is { } releasedOn)
        {
            await copy.WriteAsync(releasedOn, NpgsqlDbType.Date, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }

        await WriteAsync(copy, entry.Note, ct);
    }

    private static Task WriteAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is not null ? copy.WriteAsync(value, NpgsqlDbType.Text, ct) : copy.WriteNullAsync(ct);
}
