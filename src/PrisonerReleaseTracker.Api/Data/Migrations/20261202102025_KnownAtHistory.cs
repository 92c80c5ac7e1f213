using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class KnownAtHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_verification_events_verified_changes",
                table: "verification_events");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "end_recorded_at",
                table: "claims",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "detainee_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    detainee_id = table.Column<Guid>(type: "uuid", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    gender = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    nationalities = table.Column<List<string>>(type: "text[]", nullable: false),
                    categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    is_protected = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detainee_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_detainee_versions_detainees_detainee_id",
                        column: x => x.detainee_id,
                        principalTable: "detainees",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "release_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    release_id = table.Column<Guid>(type: "uuid", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    facility_id = table.Column<Guid>(type: "uuid", nullable: true),
                    charges_dropped = table.Column<bool>(type: "boolean", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_release_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_release_versions_releases_release_id",
                        column: x => x.release_id,
                        principalTable: "releases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tallies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<long>(type: "bigint", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    published_by_key_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from = table.Column<DateOnly>(type: "date", nullable: false),
                    to = table.Column<DateOnly>(type: "date", nullable: false),
                    as_of = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    known_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    group_by = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    verified_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    format_version = table.Column<int>(type: "integer", nullable: false),
                    answer = table.Column<string>(type: "text", nullable: false),
                    answer_digest = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    inputs_digest = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    input_count = table.Column<int>(type: "integer", nullable: false),
                    input_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    supersedes_number = table.Column<long>(type: "bigint", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tallies", x => x.id);
                    table.UniqueConstraint("ak_tallies_number", x => x.number);
                    table.ForeignKey(
                        name: "fk_tallies_tallies_supersedes_number",
                        column: x => x.supersedes_number,
                        principalTable: "tallies",
                        principalColumn: "number");
                });

            migrationBuilder.CreateTable(
                name: "tally_inputs",
                columns: table => new
                {
                    tally_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    row = table.Column<string>(type: "text", nullable: false),
                    row_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tally_inputs", x => new { x.tally_id, x.position });
                    table.ForeignKey(
                        name: "fk_tally_inputs_tallies_tally_id",
                        column: x => x.tally_id,
                        principalTable: "tallies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_verification_events_verified_changes",
                table: "verification_events",
                columns: new[] { "released_on", "occurred_at" },
                filter: "status IN ('Verified', 'Retracted')")
                .Annotation("Npgsql:IndexInclude", new[] { "status", "recorded_at" });

            migrationBuilder.CreateIndex(
                name: "ix_detainee_versions_detainee_id_recorded_at_id",
                table: "detainee_versions",
                columns: new[] { "detainee_id", "recorded_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "gender", "nationalities", "categories", "is_protected" });

            migrationBuilder.CreateIndex(
                name: "ix_release_versions_release_id_recorded_at_id",
                table: "release_versions",
                columns: new[] { "release_id", "recorded_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "kind", "facility_id", "charges_dropped" });

            migrationBuilder.CreateIndex(
                name: "ix_tallies_organization_number",
                table: "tallies",
                columns: new[] { "organization", "number" });

            migrationBuilder.CreateIndex(
                name: "ix_tallies_supersedes_number",
                table: "tallies",
                column: "supersedes_number",
                unique: true);

            // The moment a write is recorded at (RecordedMoment): the writing transaction's, set when it takes the audit
            // chain's lock; the clock for a write made outside the API.
            migrationBuilder.Sql($"""
                CREATE FUNCTION prt_recorded_at() RETURNS timestamptz LANGUAGE sql STABLE AS $$
                    SELECT coalesce(nullif(current_setting('{RecordedMoment.Setting}', true), '')::timestamptz, now())
                $$;

                CREATE FUNCTION prt_detainee_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' OR NEW.gender IS DISTINCT FROM OLD.gender OR NEW.nationalities IS DISTINCT FROM OLD.nationalities
                       OR NEW.categories IS DISTINCT FROM OLD.categories OR NEW.is_protected IS DISTINCT FROM OLD.is_protected THEN
                        INSERT INTO detainee_versions (detainee_id, recorded_at, gender, nationalities, categories, is_protected)
                        VALUES (NEW.id, prt_recorded_at(), NEW.gender, NEW.nationalities, NEW.categories, NEW.is_protected);
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION prt_release_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.facility_id IS DISTINCT FROM OLD.facility_id
                       OR NEW.conditions_charges_dropped IS DISTINCT FROM OLD.conditions_charges_dropped THEN
                        INSERT INTO release_versions (release_id, recorded_at, kind, facility_id, charges_dropped)
                        VALUES (NEW.id, prt_recorded_at(), NEW.kind, NEW.facility_id, NEW.conditions_charges_dropped);
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER {RecordHistory.DetaineeInserted} AFTER INSERT ON detainees
                    FOR EACH ROW EXECUTE FUNCTION prt_detainee_version();
                CREATE TRIGGER {RecordHistory.DetaineeChanged} AFTER UPDATE ON detainees
                    FOR EACH ROW EXECUTE FUNCTION prt_detainee_version();
                CREATE TRIGGER {RecordHistory.ReleaseInserted} AFTER INSERT ON releases
                    FOR EACH ROW EXECUTE FUNCTION prt_release_version();
                CREATE TRIGGER {RecordHistory.ReleaseChanged} AFTER UPDATE ON releases
                    FOR EACH ROW EXECUTE FUNCTION prt_release_version();

                -- Each record's history starts at its creation, with the values it holds now.
                INSERT INTO detainee_versions (detainee_id, recorded_at, gender, nationalities, categories, is_protected)
                SELECT id, created_at, gender, nationalities, categories, is_protected FROM detainees ORDER BY created_at, id;
                INSERT INTO release_versions (release_id, recorded_at, kind, facility_id, charges_dropped)
                SELECT id, created_at, kind, facility_id, conditions_charges_dropped FROM releases ORDER BY created_at, id;

                -- A claim's end was recorded when it was retracted, or when the claim that superseded it was entered.
                UPDATE claims c SET end_recorded_at = coalesce(
                    (SELECT min(n.created_at) FROM claims n WHERE n.supersedes_claim_id = c.id), greatest(c.ended_at, c.created_at))
                WHERE c.ended_at IS NOT NULL;
                """);

            // History and published tallies are append-only: corrections are new rows.
            foreach (var table in AppendOnly)
            {
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION prt_refuse_change();
                    CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION prt_refuse_change();
                    """);
            }

            migrationBuilder.Sql("CREATE TRIGGER tallies_bump_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tallies " +
                "FOR EACH STATEMENT EXECUTE FUNCTION prt_bump_data_version();");
        }

        private static readonly string[] AppendOnly = ["detainee_versions", "release_versions", "tallies", "tally_inputs"];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP TRIGGER tallies_bump_data_version ON tallies;
                DROP TRIGGER {RecordHistory.DetaineeInserted} ON detainees;
                DROP TRIGGER {RecordHistory.DetaineeChanged} ON detainees;
                DROP TRIGGER {RecordHistory.ReleaseInserted} ON releases;
                DROP TRIGGER {RecordHistory.ReleaseChanged} ON releases;
                DROP FUNCTION prt_detainee_version();
                DROP FUNCTION prt_release_version();
                DROP FUNCTION prt_recorded_at();
                """);

            migrationBuilder.DropTable(
                name: "detainee_versions");

            migrationBuilder.DropTable(
                name: "release_versions");

            migrationBuilder.DropTable(
                name: "tally_inputs");

            migrationBuilder.DropTable(
                name: "tallies");

            migrationBuilder.DropIndex(
                name: "ix_verification_events_verified_changes",
                table: "verification_events");

            migrationBuilder.DropColumn(
                name: "end_recorded_at",
                table: "claims");

            migrationBuilder.CreateIndex(
                name: "ix_verification_events_verified_changes",
                table: "verification_events",
                columns: new[] { "released_on", "occurred_at" },
                filter: "status IN ('Verified', 'Retracted')")
                .Annotation("Npgsql:IndexInclude", new[] { "status" });
        }
    }
}
