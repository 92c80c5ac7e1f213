using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Npgsql;
using NpgsqlTypes;
using PrisonerReleaseTracker.Domain;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// The limits the API is compared with, in a bare Kestrel process with raw Npgsql:
/// <list type="bullet">
/// <item><c>/const</c>: constant bytes (the API's own cached totals answer, with the same headers) and nothing else: no
/// key, no log line. The limit of a cached answer.</item>
/// <item><c>/releases/{id}</c>: a release read in one round trip, shaped like the API's answer.</item>
/// <item><c>/totals</c>: the statements the API sent for one totals request (captured from PostgreSQL's log), run one
/// after the other on one connection with the captured parameters, every row read; then the bytes the API answered.</item>
/// </list>
/// The last two do per request what the API does besides its own work: statements prepared (Npgsql auto-prepare, as
/// the API's <c>Database:MaxAutoPrepare</c>), the <c>X-Api-Key</c> checked as the API checks it (the key's SHA-256 looked
/// up in memory, read from <c>api_keys</c> by prefix the first time and again when the data version moves, the version
/// read at most once a second), the security headers, and one Information log line per request on the console.
/// </summary>
internal static partial class ReferenceServer
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

    private const string CallerItem = "caller";

    /// <param name="connectionString">The main bench database.</param>
    /// <param name="urls">Where to listen.</param>
    /// <param name="constBodyFile">The bytes <c>/const</c> answers.</param>
    /// <param name="totals">The captured totals request (script and definitions from <c>pgbench-script</c>, and the API's
    /// answer), or null: then <c>/totals</c> is not mapped.</param>
    /// <param name="page">The public page's bytes and the headers it was answered with (as <c>curl -D</c> writes them), or
    /// null: then <c>/const-page</c> is not mapped.</param>
    public static async Task<int> RunAsync(string connectionString, string urls, string constBodyFile,
        (string Script, string Definitions, string Body)? totals, (string Body, string Headers)? page = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // As the API in Production: the console logger, Information, the framework's own lines at Warning.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        await using var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 50 }.ConnectionString);
        var keys = new ReferenceKeys(dataSource);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };
        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PrisonerReleaseTracker.Bench.Reference");

        var body = await File.ReadAllBytesAsync(constBodyFile);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"";
        app.Use((http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(http);
        });

        // /const is the bare limit: answered before the log line and the key check.
        app.Use((http, next) => http.Request.Path == "/const" ? WriteBytesAsync(http, body, etag) : next(http));

        // /const-page: the public page's bytes with the headers the API sent them with (its policy, language, ETag).
        if (page is { } p)
        {
            var pageBody = await File.ReadAllBytesAsync(p.Body);
            var pageHeaders = PageHeaders(await File.ReadAllLinesAsync(p.Headers));
            app.Use((http, next) =>
            {
                if (http.Request.Path != "/const-page")
                {
                    return next(http);
                }

                foreach (var (name, value) in pageHeaders)
                {
                    http.Response.Headers[name] = value;
                }

                http.Response.ContentLength = pageBody.Length;
                return http.Response.Body.WriteAsync(pageBody).AsTask();
            });
        }

        // The log line and the key check, in the API's order: logging outermost, then routing, then authentication.
        app.Use(async (http, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            finally
            {
                var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
                LogRequest(log, http.Request.Method, route, http.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
            }
        });
        app.UseRouting();
        app.Use(async (http, next) =>
        {
            if (http.Request.Headers.TryGetValue("X-Api-Key", out var presented))
            {
                var key = presented.ToString();
                if (!ApiKeySecret.LooksValid(key) || await keys.FindActiveAsync(key, http.RequestAborted) is not { } caller)
                {
                    http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                http.Items[CallerItem] = caller;
            }

            await next(http);
        });

        app.MapGet("/releases/{id:guid}", async (Guid id, HttpContext http) =>
        {
            if (!http.Items.ContainsKey(CallerItem))
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized); // the API asks for a Researcher key
            }

            await using var cmd = dataSource.CreateCommand(ReleaseSql);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            await using var reader = await cmd.ExecuteReaderAsync(http.RequestAborted);
            if (!await reader.ReadAsync(http.RequestAborted))
            {
                return Results.NotFound();
            }

            return Results.Json(ReadRelease(reader), json);
        });

        if (totals is { } t)
        {
            var statements = PgbenchScript.Load(t.Script, t.Definitions);
            var totalsBody = await File.ReadAllBytesAsync(t.Body);
            var totalsEtag = $"\"{Convert.ToHexStringLower(SHA256.HashData(totalsBody))[..32]}\"";
            app.MapGet("/totals", async (HttpContext http) =>
            {
                await using (var connection = await dataSource.OpenConnectionAsync(http.RequestAborted))
                {
                    foreach (var (sql, values) in statements)
                    {
                        await using var cmd = new NpgsqlCommand(sql, connection);
                        foreach (var value in values)
                        {
                            // Untyped, as pgbench sends them: PostgreSQL types each from its context.
                            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = value });
                        }

                        await using var reader = await cmd.ExecuteReaderAsync(http.RequestAborted);
                        var row = new object[reader.FieldCount];
                        while (await reader.ReadAsync(http.RequestAborted))
                        {
                            reader.GetValues(row);
                        }
                    }
                }

                await WriteBytesAsync(http, totalsBody, totalsEtag);
            });
        }

        Console.WriteLine($"reference server on {urls}");
        await app.RunAsync();
        return 0;
    }

    /// <summary>The headers of a captured answer, less those the server sets itself or that belong to one exchange.</summary>
    private static List<(string Name, string Value)> PageHeaders(IEnumerable<string> lines)
    {
        string[] skipped = ["date", "content-length", "transfer-encoding", "connection", "keep-alive", "ratelimit", "ratelimit-policy",
            "x-content-type-options", "x-frame-options", "referrer-policy", "server"];
        return [.. lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && !skipped.Contains(parts[0].Trim().ToLowerInvariant()))
            .Select(parts => (parts[0].Trim(), parts[1].Trim()))];
    }

    private static Task WriteBytesAsync(HttpContext http, byte[] body, string etag)
    {
        var response = http.Response;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "public, max-age=15";
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    private static Release ReadRelease(NpgsqlDataReader reader)
    {
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

        return new Release(
            reader.GetGuid(0), reader.GetGuid(1), new Person(detaineeId, name, reader.GetFieldValue<string[]>(6)),
            reader.GetFieldValue<DateOnly>(7), reader.GetString(8),
            new Conditions(reader.IsDBNull(9) ? null : reader.GetBoolean(9), reader.GetBoolean(10), reader.GetBoolean(11), reader.GetBoolean(12)),
            reader.IsDBNull(13) ? null : reader.GetGuid(13), sources, reader.IsDBNull(14) ? null : reader.GetString(14),
            new Reporter(reader.GetGuid(15), reader.GetString(16)), reader.GetString(17),
            reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18), reader.IsDBNull(19) ? null : reader.GetString(19),
            reader.GetFieldValue<DateTimeOffset>(20));
    }

    // The API's request log line (RequestLoggingMiddleware), word for word.
    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Route} answered {Status} in {ElapsedMs:0.0} ms (trace {TraceId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double elapsedMs, string traceId);

    private sealed record Source(Guid Id, string Url, string? Publisher, string? Title);

    private sealed record Person(Guid Id, string Name, string[] Nationalities);

    private sealed record Conditions(bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt);

    private sealed record Reporter(Guid KeyId, string Organization);

    private sealed record Release(
        Guid Id, Guid DetentionId, Person Detainee, DateOnly ReleasedOn, string Kind, Conditions Conditions, Guid? FacilityId,
        List<Source> Sources, string? Note, Reporter ReportedBy, string VerificationStatus, DateTimeOffset? LastDecidedAt,
        string? LastDecidedBy, DateTimeOffset CreatedAt);
}
