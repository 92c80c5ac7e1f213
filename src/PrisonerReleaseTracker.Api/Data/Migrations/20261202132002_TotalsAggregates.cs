using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using PrisonerReleaseTracker.Domain.Claims;
using PrisonerReleaseTracker.Domain.Releases;
using Aggregates = PrisonerReleaseTracker.Api.Data.TotalsAggregates;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class TotalsAggregates : Migration
    {
        private const string Verified = nameof(VerificationStatus.Verified);
        private const string Retracted = nameof(VerificationStatus.Retracted);
        private const string Releases = nameof(ClaimMetric.Releases);

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "claim_verified_deltas",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    claim_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at_statement = table.Column<bool>(type: "boolean", nullable: false),
                    delta = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_claim_verified_deltas", x => x.id);
                    table.ForeignKey(
                        name: "fk_claim_verified_deltas_claims_claim_id",
                        column: x => x.claim_id,
                        principalTable: "claims",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "release_count_deltas",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    released_on = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    charges_dropped = table.Column<bool>(type: "boolean", nullable: true),
                    delta = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_release_count_deltas", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "verified_person_days",
                columns: table => new
                {
                    detainee_id = table.Column<Guid>(type: "uuid", nullable: false),
                    released_on = table.Column<DateOnly>(type: "date", nullable: false),
                    next_verified_on = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_verified_person_days", x => new { x.detainee_id, x.released_on });
                });

            migrationBuilder.CreateTable(
                name: "verified_person_deltas",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    released_on = table.Column<DateOnly>(type: "date", nullable: false),
                    next_verified_on = table.Column<DateOnly>(type: "date", nullable: true),
                    delta = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_verified_person_deltas", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_claim_verified_deltas_claim_id",
                table: "claim_verified_deltas",
                column: "claim_id")
                .Annotation("Npgsql:IndexInclude", new[] { "at_statement", "delta" });

            migrationBuilder.CreateIndex(
                name: "ix_release_count_deltas_released_on",
                table: "release_count_deltas",
                column: "released_on")
                .Annotation("Npgsql:IndexInclude", new[] { "status", "charges_dropped", "delta" });

            migrationBuilder.CreateIndex(
                name: "ix_verified_person_deltas_last",
                table: "verified_person_deltas",
                column: "released_on",
                filter: "next_verified_on IS NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "delta" });

            migrationBuilder.CreateIndex(
                name: "ix_verified_person_deltas_next",
                table: "verified_person_deltas",
                columns: new[] { "next_verified_on", "released_on" },
                filter: "next_verified_on IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "delta" });

            migrationBuilder.Sql($"""
                -- The days on which each of the given persons has a Verified release, each with the next such day, made
                -- to agree with the releases, and the changes counted into verified_person_deltas. One writer per person
                -- at a time (the lock on the person's row): the next one's queries see what this one committed.
                CREATE FUNCTION prt_verified_persons(persons uuid[]) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    IF cardinality(persons) = 0 THEN
                        RETURN;
                    END IF;
                    PERFORM 1 FROM detainees WHERE id = ANY(persons) ORDER BY id FOR NO KEY UPDATE;
                    WITH fresh AS (
                        SELECT detainee_id, released_on, lead(released_on) OVER (PARTITION BY detainee_id ORDER BY released_on) AS next_verified_on
                        FROM (SELECT DISTINCT detainee_id, released_on FROM releases WHERE detainee_id = ANY(persons) AND status = '{Verified}') v),
                    kept AS (SELECT detainee_id, released_on, next_verified_on FROM verified_person_days WHERE detainee_id = ANY(persons)),
                    gone AS (SELECT * FROM kept EXCEPT ALL SELECT * FROM fresh),
                    came AS (SELECT * FROM fresh EXCEPT ALL SELECT * FROM kept),
                    removed AS (
                        DELETE FROM verified_person_days p USING gone g
                        WHERE p.detainee_id = g.detainee_id AND p.released_on = g.released_on
                          AND NOT EXISTS (SELECT 1 FROM came c WHERE c.detainee_id = g.detainee_id AND c.released_on = g.released_on)),
                    added AS (
                        INSERT INTO verified_person_days (detainee_id, released_on, next_verified_on) SELECT * FROM came
                        ON CONFLICT (detainee_id, released_on) DO UPDATE SET next_verified_on = excluded.next_verified_on)
                    INSERT INTO verified_person_deltas (released_on, next_verified_on, delta)
                    SELECT released_on, next_verified_on, sum(delta) FROM (
                        SELECT released_on, next_verified_on, -1 AS delta FROM gone
                        UNION ALL SELECT released_on, next_verified_on, 1 FROM came) d
                    GROUP BY 1, 2 HAVING sum(delta) <> 0;
                END $$;

                -- The releases a statement inserted, changed or deleted, counted out of their old keys and into their new.
                CREATE FUNCTION prt_release_totals() RETURNS trigger LANGUAGE plpgsql AS $$
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
                        PERFORM prt_verified_persons(ARRAY(
                            SELECT DISTINCT x.person FROM old_rows o JOIN new_rows n ON n.id = o.id
                            CROSS JOIN LATERAL (VALUES (o.detainee_id), (n.detainee_id)) AS x(person)
                            WHERE (o.status = '{Verified}' OR n.status = '{Verified}')
                              AND (o.status, o.released_on, o.detainee_id) IS DISTINCT FROM (n.status, n.released_on, n.detainee_id)));
                    END IF;
                    RETURN NULL;
                END $$;

                -- The decisions a statement recorded, counted into the claims about releases whose period holds their release's day.
                CREATE FUNCTION prt_decision_totals() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO claim_verified_deltas (claim_id, at_statement, delta)
                    SELECT c.id, e.occurred_at <= c.stated_at, sum(CASE e.status WHEN '{Verified}' THEN 1 ELSE -1 END)
                    FROM new_rows e JOIN claims c ON e.released_on BETWEEN c.period_from AND c.period_to
                    WHERE c.metric = '{Releases}' AND e.status IN ('{Verified}', '{Retracted}')
                    GROUP BY 1, 2 HAVING sum(CASE e.status WHEN '{Verified}' THEN 1 ELSE -1 END) <> 0;
                    RETURN NULL;
                END $$;

                -- A claim entered, or one whose period, moment or metric changed, counted from the decisions of its period.
                -- Decisions wait while it is (the SHARE lock): none recorded meanwhile can miss it, none can be counted twice.
                CREATE FUNCTION prt_claim_totals() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    recounted uuid[];
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        recounted := ARRAY(SELECT id FROM new_rows);
                    ELSE
                        recounted := ARRAY(SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
                            WHERE (o.period_from, o.period_to, o.stated_at, o.metric) IS DISTINCT FROM (n.period_from, n.period_to, n.stated_at, n.metric));
                    END IF;
                    IF cardinality(recounted) = 0 THEN
                        RETURN NULL;
                    END IF;
                    LOCK TABLE verification_events IN SHARE MODE;
                    INSERT INTO claim_verified_deltas (claim_id, at_statement, delta)
                    SELECT claim_id, at_statement, -sum(delta) FROM claim_verified_deltas WHERE claim_id = ANY(recounted)
                    GROUP BY 1, 2 HAVING sum(delta) <> 0;
                    INSERT INTO claim_verified_deltas (claim_id, at_statement, delta)
                    SELECT c.id, e.occurred_at <= c.stated_at, sum(CASE e.status WHEN '{Verified}' THEN 1 ELSE -1 END)
                    FROM claims c JOIN verification_events e ON e.released_on BETWEEN c.period_from AND c.period_to
                    WHERE c.id = ANY(recounted) AND c.metric = '{Releases}' AND e.status IN ('{Verified}', '{Retracted}')
                    GROUP BY 1, 2 HAVING sum(CASE e.status WHEN '{Verified}' THEN 1 ELSE -1 END) <> 0;
                    RETURN NULL;
                END $$;

                -- Every aggregate recomputed from the records: after a load with the triggers off, and here, once.
                CREATE FUNCTION {Aggregates.Rebuild}() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    LOCK TABLE releases, verification_events, claims IN SHARE MODE;
                    TRUNCATE release_count_deltas, verified_person_days, verified_person_deltas, claim_verified_deltas;
                    INSERT INTO release_count_deltas (released_on, status, charges_dropped, delta)
                    SELECT released_on, status, conditions_charges_dropped, count(*) FROM releases GROUP BY 1, 2, 3;
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

                CREATE TRIGGER {Aggregates.ReleasesInserted} AFTER INSERT ON releases
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_release_totals();
                CREATE TRIGGER {Aggregates.ReleasesUpdated} AFTER UPDATE ON releases
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_release_totals();
                CREATE TRIGGER {Aggregates.ReleasesDeleted} AFTER DELETE ON releases
                    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_release_totals();
                CREATE TRIGGER {Aggregates.DecisionsInserted} AFTER INSERT ON verification_events
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_decision_totals();
                CREATE TRIGGER {Aggregates.ClaimsInserted} AFTER INSERT ON claims
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_claim_totals();
                CREATE TRIGGER {Aggregates.ClaimsUpdated} AFTER UPDATE ON claims
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_claim_totals();

                SELECT {Aggregates.Rebuild}();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP TRIGGER {Aggregates.ReleasesInserted} ON releases;
                DROP TRIGGER {Aggregates.ReleasesUpdated} ON releases;
                DROP TRIGGER {Aggregates.ReleasesDeleted} ON releases;
                DROP TRIGGER {Aggregates.DecisionsInserted} ON verification_events;
                DROP TRIGGER {Aggregates.ClaimsInserted} ON claims;
                DROP TRIGGER {Aggregates.ClaimsUpdated} ON claims;
                DROP FUNCTION {Aggregates.Rebuild}();
                DROP FUNCTION prt_claim_totals();
                DROP FUNCTION prt_decision_totals();
                DROP FUNCTION prt_release_totals();
                DROP FUNCTION prt_verified_persons(uuid[]);
                """);

            migrationBuilder.DropTable(
                name: "claim_verified_deltas");

            migrationBuilder.DropTable(
                name: "release_count_deltas");

            migrationBuilder.DropTable(
                name: "verified_person_days");

            migrationBuilder.DropTable(
                name: "verified_person_deltas");
        }
    }
}
