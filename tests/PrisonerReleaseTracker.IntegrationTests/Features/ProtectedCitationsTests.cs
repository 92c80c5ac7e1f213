using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// The table the withheld-source rule reads (<see cref="ProtectedCitations"/>): which organizations' protected people each
/// source is cited for. It follows every write that changes it, through the API and an import, and agrees after each
/// with what a rebuild from the records would write; the rule reads it alone.
/// </summary>
public sealed class ProtectedCitationsTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_source_is_withheld_exactly_while_it_is_cited_for_a_protected_person_of_another_organization()
    {
        var m = Guid.NewGuid().ToString("N")[..10];
        using var holder = await api.ClientAsync(Role.Contributor, $"Holding {m}");
        using var verifier = await api.ClientAsync(Role.Verifier, $"Third {m}");
        using var other = await api.ClientAsync(Role.Researcher, $"Other {m}");
        var released = (await holder.PostOkAsync("/api/v1/sources", new { url = $"https://example.org/{m}/released", kind = "NewsMedia" })).Id();
        var decided = (await holder.PostOkAsync("/api/v1/sources", new { url = $"https://example.org/{m}/decided", kind = "NewsMedia" })).Id();
        var name = $"Citada {m}";
        var person = await Records.DetaineeAsync(holder, name);
        var detention = await Records.DetentionAsync(holder, person, await Records.FacilityAsync(holder));
        var release = (await holder.PostOkAsync("/api/v1/releases", new
        {
            detentionId = detention, releasedOn = "2026-01-10", kind = "Unconditional", sourceIds = new[] { released },
        })).Id();
        (await verifier.PostAsJsonAsync($"/api/v1/releases/{release}/verifications", new
        {
            status = "UnderVerification", method = "LawyerConfirmation", occurredAt = "2026-01-11T10:00:00Z", sourceIds = new[] { decided },
            expectedStatus = "Reported",
        }, Ct)).EnsureSuccessStatusCode();
        Guid[] sources = [released, decided];

        // A person anyone may identify: nothing is withheld.
        Assert.Equal(new[] { false, false }, await WithheldAsync(other, sources));
        await AssertAgreesWithTheRecordsAsync(sources);

        await SetProtectedAsync(holder, person, name, true);
        Assert.Equal(new[] { true, true }, await WithheldAsync(other, sources));
        Assert.Equal(new[] { false, false }, await WithheldAsync(holder, sources));
        await AssertAgreesWithTheRecordsAsync(sources);

        await SetProtectedAsync(holder, person, name, false);
        Assert.Equal(new[] { false, false }, await WithheldAsync(other, sources));
        await AssertAgreesWithTheRecordsAsync(sources);

        // An import's set-based insert: a new protected person whose release cites a new source.
        await ImportsTests.ImportOkAsync(holder, $"fullName,isProtected,arrestedOn,releasedOn,sourceUrl\nImportada {m},true,2024-08,2026-01-12,https://example.org/{m}/imported\n");
        var imported = await SourceAsync($"https://example.org/{m}/imported");
        Assert.Equal(new[] { true }, await WithheldAsync(other, [imported]));
        Assert.Equal(new[] { false }, await WithheldAsync(holder, [imported]));
        await AssertAgreesWithTheRecordsAsync([.. sources, imported]);
    }

    /// <summary>The rule reads the table alone: not the releases and decisions that cite the source (one probe a source).</summary>
    [Fact]
    public void The_withheld_source_rule_reads_the_protected_citations_and_not_the_citing_records()
    {
        using var scope = api.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var sql = db.Sources.Where(s => !Visibility.WithheldSource(db, "Some organization", Role.Researcher, s.Id)).Select(s => s.Id).ToQueryString();

        Assert.Contains("FROM protected_citations", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("FROM releases", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("FROM verification_events", sql, StringComparison.Ordinal);
    }

    private async Task<Guid> SourceAsync(string url)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT id FROM sources WHERE url = @url", connection);
        command.Parameters.AddWithValue("url", url);
        return (Guid)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>Whether <paramref name="reader"/> is shown each source without its url (withheld).</summary>
    private static async Task<bool[]> WithheldAsync(HttpClient reader, IEnumerable<Guid> sources)
    {
        var withheld = new List<bool>();
        foreach (var source in sources)
        {
            withheld.Add((await reader.GetOkAsync($"/api/v1/sources/{source}"))["url"] is null);
        }

        return [.. withheld];
    }

    private static async Task SetProtectedAsync(HttpClient holder, Guid person, string name, bool isProtected)
    {
        var read = await holder.GetAsync($"/api/v1/detainees/{person}", Ct);
        read.EnsureSuccessStatusCode();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/detainees/{person}")
        {
            Content = JsonContent.Create(new { fullName = name, gender = "Male", nationalities = new[] { "VE" }, categories = Array.Empty<string>(), isProtected }),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        var response = await holder.SendAsync(put, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>
    /// The table's rows of <paramref name="sources"/> equal what a rebuild would insert, computed from the records without
    /// writing (a rebuild here would lock every row of the table under the other tests' writes).
    /// </summary>
    private async Task AssertAgreesWithTheRecordsAsync(IReadOnlyCollection<Guid> sources)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        // One snapshot for both reads.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, Ct);
        Assert.Equal(await RowsAsync(connection, $"{ProtectedCitations.FromRecords}()", sources), await RowsAsync(connection, "protected_citations", sources));
    }

    private static async Task<List<string>> RowsAsync(NpgsqlConnection connection, string from, IReadOnlyCollection<Guid> sources)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT source_id, organization, citations FROM {from} WHERE source_id = ANY(@sources) AND citations <> 0 ORDER BY 1, 2", connection);
        command.Parameters.AddWithValue("sources", sources.ToArray());
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add($"{reader.GetGuid(0)} {reader.GetString(1)} {reader.GetInt32(2)}");
        }

        return rows;
    }
}
