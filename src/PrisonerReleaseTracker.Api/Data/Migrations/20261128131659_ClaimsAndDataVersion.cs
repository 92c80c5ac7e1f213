using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ClaimsAndDataVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "stated_at_offset_minutes",
                table: "claims",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // The data version (see DataVersion): every statement that changes the record moves it,
            // whoever runs it. A sequence never blocks concurrent writers the way a counter row would.
            migrationBuilder.Sql("""
                CREATE SEQUENCE prt_data_version;

                CREATE FUNCTION prt_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM nextval('prt_data_version');
                    RETURN NULL;
                END $$;
                """);
            foreach (var table in VersionedTables)
            {
                migrationBuilder.Sql($"CREATE TRIGGER {table}_bump_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} " +
                    "FOR EACH STATEMENT EXECUTE FUNCTION prt_bump_data_version();");
            }
        }

        private static readonly string[] VersionedTables =
            ["facilities", "detainees", "detainee_external_ids", "detentions", "detention_transfer", "releases", "verification_events", "sources", "claims"];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in VersionedTables)
            {
                migrationBuilder.Sql($"DROP TRIGGER {table}_bump_data_version ON {table};");
            }

            migrationBuilder.Sql("DROP FUNCTION prt_bump_data_version(); DROP SEQUENCE prt_data_version;");
            migrationBuilder.DropColumn(
                name: "stated_at_offset_minutes",
                table: "claims");
        }
    }
}
