using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// A claimed list of names for POST /api/v1/lists/{id}/entries (text/csv), and the limit its upload is measured against:
/// the same entries written with binary COPY straight into <c>list_entries</c>, no matching.
/// <para>
/// The mix, entry by entry: 70% name someone among the first <c>people</c> of the record (present at every scale at or
/// above it, so the same list serves the growth row), of whom a quarter by external id (Exact), 45% by full name and
/// birth date (Strong when the record has a compatible date), 20% by full name alone (Weak, or Ambiguous among
/// namesakes) and 10% by another name with the birth date; Latin names often unaccented and in lower case, as lists are
/// typed. The other 30% are people beyond any generated scale, named from the same pools: mostly no match, sometimes a
/// namesake. Drawn with replacement, so some people are listed twice (DuplicateInList).
/// </para>
/// </summary>
internal static class ListData
{
    public static readonly string[] Header = ["fullName", "otherNames", "birthDate", "externalId", "nationalities", "facility", "releasedOn", "note"];

    /// <summary>People nobody generates (the import's start at 50,000,000, lists' at 60,000,000).</summary>
    private const long FirstUnknown = 60_000_000;

    /// <summary>
    /// Writes the list as CSV (<paramref name="path"/>, what list-copy reads) and, when <paramref name="jsonPath"/> is
    /// given, the same entries as a JSON array (what the upload sends: see bench/README.md on why not the CSV).
    /// </summary>
    public static int WriteCsv(long entries, long people, long seed, string path, string? jsonPath)
    {
        using var json = jsonPath is null ? null : new Utf8JsonWriter(File.Create(jsonPath), new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json?.WriteStartArray();
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(',', Header));
        writer.Write('\n');
        var fields = new string[Header.Length];
        for (long k = 0; k < entries; k++)
        {
            var rng = new Rng(seed, 11, k);
            Array.Fill(fields, "");
            var known = rng.Chance(0.7);
            var index = known ? (long)(rng.NextDouble() * people) : FirstUnknown + k;
            var person = DataModel.Person(seed, index);
            var d = person.Detainee;
            var how = rng.NextDouble();
            var name = d.FullName;
            if (known && how >= 0.9 && d.OtherNames.Length > 0)
            {
                name = d.OtherNames[0];
            }

            if (name[0] < '\u0250' && rng.Chance(0.4))
            {
                name = SearchTerms.Unaccent(name).ToLowerInvariant();
            }

            fields[0] = name;
            if (known && how < 0.25)
            {
                fields[3] = d.ExternalScheme + ":" + d.ExternalValue;
            }
            else if (how < 0.7 || how >= 0.9 || !known)
            {
                // A birth date as the list gives it: sometimes only the year.
                var birth = d.BirthDate;
                fields[2] = birth is null ? "" : rng.Chance(0.2) ? birth[..4] : birth;
            }

            fields[4] = string.Join(';', d.Nationalities);
            if (rng.Chance(0.5))
            {
                fields[5] = DataModel.Facility(person.Detentions[0].FacilityIndex).Name;
                fields[6] = person.Releases[^1].ReleasedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            if (rng.Chance(0.05))
            {
                fields[7] = "listed by the bench";
            }

            for (var f = 0; f < fields.Length; f++)
            {
                if (f > 0)
                {
                    writer.Write(',');
                }

                ImportData.WriteField(writer, fields[f]);
            }

            writer.Write('\n');
            if (json is not null)
            {
                WriteJson(json, fields);
            }
        }

        json?.WriteEndArray();
        return 0;
    }

    /// <summary>One entry as a JSON object: the CSV's fields, lists as arrays of strings, empty fields left out.</summary>
    private static void WriteJson(Utf8JsonWriter json, string[] fields)
    {
        json.WriteStartObject();
        for (var f = 0; f < fields.Length; f++)
        {
            if (fields[f].Length == 0)
            {
                continue;
            }

            if (Header[f] is "otherNames" or "nationalities")
            {
                json.WriteStartArray(Header[f]);
                foreach (var item in List(fields[f]))
                {
                    json.WriteStringValue(item);
                }

                json.WriteEndArray();
            }
            else
            {
                json.WriteString(Header[f], fields[f]);
            }
        }

        json.WriteEndObject();
    }

    private static string[] List(string text) => text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Reads the CSV and writes its entries into list <paramref name="listId"/> with binary COPY, in one transaction (the
    /// columns the API's upload COPYs); prints "entries seconds entries/s". With a warm-up file, first does the same with
    /// it, untimed, and rolls it back.
    /// </summary>
    public static async Task<int> CopyAsync(string connectionString, Guid listId, string csvPath, string? warmCsvPath)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await conn.OpenAsync();
        if (warmCsvPath is not null)
        {
            await CopyOnceAsync(conn, listId, warmCsvPath, commit: false);
        }

        var clock = Stopwatch.StartNew();
        var rows = await CopyOnceAsync(conn, listId, csvPath, commit: true);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows} {seconds:F3} {rows / seconds:F1}"));
        return 0;
    }

    private static async Task<int> CopyOnceAsync(NpgsqlConnection conn, Guid listId, string csvPath, bool commit)
    {
        var now = DateTimeOffset.UtcNow;
        await using var tx = await conn.BeginTransactionAsync();
        var number = 0;
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY list_entries (id, list_id, number, full_name, other_names, birth_date, national_id, external_ids, nationalities, facility,
                               released_on, note)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            using var file = new StreamReader(csvPath, Encoding.UTF8);
            _ = await file.ReadLineAsync();
            while (await file.ReadLineAsync() is { } line)
            {
                var f = ImportData.ReadFields(line);
                number++;
                await w.StartRowAsync();
                await w.WriteAsync(Guid.CreateVersion7(now), NpgsqlDbType.Uuid);
                await w.WriteAsync(listId, NpgsqlDbType.Uuid);
                await w.WriteAsync(number, NpgsqlDbType.Integer);
                await w.WriteAsync(f[0], NpgsqlDbType.Text);
                await w.WriteAsync(List(f[1]), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await WriteAsync(w, f[2]);
                await w.WriteNullAsync();
                await w.WriteAsync(List(f[3]), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync(List(f[4]), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await WriteAsync(w, f[5]);
                if (f[6].Length > 0)
                {
                    await w.WriteAsync(DateOnly.ParseExact(f[6], "yyyy-MM-dd", CultureInfo.InvariantCulture), NpgsqlDbType.Date);
                }
                else
                {
                    await w.WriteNullAsync();
                }

                await WriteAsync(w, f[7]);
            }

            await w.CompleteAsync();
        }

        if (commit)
        {
            await tx.CommitAsync();
        }
        else
        {
            await tx.RollbackAsync();
        }

        return number;
    }

    private static Task WriteAsync(NpgsqlBinaryImporter w, string value) =>
        value.Length > 0 ? w.WriteAsync(value, NpgsqlDbType.Text) : w.WriteNullAsync();
}
