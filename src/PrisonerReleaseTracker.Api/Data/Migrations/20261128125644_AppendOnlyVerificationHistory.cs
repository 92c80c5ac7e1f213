using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class AppendOnlyVerificationHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The verification history is the truth for every past moment: a bug (or a hand at the console)
            // must not be able to rewrite it. Corrections are new events.
            migrationBuilder.Sql("""
                CREATE FUNCTION prt_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;

                CREATE TRIGGER verification_events_append_only
                    BEFORE UPDATE OR DELETE ON verification_events
                    FOR EACH ROW EXECUTE FUNCTION prt_refuse_change();

                CREATE TRIGGER verification_events_no_truncate
                    BEFORE TRUNCATE ON verification_events
                    FOR EACH STATEMENT EXECUTE FUNCTION prt_refuse_change();
                """);

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER verification_events_no_truncate ON verification_events;
                DROP TRIGGER verification_events_append_only ON verification_events;
                DROP FUNCTION prt_refuse_change();
                """);

        }
    }
}
