using PrisonerReleaseTracker.Api.Features.Changes;

namespace PrisonerReleaseTracker.Api.Features.ApiKeys;

/// <summary>
/// API keys: who may call, for which organization, with which role. An operator (Admin) manages every key, an
/// OrganizationAdmin its own organization's (<see cref="KeyManagement"/>); a key it does not manage is not found.
/// </summary>
[Route("api/v1/api-keys")]
[Tags("API keys")]
[Authorize(Policy = Policies.KeyManager)]
public sealed class ApiKeysController(AppDbContext db, TimeProvider clock) : ControllerBase
{
    /// <summary>List API keys</summary>
    /// <remarks>
    /// The keys the caller manages: every key for an operator, its own organization's for an OrganizationAdmin. Listed
    /// without their secrets, which are never stored.
    /// </remarks>
    [HttpGet]
    [AnswersPage<ApiKeyResponse>]
    public async Task<IActionResult> ListApiKeys([FromQuery] ApiKeyListQuery query, CancellationToken ct)
    {
        var fetched = await query.Slice(Managed().ChangedSince(query), k => k.Id).Select(ApiKeyResponse.Projection).ToListAsync(ct);
        return Ok(query.ToPage(fetched, k => k.Id));
    }

    /// <summary>Get an API key</summary>
    /// <remarks>Without its secret, which is never stored. A key the caller does not manage is not found.</remarks>
    [HttpGet("{id:guid}")]
    [AnswersFound<ApiKeyResponse>]
    public async Task<IActionResult> GetApiKey(Guid id, CancellationToken ct) => this.Found(await FindAsync(id, ct), "API key");

    /// <summary>Issue an API key</summary>
    /// <remarks>
    /// The answer holds the key itself, this once; only its hash is stored. An operator issues keys of any organization and
    /// role; an OrganizationAdmin only of its own organization, up to OrganizationAdmin (403 otherwise). The audit log names
    /// the issuing key and its organization.
    /// </remarks>
    [HttpPost]
    [AnswersCreated<CreatedApiKeyResponse>]
    public async Task<IActionResult> CreateApiKey(CreateApiKeyRequest request, CancellationToken ct)
    {
        var (organization, role, issuer) = (request.Organization.Trim(), request.Role!.Value, User.RequiredCaller());
        if (!KeyManagement.Manages(issuer.Organization, issuer.Role, organization, role))
        {
            return Problems.Forbidden("An organization's administrator issues keys of its own organization only, up to OrganizationAdmin",
                $"This key may issue keys for {issuer.Organization}, with role Researcher, Contributor, Verifier or OrganizationAdmin.");
        }

        var key = ApiKey.Issue(request.Name.Trim(), organization, role, clock.GetUtcNow(), out var secret);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        var issued = (await FindAsync(key.Id, ct))!;
        return this.CreatedAt(nameof(GetApiKey), new { id = key.Id }, issued, new CreatedApiKeyResponse(secret, issued));
    }

    /// <summary>Revoke an API key</summary>
    /// <remarks>The key is refused from the next request on. Revoking is final. A key the caller does not manage is not found.</remarks>
    [HttpDelete("{id:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> RevokeApiKey(Guid id, CancellationToken ct)
    {
        var key = await Managed(tracked: true).SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return Problems.NotFound("API key");
        }

        key.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return NoContent();
    }

    private Task<ApiKeyResponse?> FindAsync(Guid id, CancellationToken ct) =>
        Managed().Where(k => k.Id == id).Select(ApiKeyResponse.Projection).SingleOrDefaultAsync(ct);

    /// <summary>The keys the caller manages (<see cref="KeyManagement.Manages"/>).</summary>
    private IQueryable<ApiKey> Managed(bool tracked = false)
    {
        var caller = User.RequiredCaller();
        var (organization, role) = (caller.Organization, caller.Role);
        var keys = tracked ? db.ApiKeys : db.ApiKeys.AsNoTracking();
        return keys.Where(k => KeyManagement.Manages(organization, role, k.Organization, k.Role));
    }
}
