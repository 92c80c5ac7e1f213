namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>
/// The SQL of an import. Rows reach a temporary staging table by binary COPY; matching, facilities, sources
/// and the inserts into the record are set-based statements over it, all in the import's one transaction.
/// What the import reads of the record as the importer may see it (namesakes, sources on record) is asked in LINQ
/// (<see cref="ImportService"/>), where the visibility rules apply. Names of tables and columns are checked against
/// the model by a test; enum values come from the enums. Parameters: <c>@org</c>, <c>@key</c> (the importing key's
/// id), <c>@now</c>, <c>@dry</c>, <c>@idempotencyKey</c>.
/// </summary>
internal static class ImportSql
{
    /// <summary>
    /// PostgreSQL checks the client socket every 500 ms while a statement runs, so a dead API process (or connection)
    /// ends the import's statement and transaction instead of letting it run on and commit. And the transaction plans
    /// as PostgreSQL does by default: the pool starts sessions with <c>force_custom_plan</c> (<c>DatabaseConnection</c>),
    /// which plans again at each execution every statement PostgreSQL would keep a plan of, those inside PL/pgSQL
    /// triggers and functions included (a 10,000-entry list upload took 2.5 times as long with it; bench/README.md).
    /// </summary>
    public const string CheckClient = "SET LOCAL client_connection_check_interval = 500; SET LOCAL plan_cache_mode = auto";

    public const string CreateStaging = """
        CREATE TEMP TABLE import_rows (
            line integer NOT NULL,
            detainee_id uuid NOT NULL,
            detention_id uuid,
            release_id uuid,
            full_name text NOT NULL,
            other_names text[] NOT NULL,
            gender text NOT NULL,
            birth_date text,
            birth_earliest date,
            birth_latest date,
            nationalities text[] NOT NULL,
            categories text[] NOT NULL,
            is_protected boolean NOT NULL,
            national_id text,
            notes text,
            ext_schemes text[] NOT NULL,
            ext_values text[] NOT NULL,
            arrested_on text,
            facility text,
            facility_country text,
            arresting_authority text,
            charges text[] NOT NULL,
            released_on date,
            release_kind text,
            charges_dropped boolean,
            travel_ban boolean NOT NULL,
            barred_from_public_statements boolean NOT NULL,
            must_report_to_court boolean NOT NULL,
            source_urls text[] NOT NULL,
            name_key text GENERATED ALWAYS AS (prt_fold(full_name)) STORED,
            facility_key text GENERATED ALWAYS AS (prt_fold(facility)) STORED,
            matched_id uuid,
            facility_id uuid
        ) ON COMMIT DROP
        """;

    public const string Copy = """
        COPY import_rows (line, detainee_id, detention_id, release_id, full_name, other_names, gender, birth_date, birth_earliest,
            birth_latest, nationalities, categories, is_protected, national_id, notes, ext_schemes, ext_values, arrested_on, facility,
            facility_country, arresting_authority, charges, released_on, release_kind, charges_dropped, travel_ban,
            barred_from_public_statements, must_report_to_court, source_urls) FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>Indexes and statistics for the staged rows (autovacuum never analyzes temporary tables).</summary>
    public const string Prepare = """
        CREATE UNIQUE INDEX ON import_rows (line);
        CREATE INDEX ON import_rows (name_key, line);
        ANALYZE import_rows;
        CREATE TEMP TABLE import_external_ids ON COMMIT DROP AS
            SELECT r.line, u.scheme, u.value FROM import_rows r CROSS JOIN LATERAL unnest(r.ext_schemes, r.ext_values) AS u(scheme, value);
        CREATE INDEX ON import_external_ids (scheme, value);
        ANALYZE import_external_ids;
        """;

    /// <summary>
    /// A row whose external id this organization already used matches that person; else a row whose external id
    /// an earlier row of the file has matches the earlier row's person. Matched rows create nothing.
    /// </summary>
    public const string MatchByExternalId = """
        UPDATE import_rows r SET matched_id = hit.detainee_id
        FROM (SELECT DISTINCT ON (x.line) x.line, e.detainee_id
              FROM import_external_ids x
              JOIN detainee_external_ids e ON e.scheme = x.scheme AND e.value = x.value
              JOIN detainees d ON d.id = e.detainee_id AND d.organization = @org
              ORDER BY x.line, e.detainee_id) hit
        WHERE r.line = hit.line;

        UPDATE import_rows r SET matched_id = coalesce(earlier.matched_id, earlier.detainee_id)
        FROM (SELECT x.line, min(f.first_line) AS first_line
              FROM import_external_ids x
              JOIN (SELECT scheme, value, min(line) AS first_line FROM import_external_ids GROUP BY scheme, value) f USING (scheme, value)
              GROUP BY x.line) t
        JOIN import_rows earlier ON earlier.line = t.first_line
        WHERE r.line = t.line AND t.first_line < r.line AND r.matched_id IS NULL;
        """;

    /// <summary>A row matched to an earlier row that is itself matched follows it to the person it matched; repeated until none moves.</summary>
    public const string FollowMatchChains = """
        UPDATE import_rows r SET matched_id = t.matched_id
        FROM import_rows t
        WHERE r.matched_id = t.detainee_id AND t.matched_id IS NOT NULL AND t.line < r.line
        """;

    /// <summary>
    /// Facilities by name, case and accents folded: an existing one (the oldest of that name), else a new one of
    /// kind Other in the facilityCountry of the first row naming it, or that row's first nationality.
    /// </summary>
    public const string ResolveFacilities = """
        CREATE TEMP TABLE import_facilities ON COMMIT DROP AS
            SELECT facility_key AS key,
                   (array_agg(facility ORDER BY line))[1] AS name,
                   min(line) AS first_line,
                   (array_agg(coalesce(facility_country, nationalities[1]) ORDER BY line)
                       FILTER (WHERE coalesce(facility_country, nationalities[1]) IS NOT NULL))[1] AS country,
                   NULL::uuid AS id,
                   false AS is_new
            FROM import_rows
            WHERE matched_id IS NULL AND facility_key IS NOT NULL
            GROUP BY facility_key;

        UPDATE import_facilities i SET id = f.id
        FROM (SELECT DISTINCT ON (prt_fold(name)) prt_fold(name) AS key, id FROM facilities ORDER BY prt_fold(name), id) f
        WHERE f.key = i.key;

        UPDATE import_facilities SET id = prt_uuid_v7(), is_new = true WHERE id IS NULL AND country IS NOT NULL;

        UPDATE import_rows r SET facility_id = i.id FROM import_facilities i WHERE r.facility_key = i.key AND r.matched_id IS NULL;
        """;

    public const string FacilitiesWithoutCountry = "SELECT first_line AS \"Value\" FROM import_facilities WHERE id IS NULL ORDER BY first_line LIMIT 1000";

    /// <summary>The distinct source URLs of the rows that create something, each to be resolved to a source.</summary>
    public const string StageSources = """
        CREATE TEMP TABLE import_sources ON COMMIT DROP AS
            SELECT u.url, min(r.line) AS first_line, NULL::uuid AS id, false AS is_new
            FROM import_rows r CROSS JOIN LATERAL unnest(r.source_urls) AS u(url)
            WHERE r.matched_id IS NULL
            GROUP BY u.url;
        CREATE UNIQUE INDEX ON import_sources (url);
        """;

    /// <summary>The URLs to resolve, for the query that finds the sources on record the importer may see.</summary>
    public const string StagedSourceUrls = "SELECT url AS \"Value\" FROM import_sources";

    /// <summary>Sources by exact URL: the one on record found for it (<c>@urls</c>, <c>@ids</c>), or a new one.</summary>
    public const string ResolveSources = """
        UPDATE import_sources i SET id = found.id FROM unnest(@urls::text[], @ids::uuid[]) AS found(url, id) WHERE found.url = i.url;
        UPDATE import_sources SET id = prt_uuid_v7(), is_new = true WHERE id IS NULL;
        """;

    /// <summary>What an import creates, named as <see cref="Domain.Changes.ImportCounts"/> reads it.</summary>
    public const string Counts = """
        SELECT count(*)::int AS rows,
               count(*) FILTER (WHERE matched_id IS NULL)::int AS detainees_created,
               count(*) FILTER (WHERE matched_id IS NOT NULL)::int AS detainees_matched,
               count(*) FILTER (WHERE matched_id IS NULL AND detention_id IS NOT NULL)::int AS detentions_created,
               count(*) FILTER (WHERE matched_id IS NULL AND release_id IS NOT NULL)::int AS releases_created,
               (SELECT count(*) FROM import_facilities WHERE is_new)::int AS facilities_created,
               (SELECT count(*) FROM import_sources WHERE is_new)::int AS sources_created
        FROM import_rows
        """;

    /// <summary>The rows that create a person, with what their namesakes on record are found by (<see cref="StagedPerson"/>).</summary>
    public const string NewPeople = "SELECT line, name_key, birth_earliest, birth_latest FROM import_rows WHERE matched_id IS NULL";

    /// <summary>
    /// Possible duplicates within the file: for each row that creates a person, the first earlier row with the same
    /// folded name and a birth date that could be the same day (unknown is compatible). Walks the file in line order
    /// and stops at the cap (<c>@max_duplicates</c>). Columns named as <see cref="PossibleDuplicate"/> reads them.
    /// </summary>
    public const string EarlierRowDuplicates = """
        SELECT r.line, CASE WHEN @dry THEN NULL ELSE e.detainee_id END AS existing_detainee_id, e.line AS existing_line
        FROM import_rows r
        CROSS JOIN LATERAL (
            SELECT e.line, e.detainee_id FROM import_rows e
            WHERE e.name_key = r.name_key AND e.line < r.line AND e.matched_id IS NULL
              AND (r.birth_earliest IS NULL OR e.birth_earliest IS NULL
                   OR (e.birth_earliest <= r.birth_latest AND r.birth_earliest <= e.birth_latest))
            ORDER BY e.line
            LIMIT 1) e
        WHERE r.matched_id IS NULL
        ORDER BY r.line
        LIMIT @max_duplicates
        """;

    /// <summary>
    /// The answer lists at most this many possible duplicates, the first lines' first. The namesakes on record and the
    /// earlier rows are each found walking the file in line order and stopping at the cap, so a file full of common
    /// names costs as many lookups as it takes to fill the list, not one per row against every namesake on record.
    /// </summary>
    public const int MaxDuplicates = 1000;

    /// <summary>Namesakes on record listed for one row, the oldest ids first (the folded-name index holds them in that order).</summary>
    public const int MaxDuplicatesPerRow = 10;

    public const string Insert = $"""
        INSERT INTO facilities (id, name, kind, city, region, country, organization, created_at)
        SELECT id, name, '{nameof(FacilityKind.Other)}', NULL, NULL, country, @org, @now FROM import_facilities WHERE is_new ORDER BY first_line;

        INSERT INTO sources (id, url, publisher, kind, title, published_at, language, organization, created_at)
        SELECT id, url, NULL, '{nameof(SourceKind.Other)}', NULL, NULL, NULL, @org, @now FROM import_sources WHERE is_new ORDER BY first_line;

        INSERT INTO detainees (id, full_name, other_names, gender, birth_date, nationalities, categories, is_protected, national_id, notes,
                               status, organization, created_at, updated_at)
        SELECT detainee_id, full_name, other_names, gender, birth_date, nationalities, categories, is_protected, national_id, notes,
               CASE WHEN release_id IS NOT NULL THEN '{nameof(DetaineeStatus.Released)}' WHEN detention_id IS NOT NULL THEN '{nameof(DetaineeStatus.Detained)}' ELSE '{nameof(DetaineeStatus.Unknown)}' END,
               @org, @now, @now
        FROM import_rows WHERE matched_id IS NULL ORDER BY line;

        INSERT INTO detainee_external_ids (scheme, value, detainee_id)
        SELECT x.scheme, x.value, r.detainee_id
        FROM import_external_ids x JOIN import_rows r ON r.line = x.line
        WHERE r.matched_id IS NULL ORDER BY x.line;

        INSERT INTO detentions (id, detainee_id, arrested_on, arrest_place, arresting_authority, facility_id, charges, released_on,
                                organization, created_at)
        SELECT detention_id, detainee_id, arrested_on, NULL, arresting_authority, facility_id, charges, released_on, @org, @now
        FROM import_rows WHERE matched_id IS NULL AND detention_id IS NOT NULL ORDER BY line;

        INSERT INTO releases (id, detention_id, detainee_id, released_on, kind, facility_id, source_ids, note, reported_by_key_id,
                              reported_by_organization, organization, created_at, status, status_occurred_at, status_organization,
                              event_count, conditions_barred_from_public_statements, conditions_charges_dropped,
                              conditions_must_report_to_court, conditions_travel_ban)
        SELECT r.release_id, r.detention_id, r.detainee_id, r.released_on, r.release_kind, r.facility_id,
               ARRAY(SELECT s.id FROM unnest(r.source_urls) WITH ORDINALITY AS u(url, n) JOIN import_sources s ON s.url = u.url ORDER BY u.n),
               NULL, @key, @org, @org, @now, '{nameof(VerificationStatus.Reported)}', NULL, NULL, 0,
               r.barred_from_public_statements, r.charges_dropped, r.must_report_to_court, r.travel_ban
        FROM import_rows r WHERE r.matched_id IS NULL AND r.release_id IS NOT NULL ORDER BY r.line;
        """;

    /// <summary>Held until the transaction ends (or its connection dies): a second request with the key meanwhile is a 409.</summary>
    public const string LockKey = "SELECT pg_try_advisory_xact_lock(hashtextextended(@org || E'\\n' || @idempotencyKey, 6)) AS \"Value\"";
}

/// <summary>A row that creates a person, as its namesakes on record are found.</summary>
internal sealed record StagedPerson(int Line, string NameKey, DateOnly? BirthEarliest, DateOnly? BirthLatest);
