namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>The audit log names the calling key and its organization; work outside a request is the system's.</summary>
public sealed class CallerAuditActor(IHttpContextAccessor http) : IAuditActor
{
    private Caller? Caller => http.HttpContext?.User is { } user ? Infrastructure.Caller.From(user) : null;

    public Guid? KeyId => Caller?.KeyId;

    public string Organization => Caller?.Organization ?? "system";
}
