using Npgsql;
using PrisonerReleaseTracker.Api.Features.Sources;

namespace PrisonerReleaseTracker.Api.Features.Releases;

/// <summary>Releases: the end of a detention, as reported, and how each was verified.</summary>
[Route("api/v1/releases")]
[Authorize(Policy = Policies.Researcher)]
public sealed class ReleasesController(AppDbContext db, ReleaseQueries queries, TimeProvider clock) : ControllerBase
{
    /// <summary>List releases</summary>
    /// <remarks>Filters combine with AND; <c>status</c> is the verification status now. Paged with <c>cursor</c>.</remarks>
    [HttpGet]
    [Budget(BudgetKind.ListRead)]
    [AnswersPage<ReleaseResponse>]
    public async Task<IActionResult> ListReleases([FromQuery] ReleaseFilter filter, [FromQuery] RecordPageQuery page, CancellationToken ct) =>
        Ok(await queries.ListAsync(filter, page, User.RequiredCaller(), ct));

    /// <summary>Get a release</summary>
    /// <remarks>With its verification status now, when and by whom it was last decided, its conditions and sources.</remarks>
    [HttpGet("{id:guid}")]
    [AnswersFound<ReleaseResponse>]
    public async Task<IActionResult> GetRelease(Guid id, CancellationToken ct) =>
        this.Found(await queries.GetAsync(id, User.RequiredCaller(), ct), "Release");

    /// <summary>Report a release</summary>
    /// <remarks>Closes the detention. The release starts as Reported; the server records the reporting key and organization.</remarks>
    [HttpPost]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersCreated<ReleaseResponse>(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateRelease(CreateReleaseRequest request, CancellationToken ct)
    {
        var caller = User.RequiredCaller();
        var detainee = await db.Detainees.Include(d => d.Detentions).ThenInclude(d => d.Transfers)
            .SingleOrDefaultAsync(d => d.Detentions.Any(x => x.Id == request.DetentionId), ct);
        if (detainee is null)
        {
            return Problems.Invalid(HttpContext, "detentionId", "No detention with this id.");
        }

        if (!caller.Holds(detainee.Organization))
        {
            return Problems.Forbidden();
        }

        if (await InvalidReferencesAsync(request, ct) is { } invalid)
        {
            return invalid;
        }

        var release = detainee.RecordRelease(request.DetentionId!.Value, request.ToReport(), caller.AsReporter(), clock.GetUtcNow());
        db.Releases.Add(release);
        await db.SaveChangesAsync(ct);
        var created = (await queries.GetAsync(release.Id, caller, ct))!;
        return this.CreatedAt(nameof(GetRelease), new { id = release.Id }, created);
    }

    /// <summary>Get a release's verification history</summary>
    /// <remarks>Every decision in the order it was made. The history is append-only.</remarks>
    [HttpGet("{id:guid}/verifications")]
    [AnswersFound<IReadOnlyList<VerificationEventResponse>>]
    public async Task<IActionResult> ListVerifications(Guid id, CancellationToken ct) =>
        await queries.HistoryAsync(id, User.RequiredCaller(), ct) is { } history ? Ok(history) : Problems.NotFound("Release");

    /// <summary>Get one verification decision</summary>
    /// <remarks>Decisions are numbered from 1 in the order they were recorded, and never change.</remarks>
    [HttpGet("{id:guid}/verifications/{sequence:int}")]
    [AnswersFound<VerificationEventResponse>]
    public async Task<IActionResult> GetVerification(Guid id, int sequence, CancellationToken ct) =>
        this.Found(await queries.DecisionAsync(id, sequence, User.RequiredCaller(), ct), "Verification decision");

    /// <summary>Record a verification decision</summary>
    /// <remarks>
    /// Any organization's Verifier may decide, except with the key that reported the release (four eyes).
    /// Legal moves: Reported → UnderVerification, Verified, Disputed or Rejected; UnderVerification → Verified, Disputed
    /// or Rejected; Disputed → UnderVerification, Verified or Rejected; Rejected → UnderVerification; Verified → Retracted;
    /// Retracted → UnderVerification. Disputed, Rejected and Retracted need a note. A broken rule is a 409 titled by the rule.
    /// A Verifier may decide on the release of a protected person it may not identify, and sees it as it sees the history.
    /// A decision says what it decides on: the release's <c>ETag</c> in <c>If-Match</c> (the version you read), or its
    /// <c>expectedStatus</c> in the body (the status you decided on), or both (both must hold). Without either it is
    /// refused (428); when the release was decided on since (another decision landed, even one that ended in the same
    /// status for an ETag), 412 and nothing is recorded.
    /// The answer's <c>Location</c> is the decision; read the release again for its new <c>ETag</c>.
    /// </remarks>
    [HttpPost("{id:guid}/verifications")]
    [Authorize(Policy = Policies.Verifier)]
    [AnswersCreated<VerificationEventResponse>(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed, StatusCodes.Status428PreconditionRequired)]
    [ReadsIfMatch(required: false, OrBodyField = "expectedStatus")]
    public async Task<IActionResult> CreateVerification(Guid id, VerificationRequest request, CancellationToken ct)
    {
        var (expected, precondition) = ETags.ReadOptionalIfMatch(Request);
        var release = await db.Releases.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (release is null)
        {
            return Problems.NotFound("Release");
        }

        if (precondition is not null)
        {
            return precondition;
        }

        if (expected is null && request.ExpectedStatus is null)
        {
            return Problems.Result(StatusCodes.Status428PreconditionRequired, "A decision must say what it decides on",
                "Send the release's ETag in If-Match, or the status you decided on in expectedStatus, or both.");
        }

        if (expected is not null && db.VersionOf(release) != expected)
        {
            return ETags.Stale();
        }

        if (request.ExpectedStatus is { } expectedStatus && release.Status != expectedStatus)
        {
            return Problems.Result(StatusCodes.Status412PreconditionFailed, "The release is not in the status you decided on",
                $"It is {release.Status}, not {expectedStatus}. Read it again and decide on what it is now.");
        }

        var unknownSources = await SourceReferences.FindUnknownAsync(db, request.SourceIds, ct);
        if (unknownSources.Count > 0)
        {
            return ValidationProblems.Create(HttpContext, unknownSources);
        }

        var caller = User.RequiredCaller();
        var latest = await db.VerificationEvents.AsNoTracking().Where(e => e.ReleaseId == id).OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(ct);
        var decision = request.ToDecision(caller.AsReporter());
        var recorded = release.Decide(decision, latest, clock.GetUtcNow());
        db.VerificationEvents.Add(recorded);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException || e is DbUpdateException { InnerException: PostgresException
        {
            SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        } })
        {
            // Decided by someone else between our read and our write (their decision took the row, or the next sequence
            // number, first): not the state the caller saw.
            return ETags.Stale();
        }

        var created = (await queries.DecisionAsync(id, recorded.Sequence, caller, ct))!;
        return this.CreatedAt(nameof(GetVerification), new { id, sequence = recorded.Sequence }, created);
    }

    private async Task<IActionResult?> InvalidReferencesAsync(CreateReleaseRequest request, CancellationToken ct)
    {
        var errors = await SourceReferences.FindUnknownAsync(db, request.SourceIds, ct);
        if (request.FacilityId is { } facilityId && !await db.Facilities.AnyAsync(f => f.Id == facilityId, ct))
        {
            errors["facilityId"] = ["No facility with this id."];
        }

        return errors.Count > 0 ? ValidationProblems.Create(HttpContext, errors) : null;
    }
}
