using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class VerifiedChangesByReleaseDay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Each decision carries its release's day (a release's day never changes), filled in by the database, so
            // the totals can read the moments releases became or stopped being Verified from one index, by day of
            // release, without visiting every release of the period.
            migrationBuilder.Sql("""
                ALTER TABLE verification_events ADD COLUMN released_on date;
                ALTER TABLE verification_events DISABLE TRIGGER verification_events_append_only;
                UPDATE verification_events e SET released_on = r.released_on FROM releases r WHERE r.id = e.release_id;
                ALTER TABLE verification_events ENABLE TRIGGER verification_events_append_only;
                ALTER TABLE verification_events ALTER COLUMN released_on SET NOT NULL;

                CREATE FUNCTION verification_events_release_day() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    SELECT r.released_on INTO NEW.released_on FROM releases r WHERE r.id = NEW.release_id;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER verification_events_release_day BEFORE INSERT ON verification_events
                    FOR EACH ROW EXECUTE FUNCTION verification_events_release_day();

                CREATE INDEX ix_verification_events_verified_changes ON verification_events (released_on, occurred_at)
                    INCLUDE (status) WHERE status IN ('Verified', 'Retracted');
                """);

            // "As of now" totals also count the verified releases whose charges are not known dropped: with that
            // column in the index they are answered from the index alone.
            migrationBuilder.Sql("""
                DROP INDEX ix_releases_released_on_status;
                CREATE INDEX ix_releases_released_on_status ON releases (released_on, status) INCLUDE (detainee_id, conditions_charges_dropped);
                """);

            // An import lists the first namesakes on record by id: with the id in the index they are the first entries read.
            migrationBuilder.Sql("""
                DROP INDEX ix_detainees_folded_full_name;
                CREATE INDEX ix_detainees_folded_full_name ON detainees (prt_fold(full_name), id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_detainees_folded_full_name;
                CREATE INDEX ix_detainees_folded_full_name ON detainees (prt_fold(full_name));
                DROP INDEX ix_releases_released_on_status;
                CREATE INDEX ix_releases_released_on_status ON releases (released_on, status) INCLUDE (detainee_id);
                DROP INDEX ix_verification_events_verified_changes;
                DROP TRIGGER verification_events_release_day ON verification_events;
                DROP FUNCTION verification_events_release_day();
                ALTER TABLE verification_events DROP COLUMN released_on;
                """);
        }
    }
}
