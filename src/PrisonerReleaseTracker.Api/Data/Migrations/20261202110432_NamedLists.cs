using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class NamedLists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every name of a person, folded as names are folded everywhere (prt_fold), each once: a list's entries find
            // their namesakes (full or other names) through the GIN index on the column made of it.
            migrationBuilder.Sql("""
                CREATE FUNCTION prt_folded_names(full_name text, other_names text[]) RETURNS text[]
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT ARRAY(SELECT DISTINCT f.name FROM unnest(array_prepend(full_name, coalesce(other_names, '{}'))) AS n(name)
                                   CROSS JOIN LATERAL prt_fold(n.name) AS f(name) WHERE f.name <> '') $$;
                """);

            migrationBuilder.AddColumn<string[]>(
                name: "folded_names",
                table: "detainees",
                type: "text[]",
                nullable: true,
                computedColumnSql: "prt_folded_names(full_name, other_names)",
                stored: true);

            migrationBuilder.CreateTable(
                name: "named_lists",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    claimant = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    claimant_kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    metric = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    stated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stated_at_offset_minutes = table.Column<int>(type: "integer", nullable: false),
                    period_from = table.Column<DateOnly>(type: "date", nullable: false),
                    period_to = table.Column<DateOnly>(type: "date", nullable: false),
                    source_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    claim_id = table.Column<Guid>(type: "uuid", nullable: true),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    entries_uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    entry_count = table.Column<int>(type: "integer", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_named_lists", x => x.id);
                    table.ForeignKey(
                        name: "fk_named_lists_claims_claim_id",
                        column: x => x.claim_id,
                        principalTable: "claims",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "list_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    list_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    full_name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    other_names = table.Column<List<string>>(type: "text[]", nullable: false),
                    birth_date = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    national_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    external_ids = table.Column<List<string>>(type: "text[]", nullable: false),
                    nationalities = table.Column<List<string>>(type: "text[]", nullable: false),
                    facility = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    released_on = table.Column<DateOnly>(type: "date", nullable: true),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    born_on = table.Column<DateOnly>(type: "date", nullable: true, computedColumnSql: "CASE WHEN length(birth_date) = 10 THEN make_date(substr(birth_date, 1, 4)::int, substr(birth_date, 6, 2)::int, substr(birth_date, 9, 2)::int) END", stored: true),
                    folded_name = table.Column<string>(type: "text", nullable: true, computedColumnSql: "prt_fold(full_name)", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_list_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_list_entries_named_lists_list_id",
                        column: x => x.list_id,
                        principalTable: "named_lists",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "list_match_candidates",
                columns: table => new
                {
                    list_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    detainee_id = table.Column<Guid>(type: "uuid", nullable: false),
                    level = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_list_match_candidates", x => new { x.list_id, x.entry_id, x.detainee_id });
                    table.ForeignKey(
                        name: "fk_list_match_candidates_detainees_detainee_id",
                        column: x => x.detainee_id,
                        principalTable: "detainees",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_list_match_candidates_list_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "list_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_list_match_candidates_named_lists_list_id",
                        column: x => x.list_id,
                        principalTable: "named_lists",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "match_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    list_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_number = table.Column<int>(type: "integer", nullable: false),
                    detainee_id = table.Column<Guid>(type: "uuid", nullable: true),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    key_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_match_decisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_match_decisions_detainees_detainee_id",
                        column: x => x.detainee_id,
                        principalTable: "detainees",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_match_decisions_list_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "list_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_match_decisions_named_lists_list_id",
                        column: x => x.list_id,
                        principalTable: "named_lists",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_detainees_folded_names",
                table: "detainees",
                column: "folded_names")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_detainees_organization_national_id",
                table: "detainees",
                columns: new[] { "organization", "national_id" },
                filter: "national_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_list_entries_list_id_number",
                table: "list_entries",
                columns: new[] { "list_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_list_match_candidates_detainee_id",
                table: "list_match_candidates",
                column: "detainee_id");

            migrationBuilder.CreateIndex(
                name: "ix_list_match_candidates_entry_id",
                table: "list_match_candidates",
                column: "entry_id");

            migrationBuilder.CreateIndex(
                name: "ix_match_decisions_detainee_id",
                table: "match_decisions",
                column: "detainee_id");

            migrationBuilder.CreateIndex(
                name: "ix_match_decisions_entry_id",
                table: "match_decisions",
                column: "entry_id");

            migrationBuilder.CreateIndex(
                name: "ix_match_decisions_list_id_entry_id_recorded_at",
                table: "match_decisions",
                columns: new[] { "list_id", "entry_id", "recorded_at" });

            migrationBuilder.CreateIndex(
                name: "ix_named_lists_claim_id",
                table: "named_lists",
                column: "claim_id");

            // A list's entries and the candidates found for them are the list as published and as matched; decisions are
            // appended, never edited. The database refuses to change or remove any of them.
            foreach (var table in new[] { "list_entries", "list_match_candidates", "match_decisions" })
            {
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                        FOR EACH ROW EXECUTE FUNCTION prt_refuse_change();
                    CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                        FOR EACH STATEMENT EXECUTE FUNCTION prt_refuse_change();
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in new[] { "list_entries", "list_match_candidates", "match_decisions" })
            {
                migrationBuilder.Sql($"DROP TRIGGER {table}_no_truncate ON {table}; DROP TRIGGER {table}_append_only ON {table};");
            }

            migrationBuilder.DropTable(
                name: "list_match_candidates");

            migrationBuilder.DropTable(
                name: "match_decisions");

            migrationBuilder.DropTable(
                name: "list_entries");

            migrationBuilder.DropTable(
                name: "named_lists");

            migrationBuilder.DropIndex(
                name: "ix_detainees_folded_names",
                table: "detainees");

            migrationBuilder.DropIndex(
                name: "ix_detainees_organization_national_id",
                table: "detainees");

            migrationBuilder.DropColumn(
                name: "folded_names",
                table: "detainees");

            migrationBuilder.Sql("DROP FUNCTION prt_folded_names(text, text[]);");
        }
    }
}
