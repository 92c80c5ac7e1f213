using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Aggregates = PrisonerReleaseTracker.Api.Data.TotalsAggregates;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReleaseCountsByMonth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "release_count_month_deltas",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    delta = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    charges_dropped = table.Column<bool>(type: "boolean", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_release_count_month_deltas", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_release_count_month_deltas_month",
                table: "release_count_month_deltas",
                column: "month")
                .Annotation("Npgsql:IndexInclude", new[] { "status", "charges_dropped", "delta" });

            // The counts by month are written by the same trigger function as the counts by day, in the same statements;
            // the writers of releases wait while the months are counted from the days already there.
            migrationBuilder.Sql($"""
                LOCK TABLE releases IN SHARE MODE;

                CREATE OR REPLACE FUNCTION prt_release_totals() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        WITH counted AS (
                            INSERT INTO release_count_deltas (released_on, status, charges_dropped, delta)
                            SELECT released_on, status, conditions_charges_dropped, count(*) FROM new_rows GROUP BY 1, 2, 3
                            RETURNING released_on, status, charges_dropped, delta)
                        {MonthsOfCounted}
                        PERFORM prt_verified_persons(ARRAY(SELECT DISTINCT detainee_id FROM new_rows WHERE status = '{Verified}'));
                    ELSIF TG_OP = 'DELETE' THEN
                        WITH counted AS (
                            INSERT INTO release_count_deltas (released_on, status, charges_dropped, delta)
                            SELECT released_on, status, conditions_charges_dropped, -count(*) FROM old_rows GROUP BY 1, 2, 3
                            RETURNING released_on, status, charges_dropped, delta)
                        {MonthsOfCounted}
                        PERFORM prt_verified_persons(ARRAY(SELECT DISTINCT detainee_id FROM old_rows WHERE status = '{Verified}'));
                    ELSE
                        WITH counted AS (
                            INSERT INTO release_count_deltas (released_on, status, charges_dropped, delta)
                            SELECT released_on, status, charges_dropped, sum(delta) FROM (
                                SELECT released_on, status, conditions_charges_dropped AS charges_dropped, 1 AS delta FROM new_rows
                                UNION ALL SELECT released_on, status, conditions_charges_dropped, -1 FROM old_rows) d
                            GROUP BY 1, 2, 3 HAVING sum(delta) <> 0
                            RETURNING released_on, status, charges_dropped, delta)
                        {MonthsOfCounted}
                        {UpdatedPersons}
                    END IF;
                    RETURN NULL;
                END $$;

                {Rebuild(months: true)}

                INSERT INTO release_count_month_deltas (month, status, charges_dropped, delta)
                SELECT date_trunc('month', released_on::timestamp)::date, status, charges_dropped, sum(delta) FROM release_count_deltas
                GROUP BY 1, 2, 3 HAVING sum(delta) <> 0;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The functions as migration TotalsAggregates made them.
            migrationBuilder.Sql($"""
                CREATE OR REPLACE FUNCTION prt_release_totals() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO release_count_deltas (released_on, status, charges_dropped, delta)
                        SELECT released_on, status, conditions_charges_dropped, count(*) FROM new_rows GROUP BY 1, 2, 3;
                        PERFORM prt_verified_persons(ARRAY(SELECT DISTINCT detainee_id FROM new_rows WHERE status = '{Verified}'));
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO release_count_deltas (released_on, status, charges_dropped, delta)
                        SELECT released_on, status, conditions_charges_dropped, -count(*) FROM old_rows GROUP BY 1, 2, 3;
                        PERFORM prt_verified_persons(ARRAY(SELECT DISTINCT detainee_id FROM old_rows WHERE status = '{Verified}'));
                    ELSE
                        INSERT INTO release_count_deltas (released_on, status, charges_dropped, delta)
                        SELECT released_on, status, charges_dropped, sum(delta) FROM (
                            SELECT released_on, status, conditions_charges_dropped AS charges_dropped, 1 AS delta FROM new_rows
                            UNION ALL SELECT released_on, status, conditions_charges_dropped, -1 FROM old_rows) d
                        GROUP BY 1, 2, 3 HAVING sum(delta) <> 0;
                        {UpdatedPersons}
                    END IF;
                    RETURN NULL;
                END $$;

                {Rebuild(months: false)}
                """);

            migrationBuilder.DropTable(
                name: "release_count_month_deltas");
        }

        /// <summary>The rebuild of every aggregate, with the counts by month or (<c>Down</c>) as it was before them.</summary>
        private static string Rebuild(bool months) => $"""
            CREATE OR REPLACE FUNCTION {Aggregates.Rebuild}() RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                LOCK TABLE releases, verification_events, claims IN SHARE MODE;
                TRUNCATE release_count_deltas, verified_person_days, verified_person_deltas, claim_verified_deltas{(months ? ", release_count_month_deltas" : "")};
                INSERT INTO release_count_deltas (released_on, status, charges_dropped, delta)
                SELECT released_on, status, conditions_charges_dropped, count(*) FROM releases GROUP BY 1, 2, 3;
                {(months ? """
                INSERT INTO release_count_month_deltas (month, status, charges_dropped, delta)
                SELECT date_trunc('month', released_on::timestamp)::date, status, charges_dropped, sum(delta) FROM release_count_deltas GROUP BY 1, 2, 3;
                """ : "")}
                INSERT INTO verified_person_days (detainee_id, released_on, next_verified_on)
                SELECT detainee_id, released_on, lead(released_on) OVER (PARTITION BY detainee_id ORDER BY released_on)
                FROM (SELECT DISTINCT detainee_id, released_on FROM releases WHERE status = '{Verified}') v;
                INSERT INTO verified_person_deltas (released_on, next_verified_on, delta)
                SELECT released_on, next_verified_on, count(*) FROM verified_person_days GROUP BY 1, 2;
                INSERT INTO claim_verified_deltas (claim_id, at_statement, delta)
                SELECT c.id, e.occurred_at <= c.stated_at, sum(CASE e.status WHEN '{Verified}' THEN 1 ELSE -1 END)
                FROM claims c JOIN verification_events e ON e.released_on BETWEEN c.period_from AND c.period_to
                WHERE c.metric = '{Releases}' AND e.status IN ('{Verified}', '{Retracted}')
                GROUP BY 1, 2 HAVING sum(CASE e.status WHEN '{Verified}' THEN 1 ELSE -1 END) <> 0;
            END $$;
            """;

        /// <summary>The day rows a trigger statement just counted (<c>counted</c>), counted again by month.</summary>
        private const string MonthsOfCounted = """
            INSERT INTO release_count_month_deltas (month, status, charges_dropped, delta)
            SELECT date_trunc('month', released_on::timestamp)::date, status, charges_dropped, sum(delta) FROM counted
            GROUP BY 1, 2, 3 HAVING sum(delta) <> 0;
            """;

        /// <summary>The persons whose verified days an update of releases may have changed, their chain recomputed (as in <c>TotalsAggregates</c>).</summary>
        private const string UpdatedPersons = $"""
            PERFORM prt_verified_persons(ARRAY(
                SELECT DISTINCT x.person FROM old_rows o JOIN new_rows n ON n.id = o.id
                CROSS JOIN LATERAL (VALUES (o.detainee_id), (n.detainee_id)) AS x(person)
                WHERE (o.status = '{Verified}' OR n.status = '{Verified}')
                  AND (o.status, o.released_on, o.detainee_id) IS DISTINCT FROM (n.status, n.released_on, n.detainee_id)));
            """;

        private const string Verified = nameof(Domain.Releases.VerificationStatus.Verified);
        private const string Retracted = nameof(Domain.Releases.VerificationStatus.Retracted);
        private const string Releases = nameof(Domain.Claims.ClaimMetric.Releases);
    }
}
