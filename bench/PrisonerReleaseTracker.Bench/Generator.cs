using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// Loads the synthetic record into an empty, migrated database with binary COPY. The schema stays the migrated
/// one: secondary indexes are dropped for the load and re-created from their own definitions afterwards (faster
/// than maintaining a trigram index row by row), and the load runs with session_replication_role = replica so
/// foreign-key and data-version triggers do not fire per row (the rows are consistent by construction); what the other
/// triggers keep (the totals' aggregates, the protected citations) is rebuilt after the load. Generated
/// columns (search_words, arrested_on_earliest/latest) are computed by PostgreSQL.
/// </summary>
internal static class Generator
{
    private static readonly string[] Tables =
        ["facilities", "sources", "claims", "detainees", "detainee_external_ids", "detentions", "releases", "verification_events"];

    /// <summary>
    /// What the schema's triggers keep (the totals' aggregates, the protected citations), which this load (triggers off)
    /// rebuilds from the rows.
    /// </summary>
    private static readonly string[] Aggregates =
        ["release_count_deltas", "release_count_month_deltas", "verified_person_days", "verified_person_deltas", "claim_verified_deltas", "protected_citations"];

    /// <summary>The records' histories (first versions written after the load, as the migration's backfill writes them).</summary>
    private static readonly string[] Histories = ["detainee_versions", "release_versions"];

    public static async Task<int> RunAsync(string connectionString, long scale, long seed)
    {
        var total = Stopwatch.StartNew();
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0, Pooling = false };
        var cs = builder.ConnectionString;
        await using (var check = await OpenAsync(cs))
        {
            var rows = await ScalarAsync<long>(check, "SELECT (SELECT count(*) FROM detainees) + (SELECT count(*) FROM releases)");
            if (rows > 0)
            {
                Console.Error.WriteLine("generate: the database already holds records; generate into an empty, migrated database.");
                return 2;
            }
        }

        List<(string Name, string Definition)> indexes;
        await using (var admin = await OpenAsync(cs))
        {
            indexes = [];
            await using (var cmd = new NpgsqlCommand("""
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                WHERE t.relname = ANY(@tables) AND t.relnamespace = 'public'::regnamespace
                  AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                """, admin))
            {
                cmd.Parameters.AddWithValue("tables", Tables);
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    indexes.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            foreach (var (name, _) in indexes)
            {
                await ExecAsync(admin, $"DROP INDEX {name}");
            }
        }

        Console.WriteLine($"generate: scale {scale:N0} detainees, seed {seed}; {indexes.Count} secondary indexes set aside for the load");
        var load = Stopwatch.StartNew();
        var counts = new long[Tables.Length];
        await Task.WhenAll(
            Task.Run(() => LoadPeopleAsync(cs, scale, seed, counts)),
            Task.Run(() => LoadReleasesAsync(cs, scale, seed, counts)));
        Console.WriteLine($"generate: COPY done in {load.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", Tables.Select((t, i) => $"{t} {counts[i]:N0}")));

        var build = Stopwatch.StartNew();
        await RunParallelAsync(cs, indexes.OrderByDescending(i => i.Definition.Contains("gin", StringComparison.OrdinalIgnoreCase)).Select(i => i.Definition));
        Console.WriteLine($"generate: {indexes.Count} indexes re-created in {build.Elapsed.TotalSeconds:F1} s");

        var aggregates = Stopwatch.StartNew();
        await using (var conn = await OpenAsync(cs))
        {
            await ExecAsync(conn, "SELECT prt_rebuild_totals()");
            await ExecAsync(conn, "SELECT prt_rebuild_protected_citations()");
        }

        Console.WriteLine($"generate: totals' aggregates and protected citations rebuilt in {aggregates.Elapsed.TotalSeconds:F1} s");

        // The records' histories, which answers known at a past moment replay: the schema's triggers write a record's
        // first version when it is inserted, and they are off for this load (replica mode). Each record's first version,
        // as the migration that added the histories wrote it for the records then on file (KnownAtHistory): without them
        // a replay finds no release known at any moment and counts nothing.
        var versions = Stopwatch.StartNew();
        await using (var conn = await OpenAsync(cs))
        {
            await ExecAsync(conn, "SET session_replication_role = replica");
            await ExecAsync(conn, """
                INSERT INTO detainee_versions (detainee_id, recorded_at, gender, nationalities, categories, is_protected)
                SELECT id, created_at, gender, nationalities, categories, is_protected FROM detainees ORDER BY created_at, id
                """);
            await ExecAsync(conn, """
                INSERT INTO release_versions (release_id, recorded_at, kind, facility_id, charges_dropped)
                SELECT id, created_at, kind, facility_id, conditions_charges_dropped FROM releases ORDER BY created_at, id
                """);
        }

        Console.WriteLine($"generate: the records' first versions written in {versions.Elapsed.TotalSeconds:F1} s");

        var vacuum = Stopwatch.StartNew();
        // Every table all-visible, as autovacuum leaves a settled database: the aggregates are read by index-only scans,
        // which visit the table for every row of a page not marked all-visible (a run left release_count_deltas with
        // none of its pages marked, and the totals read 531 heap pages for 5,604 index rows).
        string[] vacuumed = [.. Tables, .. Aggregates, .. Histories];
        for (var pass = 1; pass <= 3; pass++)
        {
            await RunParallelAsync(cs, vacuumed.Select(t => $"VACUUM (FREEZE, ANALYZE) {t}"));
            await using var conn = await OpenAsync(cs);
            var notVisible = await ScalarAsync<long>(conn, $"""
                SELECT count(*) FROM pg_class WHERE relname = ANY(ARRAY['{string.Join("','", vacuumed)}'])
                  AND relkind = 'r' AND relallvisible < relpages
                """);
            if (notVisible == 0)
            {
                break;
            }
        }

        await using (var conn = await OpenAsync(cs))
        {
            await ExecAsync(conn, "SELECT nextval('prt_data_version')");
        }

        Console.WriteLine($"generate: VACUUM (FREEZE, ANALYZE) in {vacuum.Elapsed.TotalSeconds:F1} s; total {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string cs)
    {
        var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await ExecAsync(conn, "SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2; SET synchronous_commit = off");
        return conn;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Runs the statements on two connections (the machine's two cores), biggest first.</summary>
    private static async Task RunParallelAsync(string cs, IEnumerable<string> statements)
    {
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(statements);
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var conn = await OpenAsync(cs);
            while (queue.TryDequeue(out var sql))
            {
                await ExecAsync(conn, sql);
            }
        })));
    }

    private static async Task<NpgsqlConnection> OpenLoaderAsync(string cs)
    {
        var conn = await OpenAsync(cs);
        await ExecAsync(conn, "SET session_replication_role = replica");
        return conn;
    }

    private static async Task LoadPeopleAsync(string cs, long scale, long seed, long[] counts)
    {
        await using var conn = await OpenLoaderAsync(cs);
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY facilities (id, name, kind, city, region, country, organization, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < DataModel.Facilities; i++)
            {
                var (name, kind, city) = DataModel.Facility(i);
                w.StartRow();
                w.Write(DataModel.FacilityId(i), NpgsqlDbType.Uuid);
                w.Write(name, NpgsqlDbType.Text);
                w.Write(kind, NpgsqlDbType.Text);
                w.Write(city, NpgsqlDbType.Text);
                w.Write("Region " + (i % 24), NpgsqlDbType.Text);
                w.Write(i % 50 == 49 ? "CO" : "VE", NpgsqlDbType.Char);
                w.Write(DataModel.Organizations[i % DataModel.Organizations.Length], NpgsqlDbType.Text);
                w.Write(new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i), NpgsqlDbType.TimestampTz);
            }

            counts[0] = (long)await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY sources (id, url, publisher, kind, title, published_at, language, organization, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            string[] kinds = ["GovernmentStatement", "NgoReport", "NewsMedia", "NewsMedia", "SocialMedia", "Family", "Lawyer", "CourtDocument", "Other"];
            for (var i = 0; i < DataModel.Sources; i++)
            {
                var rng = new Rng(seed, 8, i);
                var published = new DateTimeOffset(2016, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(rng.Next(5_700_000));
                w.StartRow();
                w.Write(DataModel.SourceId(i), NpgsqlDbType.Uuid);
                w.Write(DataModel.SourceUrl(i), NpgsqlDbType.Text);
                w.Write("Publisher " + (i % 40), NpgsqlDbType.Text);
                w.Write(rng.Pick(kinds), NpgsqlDbType.Text);
                w.Write($"Report {i}: releases and detentions", NpgsqlDbType.Text);
                w.Write(published, NpgsqlDbType.TimestampTz);
                w.Write(rng.Chance(0.8) ? "es" : "en", NpgsqlDbType.Text);
                w.Write(DataModel.Organizations[i % DataModel.Organizations.Length], NpgsqlDbType.Text);
                w.Write(published.AddHours(2), NpgsqlDbType.TimestampTz);
            }

            counts[1] = (long)await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY claims (id, claimant, claimant_kind, metric, stated_at, period_from, period_to, original_text, source_ids, supersedes_claim_id, " +
            "status, ended_at, retraction_note, organization, created_at, count_qualifier, count_upper_value, count_value, stated_at_offset_minutes) " +
            "FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < DataModel.Claims; i++)
            {
                var c = ClaimModel.Claim(seed, i);
                w.StartRow();
                w.Write(c.Id, NpgsqlDbType.Uuid);
                w.Write(c.Claimant, NpgsqlDbType.Text);
                w.Write(c.ClaimantKind, NpgsqlDbType.Text);
                w.Write(c.Metric, NpgsqlDbType.Text);
                w.Write(c.StatedAt, NpgsqlDbType.TimestampTz);
                w.Write(c.PeriodFrom, NpgsqlDbType.Date);
                w.Write(c.PeriodTo, NpgsqlDbType.Date);
                w.Write(c.OriginalText, NpgsqlDbType.Text);
                w.Write(c.SourceIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid);
                WriteNullable(w, c.SupersedesClaimId, NpgsqlDbType.Uuid);
                w.Write(c.Status, NpgsqlDbType.Text);
                WriteNullable(w, c.EndedAt, NpgsqlDbType.TimestampTz);
                WriteNullable(w, c.RetractionNote, NpgsqlDbType.Text);
                w.Write(c.Organization, NpgsqlDbType.Text);
                w.Write(c.CreatedAt, NpgsqlDbType.TimestampTz);
                w.Write(c.CountQualifier, NpgsqlDbType.Text);
                WriteNullable(w, c.CountUpperValue, NpgsqlDbType.Integer);
                w.Write(c.CountValue, NpgsqlDbType.Integer);
                w.Write(c.StatedAtOffsetMinutes, NpgsqlDbType.Integer);
            }

            counts[2] = (long)await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(DetaineeCopy))
        {
            for (long i = 0; i < scale; i++)
            {
                WriteDetainee(w, DataModel.Person(seed, i).Detainee);
            }

            counts[3] = (long)await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(ExternalIdCopy))
        {
            for (long i = 0; i < scale; i++)
            {
                var d = DataModel.Person(seed, i).Detainee;
                WriteExternalId(w, d);
            }

            counts[4] = (long)await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(DetentionCopy))
        {
            for (long i = 0; i < scale; i++)
            {
                foreach (var d in DataModel.Person(seed, i).Detentions)
                {
                    WriteDetention(w, d);
                }
            }

            counts[5] = (long)await w.CompleteAsync();
        }
    }

    private static async Task LoadReleasesAsync(string cs, long scale, long seed, long[] counts)
    {
        await using var conn = await OpenLoaderAsync(cs);
        await using (var w = await conn.BeginBinaryImportAsync(ReleaseCopy))
        {
            for (long i = 0; i < scale; i++)
            {
                foreach (var r in DataModel.Person(seed, i).Releases)
                {
                    WriteRelease(w, r);
                }
            }

            counts[6] = (long)await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY verification_events (id, release_id, sequence, status, method, occurred_at, recorded_at, key_id, organization, note, source_ids, released_on) " +
            "FROM STDIN (FORMAT BINARY)"))
        {
            for (long i = 0; i < scale; i++)
            {
                var person = DataModel.Person(seed, i);
                foreach (var e in person.Events)
                {
                    w.StartRow();
                    w.Write(e.Id, NpgsqlDbType.Uuid);
                    w.Write(e.ReleaseId, NpgsqlDbType.Uuid);
                    w.Write(e.Sequence, NpgsqlDbType.Integer);
                    w.Write(e.Status, NpgsqlDbType.Text);
                    w.Write(e.Method, NpgsqlDbType.Text);
                    w.Write(e.OccurredAt, NpgsqlDbType.TimestampTz);
                    w.Write(e.RecordedAt, NpgsqlDbType.TimestampTz);
                    w.Write(e.KeyId, NpgsqlDbType.Uuid);
                    w.Write(e.Organization, NpgsqlDbType.Text);
                    WriteNullable(w, e.Note, NpgsqlDbType.Text);
                    w.Write(e.SourceIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid);
                    // The schema's trigger fills the release's day in; it is off for this load (replica mode).
                    w.Write(person.Releases.First(r => r.Id == e.ReleaseId).ReleasedOn, NpgsqlDbType.Date);
                }
            }

            counts[7] = (long)await w.CompleteAsync();
        }
    }

    // ---- row writers, shared with the import baseline ----------------------------------------------------------

    public const string DetaineeCopy =
        "COPY detainees (id, full_name, other_names, gender, birth_date, nationalities, categories, is_protected, national_id, notes, status, " +
        "organization, created_at, updated_at) FROM STDIN (FORMAT BINARY)";

    public const string ExternalIdCopy = "COPY detainee_external_ids (scheme, value, detainee_id) FROM STDIN (FORMAT BINARY)";

    public const string DetentionCopy =
        "COPY detentions (id, detainee_id, arrested_on, arrest_place, arresting_authority, facility_id, charges, released_on, organization, created_at) " +
        "FROM STDIN (FORMAT BINARY)";

    public const string ReleaseCopy =
        "COPY releases (id, detention_id, detainee_id, released_on, kind, facility_id, source_ids, note, reported_by_key_id, reported_by_organization, " +
        "organization, created_at, status, status_occurred_at, status_organization, event_count, conditions_charges_dropped, conditions_travel_ban, " +
        "conditions_barred_from_public_statements, conditions_must_report_to_court) FROM STDIN (FORMAT BINARY)";

    public static void WriteDetainee(NpgsqlBinaryImporter w, DetaineeRow d)
    {
        w.StartRow();
        w.Write(d.Id, NpgsqlDbType.Uuid);
        w.Write(d.FullName, NpgsqlDbType.Text);
        w.Write(d.OtherNames, NpgsqlDbType.Array | NpgsqlDbType.Text);
        w.Write(d.Gender, NpgsqlDbType.Text);
        WriteNullable(w, d.BirthDate, NpgsqlDbType.Text);
        w.Write(d.Nationalities, NpgsqlDbType.Array | NpgsqlDbType.Text);
        w.Write(d.Categories, NpgsqlDbType.Array | NpgsqlDbType.Text);
        w.Write(d.IsProtected, NpgsqlDbType.Boolean);
        WriteNullable(w, d.NationalId, NpgsqlDbType.Text);
        WriteNullable(w, d.Notes, NpgsqlDbType.Text);
        w.Write(d.Status, NpgsqlDbType.Text);
        w.Write(d.Organization, NpgsqlDbType.Text);
        w.Write(d.CreatedAt, NpgsqlDbType.TimestampTz);
        w.Write(d.UpdatedAt, NpgsqlDbType.TimestampTz);
    }

    public static void WriteExternalId(NpgsqlBinaryImporter w, DetaineeRow d)
    {
        w.StartRow();
        w.Write(d.ExternalScheme, NpgsqlDbType.Text);
        w.Write(d.ExternalValue, NpgsqlDbType.Text);
        w.Write(d.Id, NpgsqlDbType.Uuid);
    }

    public static void WriteDetention(NpgsqlBinaryImporter w, DetentionRow d, Guid? facilityId = null)
    {
        w.StartRow();
        w.Write(d.Id, NpgsqlDbType.Uuid);
        w.Write(d.DetaineeId, NpgsqlDbType.Uuid);
        w.Write(d.ArrestedOn, NpgsqlDbType.Text);
        WriteNullable(w, d.ArrestPlace, NpgsqlDbType.Text);
        w.Write(d.ArrestingAuthority, NpgsqlDbType.Text);
        WriteNullable(w, facilityId ?? DataModel.FacilityId(d.FacilityIndex), NpgsqlDbType.Uuid);
        w.Write(d.Charges, NpgsqlDbType.Array | NpgsqlDbType.Text);
        WriteNullable(w, d.ReleasedOn, NpgsqlDbType.Date);
        w.Write(d.Organization, NpgsqlDbType.Text);
        w.Write(d.CreatedAt, NpgsqlDbType.TimestampTz);
    }

    public static void WriteRelease(NpgsqlBinaryImporter w, ReleaseRow r, Guid? facilityId = null)
    {
        w.StartRow();
        w.Write(r.Id, NpgsqlDbType.Uuid);
        w.Write(r.DetentionId, NpgsqlDbType.Uuid);
        w.Write(r.DetaineeId, NpgsqlDbType.Uuid);
        w.Write(r.ReleasedOn, NpgsqlDbType.Date);
        w.Write(r.Kind, NpgsqlDbType.Text);
        WriteNullable(w, facilityId ?? DataModel.FacilityId(r.FacilityIndex), NpgsqlDbType.Uuid);
        w.Write(r.SourceIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        WriteNullable(w, r.Note, NpgsqlDbType.Text);
        w.Write(r.ReportedByKeyId, NpgsqlDbType.Uuid);
        w.Write(r.ReportedByOrganization, NpgsqlDbType.Text);
        w.Write(r.Organization, NpgsqlDbType.Text);
        w.Write(r.CreatedAt, NpgsqlDbType.TimestampTz);
        w.Write(r.Status, NpgsqlDbType.Text);
        WriteNullable(w, r.StatusOccurredAt, NpgsqlDbType.TimestampTz);
        WriteNullable(w, r.StatusOrganization, NpgsqlDbType.Text);
        w.Write(r.EventCount, NpgsqlDbType.Integer);
        WriteNullable(w, r.ChargesDropped, NpgsqlDbType.Boolean);
        w.Write(r.TravelBan, NpgsqlDbType.Boolean);
        w.Write(r.BarredFromPublicStatements, NpgsqlDbType.Boolean);
        w.Write(r.MustReportToCourt, NpgsqlDbType.Boolean);
    }

    public static void WriteNullable<T>(NpgsqlBinaryImporter w, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            w.WriteNull();
        }
        else
        {
            w.Write(value, type);
        }
    }
}
