using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <summary>
    /// The source-id GIN indexes without a pending list (<c>fastupdate = false</c>): every withheld-source check probes them,
    /// and each probe read the whole list of recent entries. Set in place and the list merged now, rather than the indexes
    /// dropped and built again (what <c>migrations add</c> writes), which would hold every write to the two tables meanwhile.
    /// </summary>
    public partial class SourceIndexesWithoutPendingList : Migration
    {
        private static readonly string[] Indexes = ["ix_releases_source_ids", "ix_verification_events_source_ids"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var index in Indexes)
            {
                migrationBuilder.Sql($"ALTER INDEX {index} SET (fastupdate = false); SELECT gin_clean_pending_list('{index}');");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var index in Indexes)
            {
                migrationBuilder.Sql($"ALTER INDEX {index} RESET (fastupdate);");
            }
        }
    }
}
