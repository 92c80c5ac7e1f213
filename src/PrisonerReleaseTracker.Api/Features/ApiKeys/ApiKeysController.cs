using PrisonerReleaseTracker.Api.Features.Changes;
using PrisonerReleaseTracker.Domain.Access;

namespace PrisonerReleaseTracker.Api.Features.ApiKeys;

/// <summary>API keys: who may call, for which organization, with which role.</summary>
[Route("api/v1/api-keys")]
[Tags("API keys")]
[Authorize(Policy = Policies.Admin)]
public sealed class ApiKeysController(AppDbContext db, TimeProvider clock) : ControllerBase
{
    /// <summary>List API keys</summary>
    /// <remarks>Keys are listed without their secrets, which are never stored.</remarks>
    [HttpGet]
    [ProducesResponseType<Page<ApiKeyResponse>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> ListApiKeys([FromQuery] ApiKeyListQuery query, CancellationToken ct)
    {
        var fetched = await query.Slice(db.ApiKeys.AsNoTracking().ChangedSince(query), k => k.Id).Select(ApiKeyResponse.Projection).ToListAsync(ct);
        return Ok(query.ToPage(fetched, k => k.Id));
    }

    /// <summary>Get an API key</summary>
    /// <remarks>Without its secret, which is never stored.</remarks>
    [HttpGet("{id:guid}")]
    [ProducesResponseType<ApiKeyResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetApiKey(Guid id, CancellationToken ct) => this.Found(await FindAsync(id, ct), "API key");

    /// <summary>Issue an API key</summary>
    /// <remarks>The answer holds the key itself, this once; only its hash is stored.</remarks>
    [HttpPost]
    [ProducesResponseType<CreatedApiKeyResponse>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> CreateApiKey(CreateApiKeyRequest request, CancellationToken ct)
    {
        var key = ApiKey.Issue(request.Name.Trim(), request.Organization.Trim(), request.Role!.Value, clock.GetUtcNow(), out var secret);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        var issued = (await FindAsync(key.Id, ct))!;
        return this.CreatedAt(nameof(GetApiKey), new { id = key.Id }, issued, new CreatedApiKeyResponse(secret, issued));
    }

    /// <summary>Revoke an API key</summary>
    /// <remarks>The key is refused from the next request on. Revoking is final.</remarks>
    [HttpDelete("{id:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> RevokeApiKey(Guid id, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return Problems.NotFound("API key");
        }

        key.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return NoContent();
    }

    private Task<ApiKeyResponse?> FindAsync(Guid id, CancellationToken ct) =>
        db.ApiKeys.AsNoTracking().Where(k => k.Id == id).Select(ApiKeyResponse.Projection).SingleOrDefaultAsync(ct);
}
