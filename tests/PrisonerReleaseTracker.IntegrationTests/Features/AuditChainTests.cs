using Npgsql;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>Tampering needs a database of its own: it breaks the chain for good.</summary>
public sealed class AuditChainTests(ApiFixture api)
{
    [Fact]
    public async Task An_audit_entry_edited_in_the_database_breaks_the_chain_at_its_sequence()
    {
        var connectionString = await api.Server.CreateDatabaseAsync($"prt_tamper_{Environment.ProcessId}", TestContext.Current.CancellationToken);
        await using var factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs());
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);
        using var contributor = factory.CreateClient();
        contributor.DefaultRequestHeaders.Add("X-Api-Key", await ApiFixture.IssueAsync(admin, Role.Contributor, "Tamper NGO"));
        for (var i = 0; i < 5; i++)
        {
            await contributor.PostOkAsync("/api/v1/facilities", new { name = $"Tamper {i}", kind = "Prison", country = "VE" });
        }

        var before = await admin.GetOkAsync("/api/v1/audit/verification");
        var target = before["entries"]!.GetValue<long>() - 2;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            // As a superuser would: step around the append-only trigger, edit, put the trigger back.
            await using var tamper = new NpgsqlCommand(
                "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only; " +
                "UPDATE audit_entries SET organization = 'Someone innocent' WHERE sequence = @sequence; " +
                "ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;", connection);
            tamper.Parameters.AddWithValue("sequence", target);
            await tamper.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var after = await admin.GetOkAsync("/api/v1/audit/verification");

        Assert.True(before["valid"]!.GetValue<bool>());
        Assert.Null(before["firstInvalidSequence"]);
        Assert.False(after["valid"]!.GetValue<bool>());
        Assert.Equal(target, after["firstInvalidSequence"]!.GetValue<long>());
        Assert.Equal(before["head"]!.GetValue<string>(), after["head"]!.GetValue<string>());
    }
}
