using Microsoft.AspNetCore.Http.Timeouts;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>Bulk import of detainees, their detentions and releases from a partner's list.</summary>
[Route("api/v1/imports")]
[Tags("Imports and exports")]
public sealed class ImportsController(ImportService imports) : ControllerBase
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Import a list of detainees</summary>
    /// <remarks>
    /// The body is CSV (<c>text/csv</c>: UTF-8, RFC 4180, a header row) or JSON (<c>application/json</c>: an array of
    /// objects with the same field names; list fields may be arrays), up to 200 MB, read as it streams in.
    ///
    /// Columns, all optional but <c>fullName</c>: <c>externalId</c> (<c>scheme:value</c>, or a bare value under scheme
    /// <c>import</c>; several separated by <c>;</c>), <c>fullName</c>, <c>otherNames</c>, <c>gender</c>, <c>birthDate</c>
    /// (<c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>), <c>nationalities</c> (ISO 3166-1 alpha-2), <c>categories</c>,
    /// <c>isProtected</c>, <c>nationalId</c>, <c>notes</c>, <c>arrestedOn</c>, <c>facility</c> (a name, matched ignoring case
    /// and accents; created as kind Other when new, in <c>facilityCountry</c> or else the row's first nationality),
    /// <c>facilityCountry</c>, <c>arrestingAuthority</c>, <c>charges</c>, <c>releasedOn</c> (<c>YYYY-MM-DD</c>),
    /// <c>releaseKind</c>, <c>chargesDropped</c> (empty: unknown), <c>travelBan</c>, <c>barredFromPublicStatements</c>,
    /// <c>mustReportToCourt</c>, <c>sourceUrl</c> (several separated by spaces). Lists are separated by <c>;</c>.
    /// Booleans are <c>true</c>/<c>false</c>, <c>yes</c>/<c>no</c> or <c>1</c>/<c>0</c>; enums are names, any case.
    ///
    /// ```csv
    /// externalId,fullName,gender,birthDate,nationalities,arrestedOn,facility,releasedOn,releaseKind,chargesDropped,travelBan,sourceUrl
    /// foro-penal:FP-0412,María Peña Ruiz,Female,1968-10,VE;ES,2024-08,El Helicoide,2026-01-24,Conditional,no,yes,https://example.org/a
    /// FP-0413,José Ángel Núñez,Male,1971,VE,2024-09-12,,,,,,
    /// ```
    ///
    /// Each row makes a person (of the caller's organization) and, with arrest or release columns, a detention and
    /// a release (Reported, reported by the caller's key). A row whose <c>externalId</c> the organization already
    /// used, in the record or earlier in the file, creates nothing and counts as matched, so importing a list again
    /// creates nothing. A person with the same name (case, accents and spacing folded) and a compatible birth date is
    /// listed in <c>possibleDuplicates</c> and created anyway: nothing is ever merged.
    ///
    /// All or nothing: if any row is invalid, nothing is written and the answer is 400 with <c>rowErrors</c>
    /// (<c>line</c>, <c>field</c>, <c>message</c>; the CSV header is line 1, a JSON item's line is its position from 1),
    /// every invalid row up to 1,000 problems. <c>dryRun=true</c> checks everything and answers the same counts
    /// without writing. With an <c>Idempotency-Key</c> header (1 to 255 printable ASCII characters), the same key and body from the
    /// same organization within 24 hours get the first answer again without writing; the key with another body
    /// is 422; while the first request still runs, 409. Columns that exports add (<c>id</c>, <c>status</c>,
    /// <c>verificationStatus</c>, ...) are read past; any other unknown column is refused.
    /// </remarks>
    /// <param name="dryRun">Check and count, write nothing.</param>
    /// <param name="idempotencyKey">A key of the client's choice that makes a retry safe.</param>
    /// <param name="ct">Ends the import when the client goes away; nothing is left behind.</param>
    [HttpPost]
    [Authorize(Policy = Policies.Contributor)]
    [RequestSizeLimit(ImportService.MaxBodyBytes)]
    [RequestTimeout(Protection.LongRunning)]
    [Consumes("text/csv", "application/json")]
    [AnswersUpload<ImportResult>(StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> ImportDetainees([FromQuery] bool dryRun, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        CancellationToken ct)
    {
        // Read from the headers themselves: binding turns an empty header into no header, and an empty key must not
        // silently make a request unsafe to retry.
        if (Request.Headers.TryGetValue(IdempotencyKeyHeader, out var keys)
            && (keys.Count != 1 || string.IsNullOrWhiteSpace(keys[0]) || keys[0]!.Length > IdempotencyRecord.MaxKeyLength
                || !keys[0]!.All(c => c is >= ' ' and <= '~')))
        {
            return ImportProblems.InvalidRequest(HttpContext, IdempotencyKeyHeader,
                $"Must be given once, with 1 to {IdempotencyRecord.MaxKeyLength} printable ASCII characters.");
        }

        if (ImportFormats.Of(Request.ContentType) is not { } format)
        {
            return Problems.Result(StatusCodes.Status415UnsupportedMediaType, "The body must be text/csv or application/json, in UTF-8");
        }

        ImportOutcome outcome;
        try
        {
            outcome = await imports.RunAsync(new ImportRequest(Request.Body, format, dryRun, idempotencyKey, User.RequiredCaller(),
                Request.Path + Request.QueryString), ct);
        }
        catch (ImportBodyTooLargeException e)
        {
            return ImportProblems.TooLarge(e);
        }

        return outcome switch
        {
            ImportOutcome.Done done => Json(done),
            ImportOutcome.Invalid invalid => ImportProblems.Invalid(HttpContext, invalid),
            ImportOutcome.KeyInUse => Problems.Result(StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still running",
                "Wait for its answer, then retry to get it again."),
            _ => Problems.Result(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used for another request",
                "Each key names one request; use a new key for a different body."),
        };
    }

    private ContentResult Json(ImportOutcome.Done done)
    {
        if (done.Replayed)
        {
            Response.Headers["Idempotent-Replayed"] = "true";
        }

        return Content(done.Json, "application/json");
    }
}

/// <summary>An invalid import: nothing was written, and here is every row error (up to 1,000).</summary>
public sealed class ImportProblemDetails : ValidationProblemDetails
{
    public ImportProblemDetails(IDictionary<string, string[]> errors) : base(errors) { }

    /// <summary>Each problem: the line (the CSV header is line 1; a JSON item's line is its position from 1), the column and what is wrong.</summary>
    public required IReadOnlyList<RowErrorDto> RowErrors { get; init; }

    /// <summary>Whether there were more problems than the 1,000 listed.</summary>
    public required bool RowErrorsTruncated { get; init; }
}

/// <summary>The 400 answer of an invalid import: validation problem details with every row error.</summary>
internal static class ImportProblems
{
    public static ObjectResult Invalid(HttpContext context, ImportOutcome.Invalid invalid)
    {
        var lines = invalid.Errors.Select(e => e.Line).Distinct().Count();
        return Answer(context, new ImportProblemDetails(new Dictionary<string, string[]>
        {
            ["rows"] = [$"{lines} row(s) are invalid; see rowErrors. Nothing was written."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The import is invalid; nothing was written",
            RowErrors = [.. invalid.Errors.Select(e => new RowErrorDto(e.Line, e.Field, e.Message))],
            RowErrorsTruncated = invalid.Truncated,
        });
    }

    /// <summary>A body that grew past its limit while it streamed in (an import's or a list upload's).</summary>
    public static IActionResult TooLarge(ImportBodyTooLargeException e) =>
        Problems.Result(StatusCodes.Status413PayloadTooLarge, "The request body is too large", $"At most {e.Limit} bytes.");

    /// <summary>A request refused before its body is read (a header): the same shape, with no row errors.</summary>
    public static ObjectResult InvalidRequest(HttpContext context, string field, string message) =>
        Answer(context, new ImportProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The import is invalid; nothing was written",
            RowErrors = [],
            RowErrorsTruncated = false,
        });

    private static ObjectResult Answer(HttpContext context, ImportProblemDetails problem) =>
        new(Problems.Complete(problem, context))
        {
            StatusCode = StatusCodes.Status400BadRequest,
            ContentTypes = { "application/problem+json" },
        };
}
