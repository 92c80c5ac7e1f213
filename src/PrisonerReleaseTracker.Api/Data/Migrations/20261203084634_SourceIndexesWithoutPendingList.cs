using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class SourceIndexesWithoutPendingList : Migration
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_verification_events_source_ids",
                table: "verification_events");

            migrationBuilder.DropIndex(
                name: "ix_releases_source_ids",
                table: "releases");

            migrationBuilder.CreateIndex(
                name: "ix_verification_events_source_ids",
                table: "verification_events",
                column: "source_ids")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_releases_source_ids",
                table: "releases",
                column: "source_ids")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}
