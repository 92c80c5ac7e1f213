using CsvHelper;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using PrisonerReleaseTracker.Api.Features.Detainees;
using PrisonerReleaseTracker.Api.Features.Releases;

namespace PrisonerReleaseTracker.Api.Features.Exports;

/// <summary>Everything out again, in the import's columns, streamed.</summary>
[Route("api/v1/exports")]
[Tags("Imports and exports")]
[Authorize(Policy = Policies.Researcher)]
[RequestTimeout(Protection.LongRunning)]
public sealed partial class ExportsController(ExportQueries queries, IOptions<JsonOptions> json, ILogger<ExportsController> logger) : ControllerBase
{
    /// <summary>Export detainees</summary>
    /// <remarks>
    /// One row per person, in the import's columns, with the latest detention (the open one, else the most recent)
    /// and its release, then <c>status</c> and <c>organization</c>, which an import reads past: an export can be
    /// imported again. Filters as the detainee list. <c>format=csv</c> (default) or <c>json</c> (an array of
    /// objects; lists as arrays); without <c>format</c>, the <c>Accept</c> header chooses (<c>application/json</c> or
    /// <c>text/csv</c>), else CSV. Rows are streamed as they are read, ordered by id. Sensitive fields (national id,
    /// notes) only reach the holding organization; a protected person held elsewhere appears only under a
    /// stable pseudonym, without names, birth date, identifiers, arresting authority, charges or sources, and <c>q</c> never finds them;
    /// the url of a source also cited for such a person is left out of every row. In CSV, a
    /// text starting like a spreadsheet formula (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>) is written after a <c>'</c>,
    /// which an import removes again.
    /// </remarks>
    [HttpGet("detainees")]
    [ProducesResponseType<IReadOnlyList<DetaineeExportRow>>(StatusCodes.Status200OK, "application/json", "text/csv")]
    [Problems(StatusCodes.Status400BadRequest)]
    public Task<IActionResult> ExportDetainees([FromQuery] DetaineeFilter filter, [FromQuery] ExportFormatQuery output, CancellationToken ct) =>
        ExportAsync("detainees", "DetaineeExport", output, queries.DetaineesAsync(filter, User.RequiredCaller(), ct), DetaineeExportRow.CsvHeader, r => r.ToCsv(), ct);

    /// <summary>Export releases</summary>
    /// <remarks>
    /// One row per release, in the import's columns (the person, the detention it ended, the release), then
    /// <c>verificationStatus</c>, <c>lastDecidedAt</c>, <c>lastDecidedBy</c>, <c>reportedByOrganization</c> and
    /// <c>createdAt</c>, which an import reads past (imported releases start Reported). Filters as the release list;
    /// <c>format=csv</c> or <c>json</c>, else as <c>Accept</c> asks, else CSV. Streamed, ordered by id, with the same visibility rules as the detainee export.
    /// </remarks>
    [HttpGet("releases")]
    [ProducesResponseType<IReadOnlyList<ReleaseExportRow>>(StatusCodes.Status200OK, "application/json", "text/csv")]
    [Problems(StatusCodes.Status400BadRequest)]
    public Task<IActionResult> ExportReleases([FromQuery] ReleaseFilter filter, [FromQuery] ExportFormatQuery output, CancellationToken ct) =>
        ExportAsync("releases", "ReleaseExport", output, queries.ReleasesAsync(filter, User.RequiredCaller(), ct), ReleaseExportRow.CsvHeader, r => r.ToCsv(), ct);

    /// <summary>Notes the export in the audit log, then streams its rows as the caller asked (the rows are read as they are written).</summary>
    private async Task<IActionResult> ExportAsync<T>(string name, string audited, ExportFormatQuery output, IAsyncEnumerable<T> rows, string[] header,
        Func<T, string?[]> toCsv, CancellationToken ct)
    {
        await queries.RecordExportAsync(audited, ct);
        await WriteAsync(ExportFormats.Choose(output.Format, Request.GetTypedHeaders().Accept), name, rows, header, toCsv, ct);
        return new EmptyResult();
    }

    /// <summary>
    /// Starts the query and reads its first row before the answer starts, so that whatever fails then (the database, a
    /// statement timeout) is an ordinary problem answer; a failure once bytes are on their way aborts the connection,
    /// so the client sees a cut body (no final chunk), never a short file that looks complete.
    /// </summary>
    private async Task WriteAsync<T>(ExportFormat format, string name, IAsyncEnumerable<T> rows, string[] header, Func<T, string?[]> toCsv, CancellationToken ct)
    {
        await using var items = rows.GetAsyncEnumerator(ct);
        var any = await items.MoveNextAsync();
        Response.StatusCode = StatusCodes.Status200OK;
        Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.{(format == ExportFormat.Json ? "json" : "csv")}\"";
        try
        {
            if (format == ExportFormat.Json)
            {
                Response.ContentType = "application/json; charset=utf-8";
                await JsonSerializer.SerializeAsync(Response.Body, Remaining(items, any), json.Value.JsonSerializerOptions, ct);
                return;
            }

            Response.ContentType = "text/csv; charset=utf-8";
            var options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };
            await using var csv = CsvWriter.Create(Response.Body, options, leaveOpen: true);
            await csv.WriteRecordAsync(header, ct);
            await foreach (var row in Remaining(items, any))
            {
                await csv.WriteRecordAsync(toCsv(row)!, ct);
            }

            await csv.FlushAsync(ct);
        }
        catch (Exception e) when (Response.HasStarted)
        {
            // The status is sent: the client learns of the failure from the connection cut before the end of the file.
            if (e is OperationCanceledException or IOException)
            {
                LogAborted(logger, e.GetType().Name); // most often the client went away
            }
            else
            {
                LogFailed(logger, e.GetType().Name, e); // any other fault with its stack, as the exception handler logs one
            }

            HttpContext.Abort();
        }
    }

    /// <summary>The rows from the one already read on.</summary>
    private static async IAsyncEnumerable<T> Remaining<T>(IAsyncEnumerator<T> items, bool any)
    {
        for (var more = any; more; more = await items.MoveNextAsync())
        {
            yield return items.Current;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export failed after its answer started ({ExceptionType}): connection aborted")]
    private static partial void LogAborted(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export failed after its answer started ({ExceptionType}): connection aborted")]
    private static partial void LogFailed(ILogger logger, string exceptionType, Exception exception);
}
