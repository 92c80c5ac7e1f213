using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ModelHoldsTheDatabase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The model now declares what earlier migrations made in SQL alone: the data-version sequence and its
            // triggers, the append-only and release-day triggers, verification_events.released_on and the index on it,
            // and the covering index of releases with conditions_charges_dropped. Those exist already: nothing to do.

            // An import's namesakes: the folded name and the birth-date bounds as columns, so that the model holds the
            // index they are found by (it replaces an expression index the model could not say). One statement, one
            // rewrite of the table.
            migrationBuilder.Sql("""
                ALTER TABLE detainees
                    ADD COLUMN folded_name text GENERATED ALWAYS AS (prt_fold(full_name)) STORED,
                    ADD COLUMN birth_date_earliest date GENERATED ALWAYS AS (make_date(substr(birth_date, 1, 4)::int, coalesce(nullif(substr(birth_date, 6, 2), '')::int, 1), coalesce(nullif(substr(birth_date, 9, 2), '')::int, 1))) STORED,
                    ADD COLUMN birth_date_latest date GENERATED ALWAYS AS (CASE length(birth_date) WHEN 4 THEN make_date(substr(birth_date, 1, 4)::int, 12, 31) WHEN 7 THEN (make_date(substr(birth_date, 1, 4)::int, substr(birth_date, 6, 2)::int, 1) + interval '1 month' - interval '1 day')::date ELSE make_date(substr(birth_date, 1, 4)::int, substr(birth_date, 6, 2)::int, substr(birth_date, 9, 2)::int) END) STORED;
                DROP INDEX ix_detainees_folded_full_name;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_detainees_folded_name_id",
                table: "detainees",
                columns: new[] { "folded_name", "id" });

            // Which releases and decisions cite a source: a source cited for a protected person is withheld from
            // those who may not identify the person.
            migrationBuilder.CreateIndex(
                name: "ix_releases_source_ids",
                table: "releases",
                column: "source_ids")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_verification_events_source_ids",
                table: "verification_events",
                column: "source_ids")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_verification_events_source_ids",
                table: "verification_events");

            migrationBuilder.DropIndex(
                name: "ix_releases_source_ids",
                table: "releases");

            migrationBuilder.DropIndex(
                name: "ix_detainees_folded_name_id",
                table: "detainees");

            migrationBuilder.Sql("""
                ALTER TABLE detainees DROP COLUMN folded_name, DROP COLUMN birth_date_earliest, DROP COLUMN birth_date_latest;
                CREATE INDEX ix_detainees_folded_full_name ON detainees (prt_fold(full_name), id);
                """);
        }
    }
}
