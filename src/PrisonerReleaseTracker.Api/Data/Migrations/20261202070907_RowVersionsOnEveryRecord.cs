using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class RowVersionsOnEveryRecord : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "verification_events",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "sources",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "detentions",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "xmin",
                table: "verification_events");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "detentions");
        }
    }
}
