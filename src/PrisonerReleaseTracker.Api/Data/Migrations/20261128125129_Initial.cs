using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,")
                .Annotation("Npgsql:PostgresExtension:unaccent", ",,");

            // unaccent() is only STABLE (its dictionary could change), so an index cannot use it directly; these
            // wrappers pin the dictionary and are IMMUTABLE. Search folds names and queries with the same function.
            migrationBuilder.Sql("""
                CREATE FUNCTION prt_fold(text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
                AS $$ SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)), '\s+', ' ', 'g')) $$;

                CREATE FUNCTION prt_search_text(full_name text, other_names text[]) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT prt_fold(full_name || ' ' || coalesce(array_to_string(other_names, ' '), '')) $$;
                """);

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    prefix = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "claims",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    claimant = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    claimant_kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    metric = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    stated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    period_from = table.Column<DateOnly>(type: "date", nullable: false),
                    period_to = table.Column<DateOnly>(type: "date", nullable: false),
                    original_text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    source_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    supersedes_claim_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    retraction_note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    count_qualifier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    count_upper_value = table.Column<int>(type: "integer", nullable: true),
                    count_value = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_claims_claims_supersedes_claim_id",
                        column: x => x.supersedes_claim_id,
                        principalTable: "claims",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "detainees",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    full_name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    other_names = table.Column<List<string>>(type: "text[]", nullable: false),
                    gender = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    birth_date = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    nationalities = table.Column<List<string>>(type: "text[]", nullable: false),
                    categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    is_protected = table.Column<bool>(type: "boolean", nullable: false),
                    national_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    search_text = table.Column<string>(type: "text", nullable: true, computedColumnSql: "prt_search_text(full_name, other_names)", stored: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detainees", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "facilities",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    city = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    region = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_facilities", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sources",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    publisher = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    language = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: true),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sources", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "detainee_external_ids",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    scheme = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    detainee_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detainee_external_ids", x => x.id);
                    table.ForeignKey(
                        name: "fk_detainee_external_ids_detainees_detainee_id",
                        column: x => x.detainee_id,
                        principalTable: "detainees",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "detentions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    detainee_id = table.Column<Guid>(type: "uuid", nullable: false),
                    arrested_on = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    arrest_place = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    arresting_authority = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    facility_id = table.Column<Guid>(type: "uuid", nullable: true),
                    charges = table.Column<List<string>>(type: "text[]", nullable: false),
                    released_on = table.Column<DateOnly>(type: "date", nullable: true),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    arrested_on_earliest = table.Column<DateOnly>(type: "date", nullable: true, computedColumnSql: "make_date(substr(arrested_on, 1, 4)::int, coalesce(nullif(substr(arrested_on, 6, 2), '')::int, 1), coalesce(nullif(substr(arrested_on, 9, 2), '')::int, 1))", stored: true),
                    arrested_on_latest = table.Column<DateOnly>(type: "date", nullable: true, computedColumnSql: "CASE length(arrested_on) WHEN 4 THEN make_date(substr(arrested_on, 1, 4)::int, 12, 31) WHEN 7 THEN (make_date(substr(arrested_on, 1, 4)::int, substr(arrested_on, 6, 2)::int, 1) + interval '1 month' - interval '1 day')::date ELSE make_date(substr(arrested_on, 1, 4)::int, substr(arrested_on, 6, 2)::int, substr(arrested_on, 9, 2)::int) END", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detentions", x => x.id);
                    table.ForeignKey(
                        name: "fk_detentions_detainees_detainee_id",
                        column: x => x.detainee_id,
                        principalTable: "detainees",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_detentions_facilities_facility_id",
                        column: x => x.facility_id,
                        principalTable: "facilities",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "detention_transfer",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    detention_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_facility_id = table.Column<Guid>(type: "uuid", nullable: true),
                    to_facility_id = table.Column<Guid>(type: "uuid", nullable: false),
                    transferred_on = table.Column<DateOnly>(type: "date", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detention_transfer", x => x.id);
                    table.ForeignKey(
                        name: "fk_detention_transfer_detentions_detention_id",
                        column: x => x.detention_id,
                        principalTable: "detentions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_detention_transfer_facilities_from_facility_id",
                        column: x => x.from_facility_id,
                        principalTable: "facilities",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_detention_transfer_facilities_to_facility_id",
                        column: x => x.to_facility_id,
                        principalTable: "facilities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "releases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    detention_id = table.Column<Guid>(type: "uuid", nullable: false),
                    detainee_id = table.Column<Guid>(type: "uuid", nullable: false),
                    released_on = table.Column<DateOnly>(type: "date", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    facility_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    reported_by_key_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reported_by_organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    status_occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    status_organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    event_count = table.Column<int>(type: "integer", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    conditions_barred_from_public_statements = table.Column<bool>(type: "boolean", nullable: false),
                    conditions_charges_dropped = table.Column<bool>(type: "boolean", nullable: true),
                    conditions_must_report_to_court = table.Column<bool>(type: "boolean", nullable: false),
                    conditions_travel_ban = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_releases", x => x.id);
                    table.ForeignKey(
                        name: "fk_releases_detainees_detainee_id",
                        column: x => x.detainee_id,
                        principalTable: "detainees",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_releases_detentions_detention_id",
                        column: x => x.detention_id,
                        principalTable: "detentions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_releases_facilities_facility_id",
                        column: x => x.facility_id,
                        principalTable: "facilities",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "verification_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    release_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    method = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    key_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    source_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_verification_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_verification_events_releases_release_id",
                        column: x => x.release_id,
                        principalTable: "releases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_hash",
                table: "api_keys",
                column: "hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_prefix",
                table: "api_keys",
                column: "prefix");

            migrationBuilder.CreateIndex(
                name: "ix_claims_metric_stated_at",
                table: "claims",
                columns: new[] { "metric", "stated_at" });

            migrationBuilder.CreateIndex(
                name: "ix_claims_supersedes_claim_id",
                table: "claims",
                column: "supersedes_claim_id");

            migrationBuilder.CreateIndex(
                name: "ix_detainee_external_ids_detainee_id",
                table: "detainee_external_ids",
                column: "detainee_id");

            migrationBuilder.CreateIndex(
                name: "ix_detainee_external_ids_scheme_value",
                table: "detainee_external_ids",
                columns: new[] { "scheme", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_detainees_categories",
                table: "detainees",
                column: "categories")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_detainees_nationalities",
                table: "detainees",
                column: "nationalities")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_detainees_search_text",
                table: "detainees",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_detainees_status",
                table: "detainees",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_detention_transfer_detention_id",
                table: "detention_transfer",
                column: "detention_id");

            migrationBuilder.CreateIndex(
                name: "ix_detention_transfer_from_facility_id",
                table: "detention_transfer",
                column: "from_facility_id");

            migrationBuilder.CreateIndex(
                name: "ix_detention_transfer_to_facility_id",
                table: "detention_transfer",
                column: "to_facility_id");

            migrationBuilder.CreateIndex(
                name: "ix_detentions_arrested_on_earliest_arrested_on_latest",
                table: "detentions",
                columns: new[] { "arrested_on_earliest", "arrested_on_latest" });

            migrationBuilder.CreateIndex(
                name: "ix_detentions_facility_id",
                table: "detentions",
                column: "facility_id");

            migrationBuilder.CreateIndex(
                name: "ix_detentions_one_open_per_detainee",
                table: "detentions",
                column: "detainee_id",
                unique: true,
                filter: "released_on IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_releases_detainee_id",
                table: "releases",
                column: "detainee_id");

            migrationBuilder.CreateIndex(
                name: "ix_releases_detention_id",
                table: "releases",
                column: "detention_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_releases_facility_id",
                table: "releases",
                column: "facility_id");

            migrationBuilder.CreateIndex(
                name: "ix_releases_released_on_status",
                table: "releases",
                columns: new[] { "released_on", "status" })
                .Annotation("Npgsql:IndexInclude", new[] { "detainee_id" });

            migrationBuilder.CreateIndex(
                name: "ix_verification_events_release_id_occurred_at_recorded_at",
                table: "verification_events",
                columns: new[] { "release_id", "occurred_at", "recorded_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "status", "organization" });

            migrationBuilder.CreateIndex(
                name: "ix_verification_events_release_id_sequence",
                table: "verification_events",
                columns: new[] { "release_id", "sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "claims");

            migrationBuilder.DropTable(
                name: "detainee_external_ids");

            migrationBuilder.DropTable(
                name: "detention_transfer");

            migrationBuilder.DropTable(
                name: "sources");

            migrationBuilder.DropTable(
                name: "verification_events");

            migrationBuilder.DropTable(
                name: "releases");

            migrationBuilder.DropTable(
                name: "detentions");

            migrationBuilder.DropTable(
                name: "detainees");

            migrationBuilder.DropTable(
                name: "facilities");

            migrationBuilder.Sql("DROP FUNCTION prt_search_text(text, text[]); DROP FUNCTION prt_fold(text);");
        }
    }
}
