using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// Rows for the bulk import (POST /api/v1/imports, text/csv), and the limit it is measured against: the same rows
/// written with binary COPY straight into the tables an import fills (detainees, their external ids, detentions,
/// releases), with facilities and sources looked up by name and URL the way an import resolves them.
/// </summary>
internal static class ImportData
{
    public static readonly string[] Header =
    [
        "externalId", "fullName", "otherNames", "gender", "birthDate", "nationalities", "categories", "isProtected", "arrestedOn",
        "facility", "arrestingAuthority", "charges", "releasedOn", "releaseKind", "chargesDropped", "travelBan",
        "barredFromPublicStatements", "mustReportToCourt", "sourceUrl",
    ];

    /// <summary>People beyond any generated scale, so imported rows never collide with the loaded record.</summary>
    private const long FirstIndex = 50_000_000;

    public static int WriteCsv(long rows, long offset, long seed, string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(',', Header));
        writer.Write('\n');
        var fields = new string[Header.Length];
        for (long i = 0; i < rows; i++)
        {
            var index = FirstIndex + offset + i;
            var person = DataModel.Person(seed, index);
            var d = person.Detainee;
            var detention = person.Detentions[0];
            var release = person.Releases[0];
            var rng = new Rng(seed, 9, index);
            fields[0] = "bench-import:IMP-" + index.ToString("D9", CultureInfo.InvariantCulture);
            fields[1] = d.FullName;
            fields[2] = string.Join(';', d.OtherNames);
            fields[3] = d.Gender;
            fields[4] = d.BirthDate ?? "";
            fields[5] = string.Join(';', d.Nationalities);
            fields[6] = string.Join(';', d.Categories);
            fields[7] = d.IsProtected ? "true" : "false";
            fields[8] = detention.ArrestedOn;
            fields[9] = DataModel.Facility(detention.FacilityIndex).Name;
            fields[10] = detention.ArrestingAuthority;
            fields[11] = string.Join(';', detention.Charges);
            fields[12] = release.ReleasedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            fields[13] = release.Kind;
            fields[14] = release.ChargesDropped switch { true => "true", false => "false", null => "" };
            fields[15] = release.TravelBan ? "true" : "false";
            fields[16] = release.BarredFromPublicStatements ? "true" : "false";
            fields[17] = release.MustReportToCourt ? "true" : "false";
            fields[18] = rng.Chance(0.5) ? DataModel.SourceUrl(rng.Next(DataModel.Sources)) : "";
            for (var f = 0; f < fields.Length; f++)
            {
                if (f > 0)
                {
                    writer.Write(',');
                }

                WriteField(writer, fields[f]);
            }

            writer.Write('\n');
        }

        return 0;
    }

    internal static void WriteField(StreamWriter writer, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\n\r") < 0)
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }

    /// <summary>RFC 4180 fields of one line (the rows written above hold no line breaks inside fields).</summary>
    internal static List<string> ReadFields(string line)
    {
        var fields = new List<string>(Header.Length);
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString());
        return fields;
    }

    private static string[] List(string text) => text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Reads the CSV and writes its rows with binary COPY, in one transaction; prints "rows seconds rows/s". With a warm-up
    /// file, first does the same with it, untimed, and rolls it back: the timed run then meets code already compiled.
    /// </summary>
    public static async Task<int> CopyAsync(string connectionString, string csvPath, string? warmCsvPath)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await conn.OpenAsync();
        if (warmCsvPath is not null)
        {
            await CopyOnceAsync(conn, warmCsvPath, commit: false);
        }

        var clock = Stopwatch.StartNew();
        var rows = await CopyOnceAsync(conn, csvPath, commit: true);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows} {seconds:F3} {rows / seconds:F1}"));
        return 0;
    }

    private static async Task<int> CopyOnceAsync(NpgsqlConnection conn, string csvPath, bool commit)
    {
        var facilities = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT name, id FROM facilities", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                facilities[reader.GetString(0)] = reader.GetGuid(1);
            }
        }

        var sources = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT url, id FROM sources", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sources[reader.GetString(0)] = reader.GetGuid(1);
            }
        }

        var now = DateTimeOffset.UtcNow;
        var keyId = Guid.CreateVersion7(now);
        const string organization = "Bench Importer";
        var people = new List<(DetaineeRow Detainee, DetentionRow Detention, ReleaseRow Release, Guid FacilityId)>();
        using (var file = new StreamReader(csvPath, Encoding.UTF8))
        {
            _ = await file.ReadLineAsync();
            while (await file.ReadLineAsync() is { } line)
            {
                var f = ReadFields(line);
                var colon = f[0].IndexOf(':', StringComparison.Ordinal);
                var detaineeId = Guid.CreateVersion7(now);
                var detainee = new DetaineeRow(detaineeId, f[1], List(f[2]), f[3], f[4].Length == 0 ? null : f[4], List(f[5]), List(f[6]),
                    bool.Parse(f[7]), null, null, "Released", organization, now, now, f[0][..colon], f[0][(colon + 1)..]);
                var facilityId = facilities[f[9]];
                var releasedOn = DateOnly.ParseExact(f[12], "yyyy-MM-dd", CultureInfo.InvariantCulture);
                var detention = new DetentionRow(Guid.CreateVersion7(now), detaineeId, f[8], null, f[10], -1, List(f[11]), releasedOn, organization, now);
                Guid[] sourceIds = f[18].Length == 0 ? [] : [sources[f[18]]];
                var release = new ReleaseRow(Guid.CreateVersion7(now), detention.Id, detaineeId, releasedOn, f[13], -1, sourceIds, null, keyId,
                    organization, organization, now, "Reported", null, null, 0, f[14].Length == 0 ? null : bool.Parse(f[14]),
                    bool.Parse(f[15]), bool.Parse(f[16]), bool.Parse(f[17]));
                people.Add((detainee, detention, release, facilityId));
            }
        }

        await using var tx = await conn.BeginTransactionAsync();
        await using (var w = await conn.BeginBinaryImportAsync(Generator.DetaineeCopy))
        {
            foreach (var p in people)
            {
                Generator.WriteDetainee(w, p.Detainee);
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(Generator.ExternalIdCopy))
        {
            foreach (var p in people)
            {
                Generator.WriteExternalId(w, p.Detainee);
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(Generator.DetentionCopy))
        {
            foreach (var p in people)
            {
                Generator.WriteDetention(w, p.Detention, p.FacilityId);
            }

            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(Generator.ReleaseCopy))
        {
            foreach (var p in people)
            {
                Generator.WriteRelease(w, p.Release, p.FacilityId);
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

        return people.Count;
    }
}
