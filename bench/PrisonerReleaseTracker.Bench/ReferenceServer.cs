using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Npgsql;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// The limits the API is compared with, in a bare Kestrel process: a constant response (the API's own cached totals
/// bytes, with the same headers) and a release read with raw Npgsql in one round trip, shaped like the API's answer.
/// </summary>
internal static class ReferenceServer
{
    private const string ReleaseSql = """
        SELECT r.id, r.detention_id, d.id, d.full_name, d.is_protected, d.organization, d.nationalities, r.released_on, r.kind,
               r.conditions_charges_dropped, r.conditions_travel_ban, r.conditions_barred_from_public_statements,
               r.conditions_must_report_to_court, r.facility_id, r.note, r.reported_by_key_id, r.reported_by_organization,
               r.status, r.status_occurred_at, r.status_organization, r.created_at,
               s.ids, s.urls, s.publishers, s.titles
        FROM releases r
        JOIN detainees d ON d.id = r.detainee_id
        LEFT JOIN LATERAL (
            SELECT array_agg(s.id ORDER BY u.n) AS ids, array_agg(s.url ORDER BY u.n) AS urls,
                   array_agg(s.publisher ORDER BY u.n) AS publishers, array_agg(s.title ORDER BY u.n) AS titles
            FROM unnest(r.source_ids) WITH ORDINALITY AS u(id, n) JOIN sources s ON s.id = u.id) s ON true
        WHERE r.id = $1
        """;

    public static async Task<int> RunAsync(string connectionString, string urls, string constBodyFile)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };
        var app = builder.Build();

        var body = await File.ReadAllBytesAsync(constBodyFile);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"";
        app.MapGet("/const", (HttpContext http) =>
        {
            var response = http.Response;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.XFrameOptions = "DENY";
            response.Headers.ETag = etag;
            response.Headers.CacheControl = "public, max-age=15";
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        });

        app.MapGet("/releases/{id:guid}", async (Guid id, HttpContext http) =>
        {
            await using var cmd = dataSource.CreateCommand(ReleaseSql);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            await using var reader = await cmd.ExecuteReaderAsync(http.RequestAborted);
            if (!await reader.ReadAsync(http.RequestAborted))
            {
                return Results.NotFound();
            }

            var detaineeId = reader.GetGuid(2);
            var name = reader.GetBoolean(4)
                ? "Protected person " + Convert.ToHexString(SHA256.HashData(detaineeId.ToByteArray()))[..4]
                : reader.GetString(3);
            var sources = new List<Source>();
            if (!reader.IsDBNull(21))
            {
                var ids = reader.GetFieldValue<Guid[]>(21);
                var sourceUrls = reader.GetFieldValue<string[]>(22);
                var publishers = reader.GetFieldValue<string?[]>(23);
                var titles = reader.GetFieldValue<string?[]>(24);
                for (var i = 0; i < ids.Length; i++)
                {
                    sources.Add(new Source(ids[i], sourceUrls[i], publishers[i], titles[i]));
                }
            }

            var release = new Release(
                reader.GetGuid(0), reader.GetGuid(1), new Person(detaineeId, name, reader.GetFieldValue<string[]>(6)),
                reader.GetFieldValue<DateOnly>(7), reader.GetString(8),
                new Conditions(reader.IsDBNull(9) ? null : reader.GetBoolean(9), reader.GetBoolean(10), reader.GetBoolean(11), reader.GetBoolean(12)),
                reader.IsDBNull(13) ? null : reader.GetGuid(13), sources, reader.IsDBNull(14) ? null : reader.GetString(14),
                new Reporter(reader.GetGuid(15), reader.GetString(16)), reader.GetString(17),
                reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18), reader.IsDBNull(19) ? null : reader.GetString(19),
                reader.GetFieldValue<DateTimeOffset>(20));
            return Results.Json(release, json);
        });

        Console.WriteLine($"reference server on {urls}");
        await app.RunAsync();
        return 0;
    }

    private sealed record Source(Guid Id, string Url, string? Publisher, string? Title);

    private sealed record Person(Guid Id, string Name, string[] Nationalities);

    private sealed record Conditions(bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt);

    private sealed record Reporter(Guid KeyId, string Organization);

    private sealed record Release(
        Guid Id, Guid DetentionId, Person Detainee, DateOnly ReleasedOn, string Kind, Conditions Conditions, Guid? FacilityId,
        List<Source> Sources, string? Note, Reporter ReportedBy, string VerificationStatus, DateTimeOffset? LastDecidedAt,
        string? LastDecidedBy, DateTimeOffset CreatedAt);
}
