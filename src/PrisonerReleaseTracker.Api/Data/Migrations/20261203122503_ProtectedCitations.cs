using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Citations = PrisonerReleaseTracker.Api.Data.ProtectedCitations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ProtectedCitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_verification_events_source_ids",
                table: "verification_events");

            migrationBuilder.DropIndex(
                name: "ix_releases_source_ids",
                table: "releases");

            migrationBuilder.CreateTable(
                name: "protected_citations",
                columns: table => new
                {
                    source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    citations = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_protected_citations", x => new { x.source_id, x.organization });
                });

            migrationBuilder.Sql($"""
                -- Adds sign times the pairs (person, source) to protected_citations, for the persons protected now, under
                -- the update lock of each person's row: a change of a person's protection or organization holds the same
                -- lock while it moves the person's citations (prt_person_protected_citations), so whichever of the two
                -- commits second sees what the first wrote.
                CREATE FUNCTION prt_count_protected_citations(persons uuid[], sources uuid[], sign integer) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    IF coalesce(cardinality(persons), 0) = 0 THEN
                        RETURN;
                    END IF;
                    PERFORM 1 FROM detainees WHERE id = ANY(persons) ORDER BY id FOR NO KEY UPDATE;
                    INSERT INTO protected_citations AS p (source_id, organization, citations)
                    SELECT c.source_id, d.organization, sign * count(*)
                    FROM unnest(persons, sources) AS c(person_id, source_id) JOIN detainees d ON d.id = c.person_id
                    WHERE d.is_protected
                    GROUP BY 1, 2
                    ON CONFLICT (source_id, organization) DO UPDATE SET citations = p.citations + excluded.citations;
                END $$;

                CREATE FUNCTION prt_release_protected_citations() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    persons uuid[];
                    sources uuid[];
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        SELECT array_agg(r.detainee_id), array_agg(s) INTO persons, sources FROM new_rows r CROSS JOIN LATERAL unnest(r.source_ids) s;
                        PERFORM prt_count_protected_citations(persons, sources, 1);
                    ELSE
                        SELECT array_agg(r.detainee_id), array_agg(s) INTO persons, sources FROM old_rows r CROSS JOIN LATERAL unnest(r.source_ids) s;
                        PERFORM prt_count_protected_citations(persons, sources, -1);
                    END IF;
                    RETURN NULL;
                END $$;

                -- A release whose sources or person changed: its own citations move, and its decisions' when the person did.
                CREATE FUNCTION prt_release_protected_citations_moved() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    decided uuid[];
                BEGIN
                    PERFORM prt_count_protected_citations(array_fill(OLD.detainee_id, ARRAY[cardinality(OLD.source_ids)]), OLD.source_ids, -1);
                    PERFORM prt_count_protected_citations(array_fill(NEW.detainee_id, ARRAY[cardinality(NEW.source_ids)]), NEW.source_ids, 1);
                    IF OLD.detainee_id <> NEW.detainee_id THEN
                        SELECT coalesce(array_agg(s), ARRAY[]::uuid[]) INTO decided FROM verification_events e CROSS JOIN LATERAL unnest(e.source_ids) s
                        WHERE e.release_id = NEW.id;
                        PERFORM prt_count_protected_citations(array_fill(OLD.detainee_id, ARRAY[cardinality(decided)]), decided, -1);
                        PERFORM prt_count_protected_citations(array_fill(NEW.detainee_id, ARRAY[cardinality(decided)]), decided, 1);
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION prt_decision_protected_citations() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    persons uuid[];
                    sources uuid[];
                BEGIN
                    SELECT array_agg(r.detainee_id), array_agg(s) INTO persons, sources
                    FROM new_rows e JOIN releases r ON r.id = e.release_id CROSS JOIN LATERAL unnest(e.source_ids) s;
                    PERFORM prt_count_protected_citations(persons, sources, 1);
                    RETURN NULL;
                END $$;

                -- A person made protected or no longer, or moved to another organization: every citation of their releases
                -- and decisions moves from what they were to what they are. The update holds the person's row lock.
                CREATE FUNCTION prt_person_protected_citations() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    WITH cited AS (
                        SELECT s FROM releases r CROSS JOIN LATERAL unnest(r.source_ids) s WHERE r.detainee_id = NEW.id
                        UNION ALL
                        SELECT s FROM releases r JOIN verification_events e ON e.release_id = r.id CROSS JOIN LATERAL unnest(e.source_ids) s
                        WHERE r.detainee_id = NEW.id),
                    moved AS (
                        SELECT s AS source_id, OLD.organization AS organization, -count(*) AS citations FROM cited WHERE OLD.is_protected GROUP BY s
                        UNION ALL
                        SELECT s, NEW.organization, count(*) FROM cited WHERE NEW.is_protected GROUP BY s)
                    INSERT INTO protected_citations AS p (source_id, organization, citations)
                    SELECT source_id, organization, sum(citations) FROM moved GROUP BY 1, 2 HAVING sum(citations) <> 0
                    ON CONFLICT (source_id, organization) DO UPDATE SET citations = p.citations + excluded.citations;
                    RETURN NULL;
                END $$;

                -- What the table should hold, computed from the records (read only: a check compares it with the table).
                CREATE FUNCTION {Citations.FromRecords}() RETURNS TABLE (source_id uuid, organization varchar(200), citations integer)
                LANGUAGE sql STABLE AS $$
                    SELECT c.source_id, d.organization, count(*)::integer
                    FROM (SELECT r.detainee_id, s FROM releases r CROSS JOIN LATERAL unnest(r.source_ids) s
                          UNION ALL
                          SELECT r.detainee_id, s FROM verification_events e JOIN releases r ON r.id = e.release_id CROSS JOIN LATERAL unnest(e.source_ids) s
                         ) AS c(person_id, source_id)
                    JOIN detainees d ON d.id = c.person_id
                    WHERE d.is_protected
                    GROUP BY 1, 2;
                $$;

                CREATE FUNCTION {Citations.Rebuild}() RETURNS void LANGUAGE sql AS $$
                    DELETE FROM protected_citations;
                    INSERT INTO protected_citations (source_id, organization, citations) SELECT * FROM {Citations.FromRecords}();
                $$;

                CREATE TRIGGER {Citations.ReleasesInserted} AFTER INSERT ON releases
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_release_protected_citations();
                CREATE TRIGGER {Citations.ReleasesChanged} AFTER UPDATE OF source_ids, detainee_id ON releases FOR EACH ROW
                    WHEN (OLD.source_ids IS DISTINCT FROM NEW.source_ids OR OLD.detainee_id IS DISTINCT FROM NEW.detainee_id)
                    EXECUTE FUNCTION prt_release_protected_citations_moved();
                CREATE TRIGGER {Citations.ReleasesDeleted} AFTER DELETE ON releases
                    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_release_protected_citations();
                CREATE TRIGGER {Citations.DecisionsInserted} AFTER INSERT ON verification_events
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prt_decision_protected_citations();
                CREATE TRIGGER {Citations.PersonChanged} AFTER UPDATE OF is_protected, organization ON detainees FOR EACH ROW
                    WHEN (OLD.is_protected IS DISTINCT FROM NEW.is_protected OR OLD.organization IS DISTINCT FROM NEW.organization)
                    EXECUTE FUNCTION prt_person_protected_citations();

                SELECT {Citations.Rebuild}();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP TRIGGER {Citations.ReleasesInserted} ON releases;
                DROP TRIGGER {Citations.ReleasesChanged} ON releases;
                DROP TRIGGER {Citations.ReleasesDeleted} ON releases;
                DROP TRIGGER {Citations.DecisionsInserted} ON verification_events;
                DROP TRIGGER {Citations.PersonChanged} ON detainees;
                DROP FUNCTION {Citations.Rebuild}();
                DROP FUNCTION {Citations.FromRecords}();
                DROP FUNCTION prt_person_protected_citations();
                DROP FUNCTION prt_decision_protected_citations();
                DROP FUNCTION prt_release_protected_citations_moved();
                DROP FUNCTION prt_release_protected_citations();
                DROP FUNCTION prt_count_protected_citations(uuid[], uuid[], integer);
                """);

            migrationBuilder.DropTable(
                name: "protected_citations");

            migrationBuilder.CreateIndex(
                name: "ix_verification_events_source_ids",
                table: "verification_events",
                column: "source_ids")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:StorageParameter:fastupdate", false);

            migrationBuilder.CreateIndex(
                name: "ix_releases_source_ids",
                table: "releases",
                column: "source_ids")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:StorageParameter:fastupdate", false);
        }
    }
}
