using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <summary>
    /// The person chain of the totals aggregates (<c>prt_verified_persons</c>, run by every decision that makes a release
    /// Verified or ends it being so) runs its statements with their generic plans. They take the persons as a parameter, so
    /// PL/pgSQL planned them anew on every call (the custom plan never looked dearer than the generic one, which is the
    /// same plan): planning was about half of the function. With the setting, they are planned once per session; the
    /// function sets it for its own statements only, and it ends with the call.
    /// </summary>
    public partial class PersonChainPlannedOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER FUNCTION prt_verified_persons(uuid[]) SET plan_cache_mode = force_generic_plan;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER FUNCTION prt_verified_persons(uuid[]) RESET plan_cache_mode;");
        }
    }
}
